/**
 * The difference between the table netguard last applied and the one it wants, as nft commands
 * in a safe order: new objects first, then set elements, then chain contents, then map entries
 * (which may start or stop jumping to chains), and deletions last, once nothing refers to them.
 * Returns "replace" when an object changed shape (type, flags, hook): a full replace is simpler.
 */
import type { Command } from "../nft/transaction.js";
import type { ChainSpec, MapSpec, TableRef, TableSpec } from "../nft/model.js";

/** Commands turning `old` into `next` (both the same table), or "replace". */
export function diffTable(old: TableSpec, next: TableSpec): Command[] | "replace" {
  const table: TableRef = { family: next.family, name: next.name };
  const oldSets = byName(old.sets);
  const oldMaps = byName(old.maps);
  const oldChains = byName(old.chains);
  const newSets = byName(next.sets);
  const newMaps = byName(next.maps);
  const newChains = byName(next.chains);
  for (const s of next.sets) {
    const o = oldSets.get(s.name);
    if (o && (o.type !== s.type || o.interval !== s.interval)) return "replace";
  }
  for (const m of next.maps) {
    const o = oldMaps.get(m.name);
    if (o && (o.keyType !== m.keyType || o.interval !== m.interval)) return "replace";
  }
  for (const c of next.chains) {
    const o = oldChains.get(c.name);
    if (o && JSON.stringify(o.base) !== JSON.stringify(c.base)) return "replace";
  }

  const create: Command[] = [];
  const elements: Command[] = [];
  const rules: Command[] = [];
  const mapEntries: Command[] = [];
  const remove: Command[] = [];

  for (const s of next.sets) {
    const o = oldSets.get(s.name);
    if (!o) create.push({ op: "add-set", table, set: s });
    else elements.push(...setElementChanges(table, s.name, o.elements, s.elements));
  }
  for (const m of next.maps) {
    const o = oldMaps.get(m.name);
    if (!o) create.push({ op: "add-map", table, map: { ...m, elements: new Map() } });
    mapEntries.push(...mapChanges(table, m, o));
  }
  const oldCounters = new Set(old.counters);
  const newCounters = new Set(next.counters);
  for (const c of next.counters) if (!oldCounters.has(c)) create.push({ op: "add-counter", table, name: c });
  for (const c of next.chains) {
    const o = oldChains.get(c.name);
    if (!o) create.push({ op: "add-chain", table, chain: { ...c, rules: [] } });
    if (o && sameRules(o, c)) continue;
    if (o) rules.push({ op: "flush-chain", table, name: c.name });
    for (const rule of c.rules) rules.push({ op: "add-rule", table, chain: c.name, rule });
  }
  for (const c of old.chains)
    if (!newChains.has(c.name)) remove.push({ op: "delete-chain", table, name: c.name });
  for (const s of old.sets) if (!newSets.has(s.name)) remove.push({ op: "delete-set", table, name: s.name });
  for (const m of old.maps) if (!newMaps.has(m.name)) remove.push({ op: "delete-map", table, name: m.name });
  for (const c of old.counters)
    if (!newCounters.has(c)) remove.push({ op: "delete-counter", table, name: c });
  return [...create, ...elements, ...rules, ...mapEntries, ...remove];
}

function setElementChanges(
  table: TableRef,
  set: string,
  old: readonly string[],
  next: readonly string[],
): Command[] {
  const before = new Set(old);
  const after = new Set(next);
  const gone = old.filter((e) => !after.has(e));
  const added = next.filter((e) => !before.has(e));
  const out: Command[] = [];
  if (gone.length > 0) out.push({ op: "delete-elements", table, set, elements: gone });
  if (added.length > 0) out.push({ op: "add-elements", table, set, elements: added });
  return out;
}

function mapChanges(table: TableRef, next: MapSpec, old: MapSpec | undefined): Command[] {
  const before = old?.elements ?? new Map<string, string>();
  const gone = [...before].filter(([k, v]) => next.elements.get(k) !== v).map(([k]) => k);
  const added = [...next.elements].filter(([k, v]) => before.get(k) !== v).map(([k, v]) => `${k} : ${v}`);
  const out: Command[] = [];
  if (gone.length > 0) out.push({ op: "delete-elements", table, set: next.name, elements: gone });
  if (added.length > 0) out.push({ op: "add-elements", table, set: next.name, elements: added });
  return out;
}

function sameRules(a: ChainSpec, b: ChainSpec): boolean {
  return a.rules.length === b.rules.length && a.rules.every((r, i) => r === b.rules[i]);
}

function byName<T extends { name: string }>(xs: readonly T[]): Map<string, T> {
  return new Map(xs.map((x) => [x.name, x]));
}
