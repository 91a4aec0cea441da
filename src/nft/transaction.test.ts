import { describe, expect, it } from "vitest";
import type { TableRef, TableSpec } from "./model.js";
import { Transaction } from "./transaction.js";

const T: TableRef = { family: "inet", name: "t" };

describe("Transaction.render: the exact script for nft -f", () => {
  it("renders every command kind, one per line", () => {
    const txn = new Transaction()
      .add({ op: "add-table", table: T })
      .add({
        op: "add-set",
        table: T,
        set: { name: "s", type: "ipv4_addr", interval: true, elements: ["10.0.0.0/24"] },
      })
      .add({
        op: "add-map",
        table: T,
        map: {
          name: "m",
          keyType: "ipv4_addr",
          interval: false,
          elements: new Map([["10.0.0.1", "jump c"]]),
        },
      })
      .add({ op: "add-counter", table: T, name: "n" })
      .add({ op: "add-chain", table: T, chain: { name: "c", rules: [] } })
      .add({
        op: "add-chain",
        table: T,
        chain: {
          name: "f",
          base: { type: "filter", hook: "forward", priority: "filter", policy: "drop" },
          rules: [],
        },
      })
      .add({ op: "add-rule", table: T, chain: "c", rule: "counter name n drop" })
      .add({ op: "add-elements", table: T, set: "s", elements: ["10.1.0.1", "10.1.0.2"] })
      .add({ op: "delete-elements", table: T, set: "s", elements: ["10.1.0.1"] })
      .add({ op: "flush-chain", table: T, name: "c" })
      .add({ op: "delete-chain", table: T, name: "c" })
      .add({ op: "delete-set", table: T, name: "s" })
      .add({ op: "delete-map", table: T, name: "m" })
      .add({ op: "delete-counter", table: T, name: "n" })
      .add({ op: "delete-table", table: T });
    expect(txn.render()).toBe(
      [
        "add table inet t",
        "add set inet t s { type ipv4_addr; flags interval; }",
        "add element inet t s { 10.0.0.0/24 }",
        "add map inet t m { type ipv4_addr : verdict; }",
        "add element inet t m { 10.0.0.1 : jump c }",
        "add counter inet t n",
        "add chain inet t c",
        "add chain inet t f { type filter hook forward priority filter; policy drop; }",
        "add rule inet t c counter name n drop",
        "add element inet t s { 10.1.0.1, 10.1.0.2 }",
        "delete element inet t s { 10.1.0.1 }",
        "flush chain inet t c",
        "delete chain inet t c",
        "delete set inet t s",
        "delete map inet t m",
        "delete counter inet t n",
        "delete table inet t",
        "",
      ].join("\n"),
    );
  });

  it("splits long element lists over lines of 500", () => {
    const elements = Array.from({ length: 1001 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const lines = new Transaction()
      .add({ op: "add-elements", table: T, set: "s", elements })
      .render()
      .split("\n");
    expect(lines.map((l) => l.split(",").length)).toEqual([500, 500, 1, 1]);
  });

  it("renders nothing for an empty transaction", () => {
    expect(new Transaction().render()).toBe("");
    expect(new Transaction().empty).toBe(true);
  });

  it("replaces a table atomically: ensure, delete, then define objects before rules and map entries last", () => {
    const spec: TableSpec = {
      ...T,
      sets: [],
      maps: [
        { name: "m", keyType: "ipv4_addr", interval: false, elements: new Map([["10.0.0.1", "jump c"]]) },
      ],
      counters: [],
      chains: [{ name: "c", rules: ["accept"] }],
    };
    expect(new Transaction().replaceTable(spec).list.map((c) => c.op)).toEqual([
      "add-table",
      "delete-table",
      "add-table",
      "add-map",
      "add-chain",
      "add-rule",
      "add-elements",
    ]);
  });
});

describe("Transaction.add refuses a command that cannot be a valid script (a bug, thrown)", () => {
  it.each([
    [
      "a rule with a newline",
      () => new Transaction().add({ op: "add-rule", table: T, chain: "c", rule: "accept\nflush ruleset" }),
    ],
    [
      "an element command without elements",
      () => new Transaction().add({ op: "add-elements", table: T, set: "s", elements: [] }),
    ],
    ["a name with a space", () => new Transaction().add({ op: "flush-chain", table: T, name: "a b" })],
    [
      "a table name with a quote",
      () => new Transaction().add({ op: "add-table", table: { family: "inet", name: 'x"' } }),
    ],
  ])("%s", (_what, build) => {
    expect(build).toThrow();
  });

  it("two objects of one table sharing a name", () => {
    const spec: TableSpec = {
      ...T,
      sets: [{ name: "x", type: "ipv4_addr", interval: false, elements: [] }],
      maps: [],
      counters: [],
      chains: [{ name: "x", rules: [] }],
    };
    expect(() => new Transaction().defineTable(spec)).toThrow(/names used twice: x/);
  });
});
