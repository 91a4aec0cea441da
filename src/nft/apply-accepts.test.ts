import { describe, expect, it } from "vitest";
import { applyCommands } from "./apply.js";
import type { TableRef } from "./model.js";
import type { NftState, TableState } from "./state.js";
import { type Command, Transaction } from "./transaction.js";
import {
  add,
  addSet,
  after,
  base,
  BASE,
  chain,
  del,
  HOOK,
  jumpLine,
  named,
  rule,
  T,
} from "../../test/support/nft-commands.js";
import { nsRun, withNetns } from "../../test/support/netns.js";
import { describeAsRoot } from "../../test/support/root.js";
import { compareTables } from "../datapath/drift.js";
import { parseListing } from "./json.js";

// What nft 1.0.6 accepts, measured in a throwaway network namespace as for apply.test.ts (every
// case below exited 0 there), and the transaction's atomicity.

/** Commands accepted after BASE, each checked on the fake here and on nft itself below. */
const ACCEPTED: Array<[string, Command[]]> = [];

function accepts(name: string, commands: Command[], check: (t: TableState) => void): void {
  ACCEPTED.push([name, commands]);
  it(name, () => check(after(commands)));
}

describe("applyCommands accepts what nft 1.0.6 accepts", () => {
  accepts(
    "adds an element already there, also twice in one command, as one element",
    [add("s4", "10.0.0.1"), add("s4", "10.0.0.1"), add("s4", "10.0.0.2", "10.0.0.2")],
    (t) => {
      expect([...(t.sets.get("s4")?.elements ?? [])]).toEqual(["10.0.0.1", "10.0.0.2"]);
    },
  );
  accepts(
    "adds the same interval again, written as a prefix or as a range",
    [
      add("i4", "10.0.0.0/24"),
      add("i4", "10.0.0.0-10.0.0.255", "10.0.0.0/24"),
      add("i4", "10.0.1.5/32", "10.0.1.5"),
    ],
    (t) => {
      expect([...(t.sets.get("i4")?.elements ?? [])]).toEqual(["10.0.0.0-10.0.0.255", "10.0.1.5"]);
    },
  );
  accepts(
    "keeps adjacent intervals as two elements (no merging without auto-merge)",
    [add("i4", "10.0.0.0/25", "10.0.0.128/25"), add("pp", "tcp . 80-90", "tcp . 91-95", "udp . 80-90")],
    (t) => {
      expect(t.sets.get("i4")?.elements.size).toBe(2);
      expect(t.sets.get("pp")?.elements.size).toBe(3);
    },
  );
  accepts(
    "keeps elements in canonical text",
    [
      add("i6", "FE80:0:0::1"),
      add("ifs", "veth1", '"veth2"'),
      add("nd", "nd-neighbor-solicit", "136"),
      add("pp", "6 . 80"),
    ],
    (t) => {
      expect([...(t.sets.get("i6")?.elements ?? [])]).toEqual(["fe80::1"]);
      expect([...(t.sets.get("ifs")?.elements ?? [])]).toEqual(['"veth1"', '"veth2"']);
      expect([...(t.sets.get("nd")?.elements ?? [])]).toEqual(["nd-neighbor-solicit", "nd-neighbor-advert"]);
      expect([...(t.sets.get("pp")?.elements ?? [])]).toEqual(["tcp . 80"]);
    },
  );
  accepts(
    "re-adds a map key with the same verdict, and deletes map elements by key whatever verdict is given",
    [
      add("m4", "10.0.0.1 : accept", "10.0.0.2 : jump a"),
      add("m4", "10.0.0.1 : accept"),
      del("m4", "10.0.0.1 : drop", "10.0.0.2"),
    ],
    (t) => {
      expect(t.maps.get("m4")?.elements.size).toBe(0);
    },
  );
  accepts(
    "treats add of an existing table, chain, set or counter as nothing, and a regular chain over a base chain too",
    [
      { op: "add-table", table: T },
      chain("a"),
      rule("a", "accept"),
      chain("a"),
      addSet("s4", "ipv4_addr"),
      named("add-counter", "c"),
      chain("bc"),
    ],
    (t) => {
      expect(t.chains.get("a")?.rules.length).toBe(1);
      expect(t.chains.get("bc")?.base).toEqual({ ...HOOK, priority: 0 });
    },
  );
  accepts("changes a base chain's policy", [chain("bc", { ...HOOK, policy: "drop" })], (t) => {
    expect(t.chains.get("bc")?.base?.policy).toBe("drop");
  });
  accepts(
    "deletes a chain that still has rules when nothing jumps to it, releasing what they named",
    [
      chain("b"),
      rule("a", "jump b"),
      rule("a", "ip saddr @s4 accept"),
      named("delete-chain", "a"),
      named("delete-chain", "b"),
      named("delete-set", "s4"),
    ],
    (t) => {
      expect([...t.chains.keys()]).toEqual(["bc"]);
    },
  );
  accepts(
    "flushes a chain, then deletes the chain and the set its rules named, in one transaction",
    [
      rule("bc", "jump a"),
      rule("bc", "ip saddr @s4 accept"),
      named("flush-chain", "bc"),
      named("delete-chain", "a"),
      named("delete-set", "s4"),
    ],
    (t) => {
      expect(t.chains.get("bc")?.rules).toEqual([]);
      expect(t.sets.has("s4")).toBe(false);
    },
  );
  accepts(
    "deletes a chain once the map element jumping to it is gone",
    [
      add("m4", "10.0.0.1 : jump a"),
      rule("bc", "ip saddr vmap @m4"),
      del("m4", "10.0.0.1"),
      named("delete-chain", "a"),
    ],
    (t) => {
      expect(t.chains.has("a")).toBe(false);
    },
  );
  accepts(
    "deletes a map with elements jumping to a chain, then the chain",
    [add("m4", "10.0.0.1 : jump a"), named("delete-map", "m4"), named("delete-chain", "a")],
    (t) => {
      expect(t.maps.has("m4")).toBe(false);
    },
  );
  accepts(
    "finds a map with delete set and a set with delete map (one namespace in the kernel)",
    [named("delete-set", "m4"), named("delete-map", "s4")],
    (t) => {
      expect(t.maps.has("m4") || t.sets.has("s4")).toBe(false);
    },
  );
  accepts(
    "lets a chain, a set and a counter share a name",
    [addSet("a", "ipv4_addr"), named("add-counter", "s4")],
    (t) => {
      expect(t.sets.has("a") && t.chains.has("a") && t.counters.has("s4")).toBe(true);
    },
  );
  accepts(
    "accepts a lookup in a verdict map and a return verdict in a map",
    [rule("a", "ip saddr @m4 accept"), add("m4", "10.0.0.1 : return", "10.0.0.2 : goto a")],
    (t) => {
      expect(t.chains.get("a")?.rules[0]?.facts.sets).toEqual(["m4"]);
    },
  );
  accepts(
    "deletes and re-creates a table in one transaction (the atomic replace)",
    [rule("a", "accept"), { op: "delete-table", table: T }, { op: "add-table", table: T }, chain("x")],
    (t) => {
      expect([...t.chains.keys()]).toEqual(["x"]);
    },
  );
});

describe("applyCommands accepts jumps and intervals nft 1.0.6 accepts", () => {
  accepts(
    "a concatenated interval enclosing another, also in one command",
    [add("pp", "tcp . 85"), add("pp", "tcp . 80-90", "udp . 85", "udp . 80-90")],
    (t) => {
      expect(t.sets.get("pp")?.elements.size).toBe(4);
    },
  );
  accepts("15 jumps below a base chain", jumpLine(15), (t) => {
    expect(t.chains.get("d14")?.rules[0]?.facts.chains).toEqual(["d15"]);
  });
  accepts(
    "a loop no base chain reaches",
    [chain("l1"), chain("l2"), rule("l1", "jump l2"), rule("l2", "jump l1")],
    (t) => {
      expect(t.chains.get("l2")?.rules.length).toBe(1);
    },
  );
  accepts(
    "a base chain added again with its priority as the number nft lists (filter is 0 in inet)",
    [chain("bc", { ...HOOK, priority: 0 })],
    (t) => {
      expect(t.chains.get("bc")?.base?.priority).toBe(0);
    },
  );
});

describe("applyCommands on large interval sets", () => {
  const hosts = Array.from({ length: 4000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.1`);
  accepts(
    "accepts thousands of disjoint intervals and re-adding them",
    [add("i4", ...hosts), add("i4", ...hosts.slice(0, 100))],
    (t) => {
      expect(t.sets.get("i4")?.elements.size).toBe(4000);
    },
  );
  it("finds the one interval among thousands that overlaps another", () => {
    const r = applyCommands(base(), [add("i4", ...hosts), add("i4", "10.5.0.0/16", "10.200.0.0/16")]);
    expect(r.ok ? "accepted" : { kind: r.error.kind, index: r.error.index }).toEqual({
      kind: "exists",
      index: 1,
    });
  });
});

describe("applyCommands is all or nothing", () => {
  it("leaves the input untouched and returns no state when a later command fails", () => {
    const before = base();
    const snapshot = JSON.stringify(dump(before));
    const r = applyCommands(before, [
      add("s4", "10.0.0.9"),
      rule("a", "accept"),
      named("flush-chain", "bc"),
      rule("a", "jump nope"),
    ]);
    expect(r.ok).toBe(false);
    expect(JSON.stringify(dump(before))).toBe(snapshot);
  });
  it("never modifies the input on success either", () => {
    const before = base();
    const snapshot = JSON.stringify(dump(before));
    const r = applyCommands(before, [
      add("s4", "10.0.0.9"),
      rule("a", "accept"),
      add("m4", "10.0.0.1 : jump a"),
      named("delete-set", "i4"),
    ]);
    expect(r.ok).toBe(true);
    expect(JSON.stringify(dump(before))).toBe(snapshot);
    expect(r.ok && JSON.stringify(dump(r.state))).not.toBe(snapshot);
  });
  it("keeps untouched tables as the same objects", () => {
    const other: TableRef = { family: "bridge", name: "u" };
    const first = applyCommands(base(), [{ op: "add-table", table: other }]);
    if (!first.ok) throw new Error(first.error.message);
    const r = applyCommands(first.state, [add("s4", "10.0.0.1")]);
    expect(r.ok && r.state.get("bridge u")).toBe(first.state.get("bridge u"));
  });
});

function dump(s: NftState): unknown {
  return [...s.values()].map((t) => ({
    ...t,
    sets: [...t.sets.values()].map((x) => ({ ...x, elements: [...x.elements] })),
    maps: [...t.maps.values()].map((x) => ({ ...x, elements: [...x.elements] })),
    counters: [...t.counters],
    chains: [...t.chains.values()],
  }));
}

describeAsRoot("nft 1.0.6 accepts each case and then holds what the fake holds", () => {
  it("lists, read back into the model, the same table as the fake's", async () => {
    await withNetns(async (ns) => {
      for (const [name, commands] of ACCEPTED) {
        const txn = new Transaction();
        for (const c of [...BASE, ...commands]) txn.add(c);
        await nsRun(ns, "nft", ["-f", "-"], txn.render());
        const kernel = parseListing(await nsRun(ns, "nft", ["-j", "list", "ruleset"]));
        const have = kernel === "unreadable" ? undefined : kernel.get("inet t");
        expect({ name, differences: compareTables(after(commands), have) }).toEqual({
          name,
          differences: [],
        });
        await nsRun(ns, "nft", ["flush", "ruleset"]);
      }
    }, "accepts");
  });
});
