import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocuments } from "./documents.js";
import { splitAtDocuments } from "./split-documents.js";

const doc = (i: number) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\n  namespace: x\n`;

describe("splitAtDocuments", () => {
  it("cuts only at document markers and keeps line offsets", () => {
    const text = Array.from({ length: 10 }, (_, i) => doc(i)).join("---\n");
    const pieces = splitAtDocuments(text, 3);
    expect(pieces.length).toBe(3);
    expect(pieces.map((p) => p.text).join("")).toBe(text);
    for (const p of pieces.slice(1)) expect(p.text.startsWith("---\n")).toBe(true);
    for (const p of pieces)
      expect(p.lineOffset).toBe(text.slice(0, text.indexOf(p.text)).split("\n").length - 1);
  });

  it("does not split streams with directives, or at indented or embedded dashes", () => {
    expect(splitAtDocuments(`%YAML 1.2\n---\n${doc(1)}---\n${doc(2)}`, 4)).toHaveLength(1);
    const first = `a: |\n  ---\n  text\nb: "x --- y"\n${"# padding\n".repeat(20)}`;
    const text = `${first}---\nk: v\n`;
    const pieces = splitAtDocuments(text, 2);
    expect(pieces.map((p) => p.text)).toEqual([first, "---\nk: v\n"]);
  });

  it("parsing the pieces gives the same objects and lines as parsing the whole", () => {
    const piece = fc.oneof(
      fc.integer({ min: 0, max: 99 }).map(doc),
      fc.constant("kind: [\n"),
      fc.constant("# only a comment\n"),
      fc.constant("a: &x 1\nb: *x\n"),
      fc.constant("a: 1\na: 2\n"),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 2, max: 5 }),
        (docs, parts) => {
          const text = docs.join("---\n");
          const whole = parseDocuments("f.yaml", text);
          const split = splitAtDocuments(text, parts).map((p) => {
            const r = parseDocuments("f.yaml", p.text);
            const shift = <T extends { source?: { line: number } }>(x: T) =>
              x.source ? { ...x, source: { ...x.source, line: x.source.line + p.lineOffset } } : x;
            return { objects: r.objects.map(shift), issues: r.issues.map(shift) };
          });
          expect(split.flatMap((r) => r.objects)).toEqual(whole.objects);
          expect(split.flatMap((r) => r.issues).map((i) => [i.code, i.source?.line])).toEqual(
            whole.issues.map((i) => [i.code, i.source?.line]),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
