import { describe, expect, it } from "vitest";
import { byFirst, byKey, byName, compareStrings, sortedByKey } from "./compare.js";

describe("compareStrings", () => {
  it("orders by UTF-16 code unit, not by locale (upper case before lower case, 'é' after 'z')", () => {
    expect(["b", "a", "B", "é", "z", "A"].sort(compareStrings)).toEqual(["A", "B", "a", "b", "z", "é"]);
  });

  it.each<[string, string, string, number]>([
    ["equal refs", "a/b", "a/b", 0],
    ["byte order, not locale order (upper case first)", "B/x", "a/b", -1],
    ["a prefix sorts first", "a/bc", "a/b", 1],
  ])("is antisymmetric and zero only for equal strings: %s", (_name, a, b, sign) => {
    expect(Math.sign(compareStrings(a, b))).toBe(sign);
    expect(Math.sign(compareStrings(b, a))).toBe(-sign || 0);
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

describe("sortedByKey", () => {
  it("returns the map itself when its keys are already in order", () => {
    const m = new Map([
      ["A", 1],
      ["a", 2],
      ["b", 3],
    ]);
    expect(sortedByKey(m)).toBe(m);
    const empty = new Map<string, number>();
    expect(sortedByKey(empty)).toBe(empty);
  });

  it("returns a copy in code-unit key order otherwise, leaving the input as it was", () => {
    const m = new Map([
      ["b", 1],
      ["a", 2],
      ["B", 3],
    ]);
    const sorted = sortedByKey(m);
    expect([...sorted]).toEqual([
      ["B", 3],
      ["a", 2],
      ["b", 1],
    ]);
    expect([...m.keys()]).toEqual(["b", "a", "B"]);
  });
});
