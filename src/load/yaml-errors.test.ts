import { describe, expect, it } from "vitest";
import { parseDocuments, parseYamlFully } from "./documents.js";

const text = (...lines: string[]): string => `${lines.join("\n")}\n`;
const lines = (t: string) => parseDocuments("in.yaml", t).issues.map((i) => [i.code, i.source?.line]);

describe("YAML syntax errors at their real position", () => {
  it("an unclosed double quote at the end of the file: the line of the opening quote", () => {
    const t = text(
      "apiVersion: networking.k8s.io/v1", // 1
      "kind: NetworkPolicy", // 2
      "metadata:", // 3
      "  name: a", // 4
      "spec:", // 5
      "  podSelector: {}", // 6
      '  policyTypes: ["Ingress]', // 7
    );
    expect(lines(t)).toEqual([
      ["malformed-document", 7],
      ["malformed-document", 7],
    ]);
    expect(parseDocuments("in.yaml", t).issues[0]?.message).toMatch(/Missing closing "quote/);
  });

  it("an unclosed single quote followed by more lines, and one without a final line break", () => {
    expect(lines(text("a: 1", "b: 'it''s", "c: 2", "", ""))).toEqual([["malformed-document", 2]]);
    expect(lines('a: 1\nb: "x')).toEqual([["malformed-document", 2]]);
  });

  it("an unclosed quote in a later document of a stream", () => {
    const t = text(
      "kind: A",
      "---",
      "kind: B",
      "metadata:",
      '  name: "b',
      "  namespace: x",
      "---",
      "kind: C",
    );
    expect(lines(t)).toEqual([["malformed-document", 5]]);
    expect(parseDocuments("in.yaml", t).issues[0]?.message).toMatch(/in the document starting at line 3/);
  });

  it("an unclosed flow collection: the line of its opening bracket", () => {
    const t = text("kind: Pod", "metadata: {name: [", "", "");
    expect(parseYamlFully("in.yaml", t).issues.map((i) => i.source?.line)).toEqual([2, 2]);
  });

  it("in a stream read whole (with `...` lines), each error in its own document", () => {
    const t = text("a: [1, 2", "...", "---", "b: 1", "...", "---", "c: {x: [", "d: 1", "...");
    expect(lines(t).map(([, line]) => line)).toEqual([1, 7, 7]);
  });

  it("other errors stay where the parser found them", () => {
    expect(lines(text("a: 1", "b: [1, 2]", "  c: 3"))).toEqual([["malformed-document", 3]]);
  });
});

describe("duplicate keys at their full field path", () => {
  const ports = text(
    "apiVersion: networking.k8s.io/v1", // 1
    "kind: NetworkPolicy", // 2
    "metadata: {name: a, namespace: x}", // 3
    "spec:", // 4
    "  podSelector: {}", // 5
    "  ingress:", // 6
    "  - ports:", // 7
    "    - port: 80", // 8
    "      protocol: TCP", // 9
    "      port: 81", // 10
  );

  it("a duplicate port inside ports: duplicate-key at spec.ingress[0].ports[0].port, its line", () => {
    expect(parseDocuments("np.yaml", ports).issues).toEqual([
      {
        code: "duplicate-key",
        severity: "error",
        path: "spec.ingress[0].ports[0].port",
        message: expect.stringMatching(/^duplicate key "port"/) as unknown,
        object: { kind: "NetworkPolicy", namespace: "x", name: "a" },
        source: { file: "np.yaml", line: 10 },
      },
    ]);
  });

  it("in a flow mapping, and in JSON read strictly", () => {
    const flow = text("kind: Pod", "metadata: {name: a, labels: {app: x, app: y}}");
    expect(parseDocuments("f.yaml", flow).issues.map((i) => [i.code, i.path, i.source?.line])).toEqual([
      ["duplicate-key", "metadata.labels.app", 2],
    ]);
    const json = text("{", '  "kind": "Pod",', '  "spec": {"containers": [{"name": "a", "name": "b"}]}', "}");
    const strict = parseDocuments("p.json", json, { strictJson: true });
    expect(strict.issues.map((i) => [i.code, i.path, i.source?.line])).toEqual([
      ["duplicate-key", "spec.containers[0].name", 3],
    ]);
  });

  it("inside a List item: the path within the item, and the item's object", () => {
    const t = text(
      "kind: List", // 1
      "items:", // 2
      "- kind: Pod", // 3
      "  metadata: {name: a}", // 4
      "- kind: Pod", // 5
      "  metadata:", // 6
      "    name: b", // 7
      "    labels: {app.kubernetes.io/name: x}", // 8
      "    labels: {}", // 9
    );
    expect(parseDocuments("l.yaml", t).issues).toEqual([
      expect.objectContaining({
        code: "duplicate-key",
        path: "metadata.labels",
        object: { kind: "Pod", name: "b" },
        source: { file: "l.yaml", line: 9 },
      }),
    ]);
  });
});
