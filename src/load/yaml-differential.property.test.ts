/**
 * The differential test that keeps the fast YAML reader (yaml-block.ts, yaml-flow.ts,
 * yaml-scalars.ts, and yaml-lines.ts for field lines) honest: on random documents, on random edits
 * of them and on block YAML written line by line, loading reads exactly what the `yaml` package
 * reads — the same objects, the same issues (codes, messages, field paths of duplicate keys), on
 * the same lines — and every field path of every object is put on the same line as the package's
 * syntax tree puts it. Issue 13 kept the reader on this condition (bench/yaml-readers.ts has the
 * figures); a difference found here is a bug in the reader, fixed there, with the shrunk case added
 * to yaml-block.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { numRuns } from "../../test/gen/cluster.js";
import { parseDocuments, parseYamlFully, parseYamlReference } from "./documents.js";
import { textPositions } from "./positions.js";
import { scanBlockStream } from "./yaml-block.js";

/** Documents the fast reader read (not left to the full parser). */
const readCount = (t: string) => (scanBlockStream(t) ?? []).filter((s) => s.kind === "read").length;

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
  defaultStringType: fc.constantFrom<"PLAIN" | "QUOTE_DOUBLE" | "QUOTE_SINGLE">(
    "PLAIN",
    "QUOTE_DOUBLE",
    "QUOTE_SINGLE",
  ),
  collectionStyle: fc.constantFrom<"any" | "block" | "flow">("any", "block", "block", "flow"),
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

describe("loading agrees with the yaml package", () => {
  it("on random documents written by the yaml package and on random edits of them", () => {
    let readDocs = 0;
    fc.assert(
      fc.property(fc.oneof(crlf(stream), mutated, crlf(rawStream)), (t) => {
        readDocs += readCount(t);
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

describe("field lines agree with the yaml syntax tree", () => {
  it("for every field path of every object read, on the same random and edited streams", () => {
    fc.assert(
      fc.property(fc.oneof(crlf(stream), mutated, crlf(rawStream)), (t) => {
        const fast = textPositions(t);
        const reference = textPositions(t, { fast: false });
        for (const o of parseDocuments("in.yaml", t).objects)
          for (const p of [...paths(o.value), "zz", "a.zz"])
            expect([p, fast.lineOf(o.source.line, p)]).toEqual([p, reference.lineOf(o.source.line, p)]);
      }),
      { numRuns: numRuns(800) },
    );
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

describe("cases these properties found", () => {
  it("a document that is a sequence starting `- {`: its items at their own lines, not the flow mapping's", () => {
    const t = '- {}\n- ""\n---\na: null\n';
    expect(textPositions(t).lineOf(1, "[1]")).toBe(2);
    expect(textPositions(t, { fast: false }).lineOf(1, "[1]")).toBe(2);
  });

  it("a document that is a sequence of mappings: an index is its item, a key is not in it", () => {
    for (const fast of [true, false]) {
      const at = textPositions('- "": 0\n- null\n', { fast });
      expect(at.lineOf(1, "[1]")).toBe(2);
      expect(textPositions("- a: 1\n  b: 2\n- c: 3\n", { fast }).lineOf(1, "b")).toBe(1);
      expect(textPositions("- a: 1\n  b: 2\n- c: 3\n", { fast }).lineOf(1, "[0].b")).toBe(2);
      expect(textPositions("k: v\n---\n# c\n\n- a: 1\n  b: 2\n", { fast }).lineOf(5, "b")).toBe(5);
      expect(textPositions("kind: List\nitems:\n- a: 1\n  b: 2\n", { fast }).lineOf(3, "b")).toBe(4);
    }
  });

  it("a flow mapping's quoted key folded over two lines is the key YAML reads", () => {
    const t = '1\n---\n{ "\naa": { "a0": 1 }, "a0": 2 }\n';
    for (const fast of [true, false]) expect(textPositions(t, { fast }).lineOf(3, " aa.a0")).toBe(4);
  });

  it("a key that ends with a dot is not taken for the shorter key before it", () => {
    for (const fast of [true, false])
      expect(textPositions("a:\r\n n: a\r\n n.: a\r\n", { fast }).lineOf(1, "a.n.")).toBe(3);
  });
});
