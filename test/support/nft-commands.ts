/**
 * Builders of nft commands on a table `inet t`, and BASE: the objects every case of the fake's
 * table tests starts from (the same script was run with nft 1.0.6 before each measured case).
 */
import { applyCommands } from "../../src/nft/apply.js";
import type { BaseChain, TableRef } from "../../src/nft/model.js";
import { EMPTY_STATE, type NftState, type TableState } from "../../src/nft/state.js";
import type { Command } from "../../src/nft/transaction.js";
/** The table every case works in. */
export const T: TableRef = { family: "inet", name: "t" };
/** The hook of the base chain `bc`. */
export const HOOK: BaseChain = { type: "filter", hook: "forward", priority: "filter", policy: "accept" };
/** `add set inet t <name> { type …; [flags interval;] }` with elements. */
export const addSet = (name: string, type: string, interval = false, elements: string[] = []): Command => ({
  op: "add-set",
  table: T,
  set: { name, type, interval, elements },
});
/** `add map inet t <name> { type … : verdict; }` with entries. */
export const addMap = (name: string, keyType: string, entries: Array<[string, string]> = []): Command => ({
  op: "add-map",
  table: T,
  map: { name, keyType, interval: false, elements: new Map(entries) },
});
/** `add element inet t <set> { … }` */
export const add = (set: string, ...elements: string[]): Command => ({
  op: "add-elements",
  table: T,
  set,
  elements,
});
/** `delete element inet t <set> { … }` */
export const del = (set: string, ...elements: string[]): Command => ({
  op: "delete-elements",
  table: T,
  set,
  elements,
});
/** `add chain inet t <name>`, a base chain when `base` is given. */
export const chain = (name: string, base?: BaseChain): Command => ({
  op: "add-chain",
  table: T,
  chain: base ? { name, base, rules: [] } : { name, rules: [] },
});
/** `add rule inet t <chain> <text>` */
export const rule = (chainName: string, text: string): Command => ({
  op: "add-rule",
  table: T,
  chain: chainName,
  rule: text,
});
/** A command naming one object of the table. */
export const named = (
  op: "delete-set" | "delete-map" | "delete-chain" | "flush-chain" | "add-counter" | "delete-counter",
  name: string,
): Command => ({ op, table: T, name });

/** Sets of each datatype netguard uses, a verdict map, a counter, a regular chain `a` and a base chain `bc`. */
export const BASE: Command[] = [
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

/** The state BASE leaves. */
export function base(): NftState {
  const r = applyCommands(EMPTY_STATE, BASE);
  if (!r.ok) throw new Error(r.error.message);
  return r.state;
}

/** Table `inet t` of a state. */
export function table(s: NftState): TableState {
  const t = s.get("inet t");
  if (!t) throw new Error("no table inet t");
  return t;
}

/** Table `inet t` after BASE and `commands` (throws if they are refused). */
export function after(commands: Command[]): TableState {
  const r = applyCommands(base(), commands);
  if (!r.ok) throw new Error(`${r.error.kind} at ${r.error.index}: ${r.error.message}`);
  return table(r.state);
}

/** Chains d1…dn and the jumps bc → d1 → … → dn, top down (bc is BASE's base chain). */
export function jumpLine(n: number): Command[] {
  const names = Array.from({ length: n }, (_, i) => `d${i + 1}`);
  return [
    ...names.map((d) => chain(d)),
    ...["bc", ...names].slice(0, n).map((from, i) => rule(from, `jump d${i + 1}`)),
  ];
}
