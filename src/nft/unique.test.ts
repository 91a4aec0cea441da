import { describe, expect, it } from "vitest";
import type { TableSpec } from "./model.js";
import { Transaction } from "./transaction.js";
import { checkUniqueNames, duplicateNames } from "./unique.js";

const table = (over: Partial<TableSpec>): TableSpec => ({
  family: "inet",
  name: "t",
  sets: [],
  maps: [],
  counters: [],
  chains: [],
  ...over,
});

describe("unique names per table", () => {
  it("finds a name used twice, within a kind or across kinds", () => {
    expect(
      duplicateNames(
        table({
          chains: [
            { name: "in/a", rules: [] },
            { name: "in/a", rules: [] },
          ],
        }),
      ),
    ).toEqual(["in/a"]);
    expect(
      duplicateNames(
        table({ counters: ["x"], sets: [{ name: "x", type: "ipv4_addr", interval: false, elements: [] }] }),
      ),
    ).toEqual(["x"]);
    expect(duplicateNames(table({ counters: ["a", "b"], chains: [{ name: "c", rules: [] }] }))).toEqual([]);
  });

  it("throws in the renderer's check and when a transaction defines such a table", () => {
    const bad = table({ counters: ["drop/in/a", "drop/in/a"] });
    expect(() => checkUniqueNames(bad)).toThrow(/names used twice: drop\/in\/a/);
    expect(() => new Transaction().replaceTable(bad)).toThrow(/names used twice/);
  });
});
