import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { numRuns } from "../../test/gen/cluster.js";
import { parseDocuments } from "./documents.js";
import { textPositions } from "./positions.js";

/** Joins lines with `\n`; the array index + 1 is the line number, which keeps expected lines obvious. */
const text = (...lines: string[]): string => `${lines.join("\n")}\n`;

/** The line of `path` in the object starting at `objectLine`, by the fast paths and by the reference. */
const both = (t: string, objectLine: number, path: string) => [
  textPositions(t).lineOf(objectLine, path),
  textPositions(t, { fast: false }).lineOf(objectLine, path),
];

const policy = text(
  "kind: Namespace", // 1
  "---", // 2
  "# a policy", // 3
  "apiVersion: networking.k8s.io/v1", // 4
  "kind: NetworkPolicy", // 5
  "metadata:", // 6
  "  name: web", // 7
  "  labels:", // 8
  "    app.kubernetes.io/name: web", // 9
  "    app: web", // 10
  "spec:", // 11
  "  podSelector: {matchLabels: {app: web}}", // 12
  "  ingress:", // 13
  "  - from:", // 14
  "    - podSelector: {}", // 15
  "    ports:", // 16
  "    - port: 80", // 17
  "    -", // 18
  "      port: 443", // 19
  "      protocol: TCP", // 20
  "---", // 21
  "kind: Pod", // 22
);

describe("textPositions: the line of a field path", () => {
  it.each<[string, string, number]>([
    ["a key", "spec", 11],
    ["a nested key", "spec.ingress", 13],
    ["a list item", "spec.ingress[0]", 14],
    ["a key of a compact list item", "spec.ingress[0].ports", 16],
    ["a key inside a list item", "spec.ingress[0].ports[0].port", 17],
    ["an item whose `-` is alone on its line (the item's first key)", "spec.ingress[0].ports[1]", 19],
    ["a key after such a `-`", "spec.ingress[0].ports[1].protocol", 20],
    ["a label key with dots and a slash", "metadata.labels.app.kubernetes.io/name", 9],
    ["a shorter label key next to it", "metadata.labels.app", 10],
    ["a map key in brackets (field.Path notation)", "metadata.labels[app]", 10],
    ["inside a one-line flow mapping: its line", "spec.podSelector.matchLabels.app", 12],
    ["a field that is not there: the deepest one that is", "spec.ingress[0].ports[0].endPort", 17],
    ["an index past the end: the list's key", "spec.ingress[3].from", 13],
    ["a first field that is not there: the object's line", "status.podIP", 4],
    ["the empty path: the object's line", "", 4],
  ])("%s", (_name, path, line) => {
    expect(both(policy, 4, path)).toEqual([line, line]);
  });

  it("objects of other documents are looked up in their own document", () => {
    expect(both(policy, 1, "kind")).toEqual([1, 1]);
    expect(both(policy, 22, "kind")).toEqual([22, 22]);
    expect(both(policy, 22, "spec")).toEqual([22, 22]);
  });

  it("documents the fast reader leaves to the full parser (block scalars, anchors, multi-line flow)", () => {
    const t = text(
      "kind: ConfigMap", // 1
      "data:", // 2
      "  script: |", // 3
      "    port: 1", // 4
      "  anchor: &a {x: 1}", // 5
      "  alias: *a", // 6
      "spec: {ports: [", // 7
      "  {port: 80},", // 8
      "  {port: 81}]}", // 9
    );
    expect(both(t, 1, "data.script")).toEqual([3, 3]);
    expect(both(t, 1, "data.alias")).toEqual([6, 6]);
    expect(both(t, 1, "spec.ports[1].port")).toEqual([9, 9]);
  });

  it("JSON: a single object and the items of a List, each at its own lines", () => {
    const list = {
      kind: "List",
      items: [
        { kind: "Pod", metadata: { name: "a", labels: { "app.kubernetes.io/name": "a" } } },
        { kind: "Pod", metadata: { name: "b" }, spec: { containers: [{ name: "c", ports: [{ x: 1 }] }] } },
      ],
    };
    const t = `${JSON.stringify(list, null, 2)}\n`;
    const lines = t.split("\n");
    const lineOf = (s: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(s)) + 1;
    const [a, b] = parseDocuments("l.json", t).objects.map((o) => o.source.line) as [number, number];
    expect(both(t, a, "metadata.labels.app.kubernetes.io/name")).toEqual([
      lineOf('"app.kubernetes.io/name"'),
      lineOf('"app.kubernetes.io/name"'),
    ]);
    expect(both(t, b, "metadata.name")).toEqual([lineOf('"name": "b"'), lineOf('"name": "b"')]);
    expect(both(t, b, "spec.containers[0].ports[0].x")).toEqual([lineOf('"x": 1'), lineOf('"x": 1')]);
  });

  it("YAML List items (kubectl get -o yaml) at their own lines", () => {
    const t = text(
      "apiVersion: v1", // 1
      "kind: List", // 2
      "items:", // 3
      "- kind: Pod", // 4
      "  metadata:", // 5
      "    name: a", // 6
      "- kind: Pod", // 7
      "  metadata:", // 8
      "    name: b", // 9
    );
    expect(parseDocuments("l.yaml", t).objects.map((o) => o.source.line)).toEqual([4, 7]);
    expect(both(t, 4, "metadata.name")).toEqual([6, 6]);
    expect(both(t, 7, "metadata.name")).toEqual([9, 9]);
    expect(both(t, 7, "kind")).toEqual([7, 7]);
  });
});

/** Every field path of a value, as decoders write them. */
function paths(v: unknown, at = ""): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => [`${at}[${i}]`, ...paths(x, `${at}[${i}]`)]);
  if (typeof v !== "object" || v === null) return [];
  return Object.entries(v).flatMap(([k, x]) => {
    const p = at ? `${at}.${k}` : k;
    return [p, ...paths(x, p)];
  });
}

const KEYS = [
  "a",
  "b",
  "a.b",
  "app.kubernetes.io/name",
  "app",
  "port",
  "c d",
  "1",
  "x-y",
  "true",
  "-x",
  "a: b",
  "#k",
  "it's",
  'q"',
  "~",
];
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null)),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 4 }),
  ),
}));
const object = fc.dictionary(fc.constantFrom(...KEYS), value, { minKeys: 1, maxKeys: 5 });
const form = fc.record({
  form: fc.constantFrom("yaml", "yaml-unindented", "json", "yaml-list", "json-list"),
  noise: fc.boolean(),
});

/** `t` with comment lines and blank lines put after some of its lines (chosen by `seed`). */
function withNoise(t: string, seed: number): string {
  return t
    .split("\n")
    .map((l, i) => ((seed >> (i % 24)) & 1 ? `${l}\n${i % 2 ? "  # note" : ""}` : l))
    .join("\n");
}

describe("textPositions: the fast paths agree with the yaml syntax tree", () => {
  it("for every field of random objects, in block YAML, JSON and List items", () => {
    fc.assert(
      fc.property(object, object, form, fc.nat(), (x, y, f, seed) => {
        const list = { kind: "List", items: [x, y] };
        let t = {
          yaml: () => `# lead\n---\n${stringify(x)}---\n${stringify(y)}`,
          "yaml-unindented": () =>
            `${stringify(x, { indentSeq: false })}---\n${stringify(y, { indentSeq: false })}`,
          json: () => `\n${JSON.stringify(x, null, 2)}\n`,
          "yaml-list": () => stringify(list),
          "json-list": () => JSON.stringify(list, null, 1),
        }[f.form]();
        if (f.noise) t = withNoise(t, seed); // comment and blank lines between lines
        const fast = textPositions(t);
        const reference = textPositions(t, { fast: false });
        for (const o of parseDocuments("in", t).objects)
          for (const p of [...paths(o.value), "zz", "a.zz"])
            expect([p, fast.lineOf(o.source.line, p)]).toEqual([p, reference.lineOf(o.source.line, p)]);
      }),
      { numRuns: numRuns(150) },
    );
  });
});

describe("textPositions: any text", () => {
  it("never throws, and answers a line of the text or nothing", () => {
    const piece = fc.constantFrom(
      "a: 1",
      "- b",
      "  c:",
      '{"a": [1, {"b": 2}]}',
      "---",
      "'x",
      "[",
      "&a {x: *a}",
      "",
    );
    const textArb = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.array(piece, { maxLength: 8 }).map((l) => l.join("\n")),
    );
    const pathArb = fc.oneof(
      fc.constantFrom("a", "a[0]", "a[0].b", "[0]", "a..b", "x[y]"),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(textArb, fc.integer({ min: -1, max: 10 }), pathArb, (t, line, path) => {
        for (const fast of [true, false]) {
          const got = textPositions(t, { fast }).lineOf(line, path);
          if (got !== undefined) expect(got).toBeGreaterThanOrEqual(1);
          if (got !== undefined) expect(got).toBeLessThanOrEqual(t.split("\n").length);
        }
      }),
      { numRuns: numRuns(500) },
    );
  });
});
