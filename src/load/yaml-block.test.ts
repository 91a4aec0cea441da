import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocuments, parseYamlFully, parseYamlReference } from "./documents.js";
import { scanBlockStream, type StreamSegment } from "./yaml-block.js";

const text = (...lines: string[]): string => `${lines.join("\n")}\n`;
const read = (t: string) =>
  (scanBlockStream(t) ?? []).filter((s): s is Extract<StreamSegment, { kind: "read" }> => s.kind === "read");
const values = (t: string) => read(t).map((s) => s.value);
const fullShare = (t: string) =>
  (scanBlockStream(t) ?? [{ kind: "full" }]).filter((s) => s.kind === "full").length;

describe("scanBlockStream reads block-style documents", () => {
  it("mappings, sequences (indented or not), compact items, scalars of the core schema", () => {
    const t = text(
      "apiVersion: networking.k8s.io/v1",
      "kind: NetworkPolicy",
      "metadata:",
      "  name: 'it''s'",
      '  namespace: "shop"',
      "  labels: {}",
      "spec:",
      "  podSelector: {}",
      "  policyTypes:",
      "  - Ingress # a comment",
      "  ingress:",
      "    - from:",
      "        - ipBlock:",
      "            cidr: 10.0.0.0/8",
      "            except: []",
      "      ports:",
      "      - port: 8080",
      "        endPort: -1",
      "      - port: http",
      "        protocol: ~",
      "  flags: [true, false]",
    );
    expect(values(t)).toEqual([
      {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "it's", namespace: "shop", labels: {} },
        spec: {
          podSelector: {},
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [{ ipBlock: { cidr: "10.0.0.0/8", except: [] } }],
              ports: [
                { port: 8080, endPort: -1 },
                { port: "http", protocol: null },
              ],
            },
          ],
          flags: [true, false],
        },
      },
    ]);
  });

  it("one-line flow collections, nested, with quoted and plain scalars", () => {
    expect(
      values(
        text(
          "spec:",
          "  podSelector: {matchLabels: {app: web, 'tier': \"front end\"}}",
          "  ingress:",
          "  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, ]}}] # trailing comma",
          "    ports: [{port: 8080}, {port: http, protocol: TCP}, {port: '53'}]",
          "  urls: [http://a:80/x, a:b]",
        ),
      ),
    ).toEqual([
      {
        spec: {
          podSelector: { matchLabels: { app: "web", tier: "front end" } },
          ingress: [
            {
              from: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }],
              ports: [{ port: 8080 }, { port: "http", protocol: "TCP" }, { port: "53" }],
            },
          ],
          urls: ["http://a:80/x", "a:b"],
        },
      },
    ]);
  });

  it.each([
    ["an anchor", "a: &x 1"],
    ["a tag", "a: !!str 1"],
    ["a block scalar", "a: |\n  text"],
    ["a multi-line plain scalar", "a: one\n  two"],
    ["an escape", 'a: "x\\ty"'],
    ["a duplicate key", "a: 1\na: 2"],
    ["a non-string key", "80: http"],
    ["a float", "a: 1.5"],
    ["a leading zero", "a: 0123"],
    ["a flow collection over two lines", "a: {b: 1,\n  c: 2}"],
    ["an implicit pair in a flow sequence", "a: [b: 1]"],
    ["a flow key without a value", "a: {b, c: 1}"],
    ["a comment inside a flow collection", "a: [b, #c\n  d]"],
    ["an empty flow entry", "a: [b, , c]"],
    ["an empty sequence item", "a:\n- \n- b"],
    ["content after ---", "--- a: 1"],
  ])("leaves %s to the full parser", (_what, doc) => {
    expect(read(doc)).toEqual([]);
  });

  it("leaves nesting deeper than any manifest to the full parser instead of overflowing the stack", () => {
    for (const t of [
      `${"- ".repeat(5000)}a\n`,
      `a: ${"[".repeat(300)}${"]".repeat(300)}\n`,
      `${"- ".repeat(65)}a\n`,
    ]) {
      expect(read(t)).toEqual([]);
      expect(parseDocuments("in.yaml", t)).toEqual(parseYamlReference("in.yaml", t));
    }
    expect(values(`${"- ".repeat(64)}a\n`)).toHaveLength(1);
  });

  it.each([
    ["a no-break space after a value", "a: b\u00a0\n"],
    ["an ideographic space before a value", "a: \u3000b\n"],
    ["a Unicode space in a key", "a\u2003: b\n"],
    ["a Unicode space in a flow sequence", "a: [b\u202f]\n"],
    ["an implicit key over 1024 characters", `${"k".repeat(1025)}: v\n`],
  ])("agrees with the full parser on %s (found in review)", (_what, t) => {
    expect(parseDocuments("in.yaml", t)).toEqual(parseYamlReference("in.yaml", t));
  });

  it("puts the items of a List written as a flow sequence on their line", () => {
    const t = "kind: List\nitems: [{kind: A}, {kind: B}]\n";
    expect(parseDocuments("in.yaml", t)).toEqual(parseYamlReference("in.yaml", t));
    expect(parseDocuments("in.yaml", t).objects.map((o) => o.source.line)).toEqual([2, 2]);
  });

  it("hands streams with directives or document-end lines to the full parser whole", () => {
    for (const t of ["%YAML 1.2\n---\na: 1\n", "a: 1\n...\n"]) expect(scanBlockStream(t)).toBeUndefined();
  });

  it("reads CRLF line ends as line ends", () => {
    expect(scanBlockStream("a: 1\r\nb: [x, 'y']\r\n---\r\nc: 3\r\n")).toEqual([
      { kind: "read", value: { a: 1, b: ["x", "y"] }, line: 0, itemLines: undefined },
      { kind: "read", value: { c: 3 }, line: 3, itemLines: undefined },
    ]);
  });

  it("leaves documents with tabs, lone CRs or control characters to the full parser", () => {
    for (const doc of ["a:\tb\n", "a: 1\rb: 2\n", "a: b\u0085c\n", "a: \ufeffb\n"])
      expect(scanBlockStream(`x: 1\n---\n${doc}`)).toEqual([
        { kind: "read", value: { x: 1 }, line: 0, itemLines: undefined },
        { kind: "full", text: `---\n${doc}`, lineOffset: 1 },
      ]);
  });

  it("a document with an unclosed quote costs only itself (the yaml package alone would swallow the rest)", () => {
    const t = text("kind: A", "---", 'name: "unclosed', "---", "kind: B", "---", "kind: C");
    expect(parseDocuments("in.yaml", t).objects.map((o) => [o.value, o.source.line])).toEqual([
      [{ kind: "A" }, 1],
      [{ kind: "B" }, 5],
      [{ kind: "C" }, 7],
    ]);
    // at the line of the opening quote (issue 12), not where the parser gave up looking for its end
    expect(parseDocuments("in.yaml", t).issues.map((i) => [i.code, i.source?.line])).toEqual([
      ["malformed-document", 3],
    ]);
    expect(parseYamlFully("in.yaml", t).objects.map((o) => o.value)).toEqual([{ kind: "A" }]);
  });

  it("keeps the stream's order and lines when documents alternate between the two readers", () => {
    const t = text("a: 1", "---", "b: &x 2", "---", "# only a comment", "---", "c: 3", "---", "d: !t 4");
    expect(scanBlockStream(t)).toEqual([
      { kind: "read", value: { a: 1 }, line: 0, itemLines: undefined },
      { kind: "full", text: "---\nb: &x 2\n", lineOffset: 1 },
      { kind: "read", value: { c: 3 }, line: 6, itemLines: undefined },
      { kind: "full", text: "---\nd: !t 4\n", lineOffset: 7 },
    ]);
  });

  it("reads nearly every document of the bundled examples, exactly as the full parser does", () => {
    const files: string[] = [];
    const walk = (d: string) =>
      readdirSync(d).forEach((f) => {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(f)) files.push(p);
      });
    walk("examples");
    expect(files.length).toBeGreaterThan(20);
    let readDocs = 0;
    let fullDocs = 0;
    for (const f of files) {
      const t = readFileSync(f, "utf8");
      expect(parseDocuments(f, t)).toEqual(parseYamlFully(f, t));
      readDocs += read(t).length;
      fullDocs += fullShare(t);
    }
    // Only the GitHub workflow (a block scalar, `run: |`) goes to the full parser.
    expect(readDocs / (readDocs + fullDocs)).toBeGreaterThan(0.98);
  });
});
