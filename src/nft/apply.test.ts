import { describe, expect, it } from "vitest";
import { applyCommands, type NftErrorKind } from "./apply.js";
import type { BaseChain, TableRef } from "./model.js";
import { EMPTY_STATE, type NftState, type TableState } from "./state.js";
import type { Command } from "./transaction.js";

// Every expectation below was measured with nft 1.0.6 (kernel 6.18) in a throwaway network
// namespace: the script = BASE + the case's commands, run with `nft -f`. The comment on each
// case is the first error line nft printed (file:line:column prefix left out).

const T: TableRef = { family: "inet", name: "t" };
const HOOK: BaseChain = { type: "filter", hook: "forward", priority: "filter", policy: "accept" };
const addSet = (name: string, type: string, interval = false, elements: string[] = []): Command => ({
  op: "add-set",
  table: T,
  set: { name, type, interval, elements },
});
const addMap = (name: string, keyType: string, entries: Array<[string, string]> = []): Command => ({
  op: "add-map",
  table: T,
  map: { name, keyType, interval: false, elements: new Map(entries) },
});
const add = (set: string, ...elements: string[]): Command => ({
  op: "add-elements",
  table: T,
  set,
  elements,
});
const del = (set: string, ...elements: string[]): Command => ({
  op: "delete-elements",
  table: T,
  set,
  elements,
});
const chain = (name: string, base?: BaseChain): Command => ({
  op: "add-chain",
  table: T,
  chain: base ? { name, base, rules: [] } : { name, rules: [] },
});
const rule = (chainName: string, text: string): Command => ({
  op: "add-rule",
  table: T,
  chain: chainName,
  rule: text,
});
const named = (
  op: "delete-set" | "delete-map" | "delete-chain" | "flush-chain" | "add-counter" | "delete-counter",
  name: string,
): Command => ({ op, table: T, name });

const BASE: Command[] = [
  { op: "add-table", table: T },
  addSet("s4", "ipv4_addr"),
  addSet("i4", "ipv4_addr", true),
  addSet("i6", "ipv6_addr", true),
  addSet("pp", "inet_proto . inet_service", true),
  addSet("ep", "ipv4_addr . inet_proto . inet_service"),
  addSet("ifs", "ifname"),
  addSet("nd", "icmpv6_type"),
  addMap("m4", "ipv4_addr"),
  named("add-counter", "c"),
  chain("a"),
  chain("bc", HOOK),
];

function base(): NftState {
  const r = applyCommands(EMPTY_STATE, BASE);
  if (!r.ok) throw new Error(r.error.message);
  return r.state;
}

function table(s: NftState): TableState {
  const t = s.get("inet t");
  if (!t) throw new Error("no table inet t");
  return t;
}

function after(commands: Command[]): TableState {
  const r = applyCommands(base(), commands);
  if (!r.ok) throw new Error(`${r.error.kind} at ${r.error.index}: ${r.error.message}`);
  return table(r.state);
}

describe("applyCommands refuses what nft 1.0.6 refuses", () => {
  it.each<[string, Command[], NftErrorKind, number]>([
    // Error: No such file or directory; did you mean chain ‘bc’ in table inet ‘t’?
    ["a rule jumping to a missing chain", [rule("a", "jump nope")], "no-such-object", 0],
    ["a rule going to a missing chain", [rule("a", "goto nope")], "no-such-object", 0],
    // Error: No such file or directory; did you mean set ‘pp’ in table inet ‘t’?
    ["a rule naming a missing set", [rule("a", "ip saddr @nope accept")], "no-such-object", 0],
    ["a rule naming a missing map", [rule("a", "ip saddr vmap @nope")], "no-such-object", 0],
    // Error: No such file or directory (for `counter name nope` and `counter name "nope"`)
    ["a rule naming a missing counter", [rule("a", "counter name nope drop")], "no-such-object", 0],
    ["a set name is not a counter", [rule("a", "counter name s4 drop")], "no-such-object", 0],
    ["a counter name is not a set", [rule("a", "ip saddr @c accept")], "no-such-object", 0],
    // Error: Expression is not a map
    ["vmap on a plain set", [rule("a", "ip saddr vmap @s4")], "type", 0],
    // Error: Could not process rule: Operation not supported
    ["a rule jumping to a base chain", [rule("a", "jump bc")], "invalid", 0],
    ["a map element jumping to a base chain", [add("m4", "10.0.0.1 : jump bc")], "invalid", 0],
    // Error: Could not process rule: No such file or directory
    ["a map element jumping to a missing chain", [add("m4", "10.0.0.1 : jump nope")], "no-such-object", 0],
    ["a rule in a missing chain", [rule("nope", "accept")], "no-such-object", 0],
    // Error: Could not process rule: Device or resource busy
    ["deleting a chain a rule jumps to", [rule("bc", "jump a"), named("delete-chain", "a")], "busy", 1],
    ["deleting a chain jumping to itself", [rule("a", "jump a"), named("delete-chain", "a")], "busy", 1],
    [
      "deleting a chain a map element jumps to",
      [add("m4", "10.0.0.1 : jump a"), named("delete-chain", "a")],
      "busy",
      1,
    ],
    ["deleting a set a rule names", [rule("a", "ip saddr @s4 accept"), named("delete-set", "s4")], "busy", 1],
    ["deleting a map a rule names", [rule("a", "ip saddr vmap @m4"), named("delete-map", "m4")], "busy", 1],
    [
      "deleting a counter a rule names",
      [rule("a", "counter name c drop"), named("delete-counter", "c")],
      "busy",
      1,
    ],
    // Error: Could not resolve hostname: Address family for hostname not supported
    ["an IPv6 address in an ipv4_addr set", [add("s4", "fe80::1")], "type", 0],
    // Error: Service out of range
    ["a port over 65535", [add("pp", "tcp . 70000")], "type", 0],
    // Error: You must add 'flags interval' to your set declaration if you want to add prefix elements
    ["a prefix in a plain set", [add("s4", "10.0.0.0/24")], "invalid", 0],
    // Error: ... if you want to add range elements
    ["a range in a plain set", [add("s4", "10.0.0.1-10.0.0.5")], "invalid", 0],
    ["a range in a plain concatenation", [add("ep", "10.0.0.1 . tcp . 80-90")], "invalid", 0],
    // Error: Range has zero or negative size
    ["a reversed range", [add("pp", "tcp . 90-80")], "invalid", 0],
    // Error: conflicting intervals specified
    ["an address inside an interval", [add("i4", "10.0.0.0/24"), add("i4", "10.0.0.5")], "exists", 1],
    ["overlapping intervals in one command", [add("i4", "10.0.0.0/24", "10.0.0.5")], "exists", 0],
    ["overlapping IPv6 intervals", [add("i6", "fe80::/10"), add("i6", "fe80::1")], "exists", 1],
    // Error: Could not process rule: File exists (the kernel's pipapo set backend)
    ["overlapping concatenated intervals", [add("pp", "tcp . 80-90"), add("pp", "tcp . 85")], "exists", 1],
    // Error: Could not process rule: File exists
    [
      "a map key added again with another verdict",
      [add("m4", "10.0.0.1 : accept"), add("m4", "10.0.0.1 : drop")],
      "exists",
      1,
    ],
    [
      "one key with two verdicts in one command",
      [add("m4", "10.0.0.1 : accept", "10.0.0.1 : drop")],
      "exists",
      0,
    ],
    ["a set of another type over a set", [addSet("s4", "ipv6_addr")], "exists", 0],
    ["a set with other flags over a set", [addSet("s4", "ipv4_addr", true)], "exists", 0],
    ["a map of another key type over a map", [addMap("m4", "ipv6_addr")], "exists", 0],
    ["a set over a map", [addSet("m4", "ipv4_addr")], "exists", 0],
    // Error: Could not process rule: Invalid argument
    ["a map element without a verdict", [add("m4", "10.0.0.1")], "invalid", 0],
    // Error: set is not a map
    ["a verdict element in a plain set", [add("s4", "10.0.0.1 : accept")], "type", 0],
    // Error: Could not process rule: No such file or directory
    ["deleting an element that is not there", [del("s4", "10.0.0.1")], "no-such-object", 0],
    [
      "deleting an element twice in one command",
      [add("s4", "10.0.0.1"), del("s4", "10.0.0.1", "10.0.0.1")],
      "no-such-object",
      1,
    ],
    // Error: element does not exist
    [
      "deleting part of an interval",
      [add("i4", "10.0.0.0/24"), del("i4", "10.0.0.0/25")],
      "no-such-object",
      1,
    ],
    // Error: No such file or directory (delete set/map/chain/counter, flush chain, add element)
    ["deleting a missing set", [named("delete-set", "nope")], "no-such-object", 0],
    ["deleting a missing map", [named("delete-map", "nope")], "no-such-object", 0],
    ["deleting a missing chain", [named("delete-chain", "nope")], "no-such-object", 0],
    ["deleting a missing counter", [named("delete-counter", "nope")], "no-such-object", 0],
    ["flushing a missing chain", [named("flush-chain", "nope")], "no-such-object", 0],
    ["adding an element to a missing set", [add("nope", "10.0.0.1")], "no-such-object", 0],
    [
      "deleting a missing table",
      [{ op: "delete-table", table: { family: "inet", name: "nope" } }],
      "no-such-object",
      0,
    ],
    [
      "a set in a missing table",
      [
        {
          op: "add-set",
          table: { family: "inet", name: "nope" },
          set: { name: "s", type: "ipv4_addr", interval: false, elements: [] },
        },
      ],
      "no-such-object",
      0,
    ],
    [
      "a chain in a missing table",
      [{ op: "add-chain", table: { family: "inet", name: "nope" }, chain: { name: "c", rules: [] } }],
      "no-such-object",
      0,
    ],
    [
      "a counter in a missing table",
      [{ op: "add-counter", table: { family: "inet", name: "nope" }, name: "c" }],
      "no-such-object",
      0,
    ],
    // Error: Could not process rule: Operation not supported
    [
      "a base chain over a base chain with another hook",
      [chain("bc", { ...HOOK, hook: "input" })],
      "invalid",
      0,
    ],
    [
      "a base chain over a base chain with another priority",
      [chain("bc", { ...HOOK, priority: 5 })],
      "invalid",
      0,
    ],
    ["a base chain over a regular chain", [chain("a", { ...HOOK, hook: "input" })], "invalid", 0],
    // A rule may only name a set defined before it: Error: No such file or directory
    [
      "a rule naming a set defined after it",
      [rule("a", "ip saddr @later accept"), addSet("later", "ipv4_addr")],
      "no-such-object",
      0,
    ],
  ])("%s", (_name, commands, kind, index) => {
    const before = base();
    const r = applyCommands(before, commands);
    expect(r.ok ? "accepted" : { kind: r.error.kind, index: r.error.index }).toEqual({ kind, index });
  });
});

describe("applyCommands accepts what nft 1.0.6 accepts", () => {
  it("adds an element already there, also twice in one command, as one element", () => {
    const t = after([add("s4", "10.0.0.1"), add("s4", "10.0.0.1"), add("s4", "10.0.0.2", "10.0.0.2")]);
    expect([...(t.sets.get("s4")?.elements ?? [])]).toEqual(["10.0.0.1", "10.0.0.2"]);
  });
  it("adds the same interval again, written as a prefix or as a range", () => {
    const t = after([
      add("i4", "10.0.0.0/24"),
      add("i4", "10.0.0.0-10.0.0.255", "10.0.0.0/24"),
      add("i4", "10.0.1.5/32", "10.0.1.5"),
    ]);
    expect([...(t.sets.get("i4")?.elements ?? [])]).toEqual(["10.0.0.0-10.0.0.255", "10.0.1.5"]);
  });
  it("keeps adjacent intervals as two elements (no merging without auto-merge)", () => {
    const t = after([
      add("i4", "10.0.0.0/25", "10.0.0.128/25"),
      add("pp", "tcp . 80-90", "tcp . 91-95", "udp . 80-90"),
    ]);
    expect(t.sets.get("i4")?.elements.size).toBe(2);
    expect(t.sets.get("pp")?.elements.size).toBe(3);
  });
  it("keeps elements in canonical text", () => {
    const t = after([
      add("i6", "FE80:0:0::1"),
      add("ifs", "veth1", '"veth2"'),
      add("nd", "nd-neighbor-solicit", "136"),
      add("pp", "6 . 80"),
    ]);
    expect([...(t.sets.get("i6")?.elements ?? [])]).toEqual(["fe80::1"]);
    expect([...(t.sets.get("ifs")?.elements ?? [])]).toEqual(['"veth1"', '"veth2"']);
    expect([...(t.sets.get("nd")?.elements ?? [])]).toEqual(["nd-neighbor-solicit", "nd-neighbor-advert"]);
    expect([...(t.sets.get("pp")?.elements ?? [])]).toEqual(["tcp . 80"]);
  });
  it("re-adds a map key with the same verdict, and deletes map elements by key whatever verdict is given", () => {
    const t = after([
      add("m4", "10.0.0.1 : accept", "10.0.0.2 : jump a"),
      add("m4", "10.0.0.1 : accept"),
      del("m4", "10.0.0.1 : drop", "10.0.0.2"),
    ]);
    expect(t.maps.get("m4")?.elements.size).toBe(0);
  });
  it("treats add of an existing table, chain, set or counter as nothing, and a regular chain over a base chain too", () => {
    const t = after([
      { op: "add-table", table: T },
      chain("a"),
      rule("a", "accept"),
      chain("a"),
      addSet("s4", "ipv4_addr"),
      named("add-counter", "c"),
      chain("bc"),
    ]);
    expect(t.chains.get("a")?.rules.length).toBe(1);
    expect(t.chains.get("bc")?.base).toEqual(HOOK);
  });
  it("changes a base chain's policy", () => {
    const t = after([chain("bc", { ...HOOK, policy: "drop" })]);
    expect(t.chains.get("bc")?.base?.policy).toBe("drop");
  });
  it("deletes a chain that still has rules when nothing jumps to it, releasing what they named", () => {
    const t = after([
      chain("b"),
      rule("a", "jump b"),
      rule("a", "ip saddr @s4 accept"),
      named("delete-chain", "a"),
      named("delete-chain", "b"),
      named("delete-set", "s4"),
    ]);
    expect([...t.chains.keys()]).toEqual(["bc"]);
  });
  it("flushes a chain, then deletes the chain and the set its rules named, in one transaction", () => {
    const t = after([
      rule("bc", "jump a"),
      rule("bc", "ip saddr @s4 accept"),
      named("flush-chain", "bc"),
      named("delete-chain", "a"),
      named("delete-set", "s4"),
    ]);
    expect(t.chains.get("bc")?.rules).toEqual([]);
    expect(t.sets.has("s4")).toBe(false);
  });
  it("deletes a chain once the map element jumping to it is gone", () => {
    const t = after([
      add("m4", "10.0.0.1 : jump a"),
      rule("bc", "ip saddr vmap @m4"),
      del("m4", "10.0.0.1"),
      named("delete-chain", "a"),
    ]);
    expect(t.chains.has("a")).toBe(false);
  });
  it("deletes a map with elements jumping to a chain, then the chain", () => {
    const t = after([add("m4", "10.0.0.1 : jump a"), named("delete-map", "m4"), named("delete-chain", "a")]);
    expect(t.maps.has("m4")).toBe(false);
  });
  it("finds a map with delete set and a set with delete map (one namespace in the kernel)", () => {
    const t = after([named("delete-set", "m4"), named("delete-map", "s4")]);
    expect(t.maps.has("m4") || t.sets.has("s4")).toBe(false);
  });
  it("lets a chain, a set and a counter share a name", () => {
    const t = after([addSet("a", "ipv4_addr"), named("add-counter", "s4")]);
    expect(t.sets.has("a") && t.chains.has("a") && t.counters.has("s4")).toBe(true);
  });
  it("accepts a lookup in a verdict map and a return verdict in a map", () => {
    const t = after([rule("a", "ip saddr @m4 accept"), add("m4", "10.0.0.1 : return", "10.0.0.2 : goto a")]);
    expect(t.chains.get("a")?.rules[0]?.facts.sets).toEqual(["m4"]);
  });
  it("deletes and re-creates a table in one transaction (the atomic replace)", () => {
    const t = after([
      rule("a", "accept"),
      { op: "delete-table", table: T },
      { op: "add-table", table: T },
      chain("x"),
    ]);
    expect([...t.chains.keys()]).toEqual(["x"]);
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
