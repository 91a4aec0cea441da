import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyNumber } from "../../test/support/matchers.js";
import { stringify } from "yaml";
import { numRuns } from "../../test/gen/cluster.js";
import { parseDocuments } from "./documents.js";
import { MAX_NESTING, nestingBound } from "./nesting.js";

function depth(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depth));
  if (typeof v === "object" && v !== null) return 1 + Math.max(0, ...Object.values(v).map(depth));
  return 0;
}

// Strings full of the characters the bound must not be fooled by: brackets, quotes, comments,
// block-scalar indicators and line breaks (written quoted, or as block scalars, by the yaml package).
const syntaxHeavy = fc
  .array(fc.constantFrom(..."[]{}\"'#|>:- ,\n\\ab".split("")), { minLength: 1, maxLength: 12 })
  .map((cs) => cs.join(""));

describe("nestingBound", () => {
  it("never underestimates how deeply a document nests, whatever style it is written in", () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "medium", maxDepth: 12 },
        fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), syntaxHeavy),
        fc.array(tie("node"), { minLength: 1, maxLength: 2 }),
        fc.dictionary(fc.oneof(fc.string({ minLength: 1, maxLength: 3 }), syntaxHeavy), tie("node"), {
          minKeys: 1,
          maxKeys: 2,
        }),
      ),
    })).node;
    const style = fc.record({
      indent: fc.integer({ min: 1, max: 4 }),
      indentSeq: fc.boolean(),
      collectionStyle: fc.constantFrom<"any" | "block" | "flow">("any", "block", "flow"),
    });
    fc.assert(
      fc.property(value, style, (v, o) => {
        expect(nestingBound(stringify(v, o)).depth).toBeGreaterThanOrEqual(depth(v));
      }),
      { numRuns: numRuns(500) },
    );
  });

  it.each([
    ["closing brackets inside quoted scalars", (n: number) => `${'["]",'.repeat(n)}${"]".repeat(n)}\n`],
    ["closing brackets inside comments", (n: number) => `${"[ # ]\n".repeat(n)}${"]".repeat(n)}\n`],
    [
      "closing brackets in a block scalar",
      (n: number) => `a: |\n  ${"]".repeat(n)}\nb: ${"[".repeat(n)}x${"]".repeat(n)}\n`,
    ],
    ["tabs after indicators", (n: number) => `${"-\t".repeat(n)}a\n`],
  ])("is not fooled by %s", (_what, make) => {
    expect(nestingBound(make(40)).depth).toBeGreaterThanOrEqual(40);
    expect(nestingBound(make(3000)).depth).toBeGreaterThan(MAX_NESTING);
  });

  it("does not count brackets and quotes inside block-context plain scalars", () => {
    expect(nestingBound('a: b["c\nd: [[e]]\n').depth).toBe(4);
  });

  it("names the line where the bound is reached", () => {
    expect(nestingBound("a: 1\nb:\n  c: [[x]]\nd: 2\n")).toEqual({ depth: 8, line: 3 });
  });
});

describe("documents nested too deeply for the YAML parser", () => {
  it.each([
    ["compact sequences", `kind: A\n---\n${"- ".repeat(5000)}a\n---\nkind: B\n`],
    ["flow sequences", `kind: A\n---\na: ${"[".repeat(5000)}${"]".repeat(5000)}\n---\nkind: B\n`],
    [
      "flow sequences over many lines",
      `kind: A\n---\n${"[\n".repeat(3000)}${"]".repeat(3000)}\n---\nkind: B\n`,
    ],
  ])("are reported with their line, and the other documents still load (%s)", (_what, t) => {
    for (let i = 0; i < 2; i++) {
      // twice: a stack overflow inside the parser used to leave the next call to run out of memory
      const r = parseDocuments("in.yaml", t);
      expect(r.objects.map((o) => o.value)).toEqual([{ kind: "A" }, { kind: "B" }]);
      expect(r.issues).toEqual([
        expect.objectContaining({
          code: "malformed-document",
          message: `nested more than ${MAX_NESTING} levels deep; not parsed`,
          source: { file: "in.yaml", line: anyNumber() },
        }),
      ]);
    }
  });
});
