import { afterEach, describe, expect, it, vi } from "vitest";
import { parseDocuments, parseYamlReference } from "./documents.js";

const text = (...lines: string[]): string => `${lines.join("\n")}\n`;
const NS = text("apiVersion: v1", "kind: Namespace", "metadata: {name: fine}");

afterEach(() => {
  vi.restoreAllMocks();
});

describe("mapping keys that are mappings or sequences", () => {
  it.each([
    ["an explicit block key that is a mapping", text("kind: Pod", "metadata:", "  ? {a: 1}", "  : v"), 3],
    ["a flow key that is a sequence", text("kind: Pod", "metadata: {[a, b]: 1}"), 2],
    [
      "a key that is an alias of a mapping",
      text("kind: Pod", "anchor: &k {a: 1}", "labels:", "  ? *k", "  : v"),
      4,
    ],
  ])(
    "%s is a malformed-document issue at its line, the document is skipped, nothing is printed",
    (_, doc, line) => {
      const warn = vi.spyOn(process, "emitWarning");
      const stream = `${doc}---\n${NS}`;
      for (const parsed of [parseDocuments("in.yaml", stream), parseYamlReference("in.yaml", stream)]) {
        expect(parsed.objects.map((o) => (o.value as { kind: string }).kind)).toEqual(["Namespace"]);
        expect(parsed.issues).toEqual([
          expect.objectContaining({
            code: "malformed-document",
            severity: "error",
            source: { file: "in.yaml", line },
            message: expect.stringContaining("a mapping key is itself a mapping or sequence") as unknown,
          }),
        ]);
      }
      expect(warn).not.toHaveBeenCalled();
    },
  );

  it("scalar keys of every kind still load (numbers, booleans and null become their JSON text)", () => {
    const parsed = parseDocuments(
      "in.yaml",
      text("kind: Pod", "metadata: {1: a, true: b, null: c, ? d : e}"),
    );
    expect(parsed.issues).toEqual([]);
    expect(parsed.objects[0]?.value).toEqual({
      kind: "Pod",
      metadata: { 1: "a", true: "b", "": "c", d: "e" },
    });
  });
});
