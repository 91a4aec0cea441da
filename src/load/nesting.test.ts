import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { numRuns } from "../../test/gen/cluster.js";
import { parseDocuments } from "./documents.js";
import { MAX_NESTING, nestingBound } from "./nesting.js";

function depth(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depth));
  if (typeof v === "object" && v !== null) return 1 + Math.max(0, ...Object.values(v).map(depth));
  return 0;
}

describe("nestingBound", () => {
  it("never underestimates how deeply a document nests, whatever style it is written in", () => {
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "medium", maxDepth: 12 },
        fc.oneof(fc.string({ maxLength: 4 }), fc.integer()),
        fc.array(tie("node"), { minLength: 1, maxLength: 2 }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 3 }), tie("node"), { minKeys: 1, maxKeys: 2 }),
      ),
    })).node;
    const style = fc.record({
      indent: fc.integer({ min: 1, max: 4 }),
      indentSeq: fc.boolean(),
      collectionStyle: fc.constantFrom("any", "block", "flow") as fc.Arbitrary<"any" | "block" | "flow">,
    });
    fc.assert(
      fc.property(value, style, (v, o) => {
        expect(nestingBound(stringify(v, o)).depth).toBeGreaterThanOrEqual(depth(v));
      }),
      { numRuns: numRuns(500) },
    );
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
          source: { file: "in.yaml", line: expect.any(Number) },
        }),
      ]);
    }
  });
});
