// Its own file: the latch it tests is process-wide (each test file runs in a fresh module graph).
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { parseDocuments, parseYamlFully } from "./documents.js";

describe("after the YAML parser overflows its stack", () => {
  it("is not used again (a later call could exhaust memory); the fast reader still reads", () => {
    let calls = 0;
    const overflowing = (text: string) => {
      calls++;
      if (text.includes("boom")) throw new RangeError("Maximum call stack size exceeded");
      return parseAllDocuments(text);
    };
    expect(parseYamlFully("a.yaml", "a: &x 1\n", 0, overflowing).objects).toHaveLength(1);
    expect(parseYamlFully("b.yaml", "boom: 1\n", 3, overflowing).issues).toEqual([
      expect.objectContaining({
        code: "malformed-document",
        message: "not parsed: Maximum call stack size exceeded",
        source: { file: "b.yaml", line: 4 },
      }),
    ]);
    expect(parseYamlFully("c.yaml", "c: &y 2\n", 0, overflowing).issues).toEqual([
      expect.objectContaining({
        message: "not parsed: the YAML parser overflowed its stack on an earlier document",
        source: { file: "c.yaml", line: 1 },
      }),
    ]);
    expect(calls).toBe(2);
    expect(parseDocuments("d.yaml", "d: 3\n").objects.map((o) => o.value)).toEqual([{ d: 3 }]);
  });
});
