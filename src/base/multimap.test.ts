import { describe, expect, it } from "vitest";
import { pushTo } from "./multimap.js";

describe("pushTo", () => {
  it("creates the list on first use and appends in call order after that", () => {
    const m = new Map<string, number[]>();
    pushTo(m, "a", 1);
    pushTo(m, "b", 2);
    pushTo(m, "a", 3);
    expect([...m]).toEqual([
      ["a", [1, 3]],
      ["b", [2]],
    ]);
  });

  it("keeps repeated values (a multimap, not a set)", () => {
    const m = new Map<number, string[]>();
    pushTo(m, 1, "x");
    pushTo(m, 1, "x");
    expect(m.get(1)).toEqual(["x", "x"]);
  });
});
