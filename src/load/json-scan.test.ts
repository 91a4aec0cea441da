import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numRuns } from "../../test/gen/cluster.js";
import { parseDocuments, parseYamlFully } from "./documents.js";
import { firstDuplicateKey, listItemOffsets } from "./json-scan.js";

describe("firstDuplicateKey", () => {
  it.each<[string, number | undefined]>([
    ['{"a": 1, "b": 2}', undefined],
    ['{"a": 1, "a": 2}', 9],
    ['{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}', undefined],
    ['[{"x": 1}, {"x": 2, "y": {"z": 1, "z": 2}}]', 34],
    ['{"a": 1, "\\u0061": 2}', 9],
    ['{"a\\"": "a\\"", "a": 1}', undefined],
    ['{"k": "v", "v": "k", "s": ["k", "k"]}', undefined],
  ])("%s", (text, at) => {
    expect(firstDuplicateKey(text)).toBe(at);
  });
});

// Objects as JSON text, with keys drawn from a small set so that duplicates are common.
const jsonText: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", maxDepth: 4 },
    fc
      .oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom("a", 'q"', "\\u0062", "é"))
      .map((v) => JSON.stringify(v)),
    fc.array(tie("node"), { maxLength: 3 }).map((xs) => `[${xs.join(", ")}]`),
    fc
      .array(fc.tuple(fc.constantFrom('"a"', '"b"', '"\\u0061"', '"a\\""', '"kind"'), tie("node")), {
        maxLength: 4,
      })
      .map((kv) => `{\n  ${kv.map(([k, v]) => `${k}: ${v}`).join(",\n  ")}\n}`),
  ),
})).node;

describe("listItemOffsets", () => {
  it("finds where each item of the top-level items array starts, whatever its type", () => {
    const t =
      '{\n "kind": "List",\n "x": [\n  {}\n ],\n "items": [\n  5,\n  {"kind": "A", "items": [{}]}\n ]\n}';
    expect(listItemOffsets(t)).toEqual([t.indexOf("5"), t.indexOf('{"kind": "A"')]);
    expect(parseDocuments("l.json", t).objects.map((o) => o.source.line)).toEqual([7, 8]);
    expect(parseDocuments("l.json", t)).toEqual(parseYamlFully("l.json", t));
  });
});

describe("strict JSON input", () => {
  it("reads exactly what the YAML parser reads, and leaves duplicate keys to it to report", () => {
    fc.assert(
      fc.property(jsonText, (t) => {
        const strict = parseDocuments("in.json", t, { strictJson: true });
        expect(strict).toEqual(parseYamlFully("in.json", t));
        const duplicate = strict.issues.some((i) => i.code === "duplicate-key");
        expect(firstDuplicateKey(t) !== undefined).toBe(duplicate);
      }),
      { numRuns: numRuns(1000) },
    );
  });
});
