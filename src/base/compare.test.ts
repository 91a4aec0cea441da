import { describe, expect, it } from "vitest";
import { byFirst, byKey, byName, compareStrings } from "./compare.js";

describe("compareStrings", () => {
  it("orders by UTF-16 code unit, not by locale (upper case before lower case, 'é' after 'z')", () => {
    expect(["b", "a", "B", "é", "z", "A"].sort(compareStrings)).toEqual(["A", "B", "a", "b", "z", "é"]);
  });

  it("answers zero only for equal strings and is antisymmetric", () => {
    expect(compareStrings("x", "x")).toBe(0);
    expect(Math.sign(compareStrings("a", "ab"))).toBe(-1);
    expect(Math.sign(compareStrings("ab", "a"))).toBe(1);
  });
});

describe("byName, byKey, byFirst", () => {
  it("byName orders objects by their name", () => {
    const xs = [{ name: "web" }, { name: "Db" }, { name: "api" }];
    expect(xs.sort(byName).map((x) => x.name)).toEqual(["Db", "api", "web"]);
  });

  it("byKey orders by the derived key", () => {
    const xs = [
      { ns: "b", n: "1" },
      { ns: "a", n: "2" },
    ];
    expect(xs.sort(byKey((x) => `${x.ns}/${x.n}`)).map((x) => x.ns)).toEqual(["a", "b"]);
  });

  it("byFirst orders map entries by key, ignoring the values", () => {
    const m = new Map<string, number>([
      ["z", 1],
      ["a", 2],
      ["M", 3],
    ]);
    expect([...m].sort(byFirst)).toEqual([
      ["M", 3],
      ["a", 2],
      ["z", 1],
    ]);
  });
});
