import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { numRuns } from "../../test/gen/cluster.js";
import { parseDocuments, parseYamlFully, parseYamlReference } from "./documents.js";
import { scanBlockStream, type StreamSegment } from "./yaml-block.js";

const text = (...lines: string[]): string => `${lines.join("\n")}\n`;
const read = (t: string) => (scanBlockStream(t) ?? []).filter((s) => s.kind === "read");
const values = (t: string) => read(t).map((s) => (s as Extract<StreamSegment, { kind: "read" }>).value);
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

// Characters that matter to YAML's syntax, plus ordinary ones.
const tricky = fc.constantFrom(
  ..."-:#' \"\\[]{},&*!|>%@`?.~0123456789abcxyzAEN_/\n\t".split(""),
  "é",
  "ü",
  "true",
  "null",
  "0x1F",
  "1e3",
  ".inf",
  "0o7",
  "- ",
  ": ",
  " #",
  "---",
  "...",
);
const word = fc.oneof(
  fc.constantFrom("a", "app", "kind", "name", "port", "0", "80", "-1", "true", "Null", "~", "", "10.0.0.0/8"),
  fc.array(tricky, { maxLength: 6 }).map((xs) => xs.join("")),
  fc.string({ maxLength: 6 }),
);
const scalar = fc.oneof(word, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(word, tie("node"), { maxKeys: 4 }),
  ),
})).node;
const options = fc.record({
  indent: fc.integer({ min: 1, max: 4 }),
  indentSeq: fc.boolean(),
  lineWidth: fc.constantFrom(0, 20, 80),
  minContentWidth: fc.constantFrom(0, 20),
  defaultStringType: fc.constantFrom("PLAIN", "QUOTE_DOUBLE", "QUOTE_SINGLE") as fc.Arbitrary<
    "PLAIN" | "QUOTE_DOUBLE" | "QUOTE_SINGLE"
  >,
  collectionStyle: fc.constantFrom("any", "block", "block", "flow") as fc.Arbitrary<"any" | "block" | "flow">,
});
// Most documents are objects with ordinary keys, as manifests are; the rest are anything at all.
const identifier = fc.stringMatching(/^[a-z][a-zA-Z0-9./-]{0,12}$/);
const manifestValue = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(identifier, identifier, word, fc.integer(), fc.boolean(), fc.constant(null)),
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(identifier, tie("node"), { maxKeys: 4 }),
  ),
})).node;
const document = fc.oneof(
  { arbitrary: fc.dictionary(identifier, manifestValue, { minKeys: 1, maxKeys: 5 }), weight: 2 },
  { arbitrary: value, weight: 1 },
);
const stream = fc
  .array(fc.tuple(document, options, fc.constantFrom("", "# c\n", "\n")), { minLength: 1, maxLength: 4 })
  .map((docs) => docs.map(([v, o, pre]) => pre + stringify(v, o)).join("---\n"));
const mutated = fc
  .tuple(
    stream,
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.array(tricky, { maxLength: 3 })), { maxLength: 3 }),
  )
  .map(([t, edits]) =>
    edits.reduce((s, [at, del, ins]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + ins.join("") + s.slice(i + del);
    }, t),
  );

// Block YAML written directly (not by a library), so plain scalars of every core-schema type,
// indicators, comments, continuation lines and odd indentation all reach the reader.
const rawScalar = fc.constantFrom(
  ..."True TRUE true false FALSE Null NULL null ~ 0 -0 +1 007 0o17 0x1F 1.5 .5 1. 1e3 -.inf .NaN".split(" "),
  ..."123456789012345 1234567890123456 -12 a x-y 10.0.0.0/8 http://a:80/ a#b a:b - -a ?x :x x: @x `x %x".split(
    " ",
  ),
  ..."&a x|*a|!t x|!!str 1|'q'|'it''s'|'a' # c|\"dq\"|\"a\\\"b\"|{}|[]|{} # c|[a]|{a: 1}|a b|a #b|a: b|'unclosed|\"x".split(
    "|",
  ),
  "|",
  ">",
  "- a",
  ..."[a, b]|[a,b]|[ a ]|{a: 1, b: [x, y]}|{a: 1,}|[a, ]|{'k': v}|{\"k\":1}|[a: b]|{a}|[a b]|{a: b:}".split(
    "|",
  ),
  ..."[a, [b, {c: d}]]|[]x|[a] b|[a] # c|{a: 1} #c|[http://x]|[a:b]|[-1, .5, true, Null]|[a, 'b''c']".split(
    "|",
  ),
  ..."[#]|[a #b]|[{}, []]|{a: {}}|[a,,b]|{a: }|{: a}|[- a]|[? a]|[&x a]|{a: *x}|[!t a]|[a]]|{a: 1}}|[a|{a: [}".split(
    "|",
  ),
);
const rawKey = fc.oneof(
  { arbitrary: identifier, weight: 4 },
  {
    arbitrary: fc.constantFrom(
      "'a b'",
      '"k"',
      "80",
      "true",
      "a#b",
      "a b",
      "<<",
      "__proto__",
      "? k",
      "'x': y",
    ),
    weight: 1,
  },
);
type RawNode = { lines: (indent: number) => string[] };
const rawNode = fc.letrec<{ node: RawNode; entry: RawNode; item: RawNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    fc.array(tie("entry"), { minLength: 1, maxLength: 3 }).map((es) => ({
      lines: (n: number) => es.flatMap((e) => e.lines(n)),
    })),
    fc.array(tie("item"), { minLength: 1, maxLength: 3 }).map((is) => ({
      lines: (n: number) => is.flatMap((i) => i.lines(n)),
    })),
  ),
  entry: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    fc.tuple(rawKey, rawScalar, fc.constantFrom("", " # c")).map(([k, sc, comment]) => ({
      lines: (n: number) => [`${" ".repeat(n)}${k}: ${sc}${comment}`],
    })),
    fc
      .tuple(rawKey, tie("node"), fc.constantFrom(0, 1, 2, 2, 4), fc.constantFrom("", " # c"))
      .map(([k, child, deeper, comment]) => ({
        lines: (n: number) => [`${" ".repeat(n)}${k}:${comment}`, ...child.lines(n + deeper)],
      })),
  ),
  item: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    rawScalar.map((sc) => ({ lines: (n: number) => [`${" ".repeat(n)}- ${sc}`] })),
    fc.tuple(tie("node"), fc.constantFrom(0, 1, 2), fc.boolean()).map(([child, deeper, compact]) => ({
      lines: (n: number) => {
        const inner = child.lines(n + 2);
        if (compact && inner.length > 0)
          return [`${" ".repeat(n)}- ${(inner[0] as string).trimStart()}`, ...inner.slice(1)];
        return [`${" ".repeat(n)}-`, ...child.lines(n + deeper)];
      },
    })),
  ),
})).node;
const rawStream = fc
  .array(
    fc.tuple(
      rawNode,
      fc.constantFrom(0, 0, 1),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom("  more", "# c", "", "  - b", " x: 1")), { maxLength: 2 }),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((docs) =>
    docs
      .map(([n, indent, extra]) => {
        const lines = n.lines(indent);
        for (const [at, line] of extra) lines.splice(at % (lines.length + 1), 0, line);
        return `${lines.join("\n")}\n`;
      })
      .join("---\n"),
  );

// Any stream may have been written on Windows.
const crlf = (t: fc.Arbitrary<string>) =>
  fc.tuple(t, fc.integer({ min: 0, max: 3 })).map(([s, k]) => (k === 0 ? s.replaceAll("\n", "\r\n") : s));

describe("scanBlockStream agrees with the full YAML parser", () => {
  it("on random documents written by the yaml package and on random edits of them", () => {
    let readDocs = 0;
    fc.assert(
      fc.property(fc.oneof(crlf(stream), mutated, crlf(rawStream)), (t) => {
        readDocs += read(t).length;
        expect(parseDocuments("in.yaml", t)).toEqual(parseYamlReference("in.yaml", t));
      }),
      { numRuns: numRuns(1500) },
    );
    // The comparison is only meaningful if the fast reader took a good share of the documents.
    expect(readDocs).toBeGreaterThan(numRuns(1500) / 3);
  });

  it("splitting at --- lines changes nothing in streams the yaml package writes", () => {
    // Only malformed streams differ, and there splitting is the better reading: the yaml package can
    // read an unclosed quote or flow collection on past `---` lines and lose the documents after it
    // (random edits even found a stream where it drops a document without any error).
    fc.assert(
      fc.property(stream, (t) => {
        expect(parseYamlReference("in.yaml", t)).toEqual(parseYamlFully("in.yaml", t));
      }),
      { numRuns: numRuns(1500) },
    );
  });
});
