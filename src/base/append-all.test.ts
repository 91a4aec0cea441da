import { describe, expect, it } from "vitest";
import { appendAll } from "./append-all.js";

describe("appendAll", () => {
  it("appends a list far longer than push(...items) can take as arguments, in order", () => {
    const items = Array.from({ length: 1_000_000 }, (_, i) => i);
    // The premise: spreading this many arguments overflows V8's stack.
    expect(() => [0].push(...items)).toThrow(RangeError);
    const target = [-1];
    appendAll(target, items);
    expect(target.length).toBe(1_000_001);
    expect(target[0]).toBe(-1);
    expect(target[1]).toBe(0);
    expect(target[1_000_000]).toBe(999_999);
  });

  it("appends any iterable, leaving the target alone for an empty one", () => {
    const target = ["a"];
    appendAll(target, new Set(["b", "c"]));
    appendAll(target, []);
    expect(target).toEqual(["a", "b", "c"]);
  });
});
