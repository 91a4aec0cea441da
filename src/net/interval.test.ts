import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contains, type Interval, normalize, sameIntervals, subtract } from "./interval.js";

/** `[[1, 3], [5, 5]]` → intervals; keeps the tables readable. */
const ivs = (pairs: ReadonlyArray<readonly [number, number]>): Interval[] =>
  pairs.map(([lo, hi]) => ({ lo: BigInt(lo), hi: BigInt(hi) }));

type Pairs = Array<[number, number]>;

describe("normalize", () => {
  it.each<[string, Pairs, Pairs]>([
    ["empty stays empty", [], []],
    ["a single interval is unchanged", [[3, 7]], [[3, 7]]],
    [
      "sorts by start",
      [
        [10, 12],
        [0, 2],
        [5, 6],
      ],
      [
        [0, 2],
        [5, 6],
        [10, 12],
      ],
    ],
    [
      "merges overlapping intervals",
      [
        [0, 5],
        [3, 8],
      ],
      [[0, 8]],
    ],
    [
      "merges adjacent intervals (hi + 1 == lo)",
      [
        [0, 4],
        [5, 9],
      ],
      [[0, 9]],
    ],
    [
      "keeps intervals with a one-value gap apart",
      [
        [0, 4],
        [6, 9],
      ],
      [
        [0, 4],
        [6, 9],
      ],
    ],
    [
      "swallows a contained interval",
      [
        [0, 10],
        [2, 3],
      ],
      [[0, 10]],
    ],
    [
      "contained interval listed later does not shrink the hull",
      [
        [2, 3],
        [0, 10],
        [4, 5],
      ],
      [[0, 10]],
    ],
    [
      "merges a chain of unsorted overlaps",
      [
        [8, 9],
        [0, 2],
        [3, 5],
        [5, 7],
      ],
      [[0, 9]],
    ],
    [
      "drops duplicates",
      [
        [4, 4],
        [4, 4],
      ],
      [[4, 4]],
    ],
  ])("%s", (_name, input, expected) => {
    expect(normalize(ivs(input))).toEqual(ivs(expected));
  });

  it("does not modify its input", () => {
    const input = ivs([
      [5, 6],
      [0, 1],
    ]);
    const copy = structuredClone(input);
    normalize(input);
    expect(input).toEqual(copy);
  });
});

describe("subtract", () => {
  it.each<[string, Pairs, Pairs, Pairs]>([
    ["nothing to subtract", [[0, 10]], [], [[0, 10]]],
    ["subtracting from nothing", [], [[0, 10]], []],
    [
      "a hole in the middle splits the interval",
      [[0, 10]],
      [[4, 6]],
      [
        [0, 3],
        [7, 10],
      ],
    ],
    [
      "a one-value hole",
      [[0, 10]],
      [[5, 5]],
      [
        [0, 4],
        [6, 10],
      ],
    ],
    ["cutting the low edge", [[0, 10]], [[0, 3]], [[4, 10]]],
    ["cutting the high edge", [[0, 10]], [[8, 10]], [[0, 7]]],
    ["a cut overhanging the low edge", [[5, 10]], [[0, 6]], [[7, 10]]],
    ["a cut overhanging the high edge", [[5, 10]], [[9, 20]], [[5, 8]]],
    ["removing exactly everything", [[0, 10]], [[0, 10]], []],
    ["a covering cut removes everything", [[3, 7]], [[0, 10]], []],
    [
      "multiple cuts in one interval",
      [[0, 20]],
      [
        [2, 3],
        [8, 9],
        [15, 15],
      ],
      [
        [0, 1],
        [4, 7],
        [10, 14],
        [16, 20],
      ],
    ],
    [
      "one cut spanning two intervals",
      [
        [0, 5],
        [10, 15],
      ],
      [[3, 12]],
      [
        [0, 2],
        [13, 15],
      ],
    ],
    ["disjoint cut below leaves the set alone", [[10, 20]], [[0, 5]], [[10, 20]]],
    ["disjoint cut above leaves the set alone", [[10, 20]], [[25, 30]], [[10, 20]]],
    [
      "cut in the gap between intervals leaves both alone",
      [
        [0, 5],
        [10, 15],
      ],
      [[6, 9]],
      [
        [0, 5],
        [10, 15],
      ],
    ],
    [
      "cuts touching both edges leave the middle",
      [[0, 10]],
      [
        [0, 2],
        [8, 10],
      ],
      [[3, 7]],
    ],
  ])("%s", (_name, a, b, expected) => {
    expect(subtract(ivs(a), ivs(b))).toEqual(ivs(expected));
  });

  it("works on the full 128-bit range", () => {
    const all = [{ lo: 0n, hi: (1n << 128n) - 1n }];
    expect(subtract(all, [{ lo: 1n, hi: (1n << 128n) - 2n }])).toEqual([
      { lo: 0n, hi: 0n },
      { lo: (1n << 128n) - 1n, hi: (1n << 128n) - 1n },
    ]);
  });
});

describe("contains", () => {
  const set = ivs([
    [2, 4],
    [8, 8],
    [10, 20],
  ]);
  it.each<[string, number, boolean]>([
    ["below the first interval", 1, false],
    ["at the first low bound", 2, true],
    ["inside the first interval", 3, true],
    ["at the first high bound", 4, true],
    ["just past the first high bound", 5, false],
    ["in a gap", 7, false],
    ["a single-value interval", 8, true],
    ["just past the single value", 9, false],
    ["at the last low bound", 10, true],
    ["at the last high bound", 20, true],
    ["above the last interval", 21, false],
  ])("%s (%i → %s)", (_name, v, expected) => {
    expect(contains(set, BigInt(v))).toBe(expected);
  });

  it("the empty set contains nothing", () => {
    expect(contains([], 0n)).toBe(false);
  });
});

describe("sameIntervals", () => {
  it.each<[string, Pairs, Pairs, boolean]>([
    ["equal lists", [[1, 2]], [[1, 2]], true],
    ["both empty", [], [], true],
    ["different bounds", [[1, 2]], [[1, 3]], false],
    [
      "different lengths",
      [[1, 2]],
      [
        [1, 2],
        [4, 5],
      ],
      false,
    ],
  ])("%s", (_name, a, b, expected) => {
    expect(sameIntervals(ivs(a), ivs(b))).toBe(expected);
  });
});

describe("subtract property over 0..63", () => {
  const interval = fc
    .tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }))
    .map(([x, y]): Interval => ({ lo: BigInt(Math.min(x, y)), hi: BigInt(Math.max(x, y)) }));
  const intervals = fc.array(interval, { maxLength: 6 });
  const containsAny = (list: readonly Interval[], v: bigint) => list.some((iv) => v >= iv.lo && v <= iv.hi);
  const isCanonical = (list: readonly Interval[]) =>
    list.every((iv, i) => {
      const prev = list[i - 1];
      return iv.lo <= iv.hi && (prev === undefined || prev.hi + 1n < iv.lo);
    });

  it("contains(a \\ b, v) iff v in a and not in b, and the result is canonical", () => {
    fc.assert(
      fc.property(intervals, intervals, (a, b) => {
        const na = normalize(a);
        const nb = normalize(b);
        expect(isCanonical(na)).toBe(true);
        expect(isCanonical(nb)).toBe(true);
        const diff = subtract(na, nb);
        expect(isCanonical(diff)).toBe(true);
        for (let v = 0n; v <= 63n; v++) {
          expect(contains(diff, v)).toBe(containsAny(a, v) && !containsAny(b, v));
        }
      }),
      { numRuns: 500 },
    );
  });
});
