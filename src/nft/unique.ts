/**
 * Every object of a table has its own name. nft keeps chains, sets (maps are sets) and named
 * objects in separate namespaces, but netguard's names are derived from pod and content identities,
 * so two objects sharing a name — of any kind — means two identities met in one name: a bug that
 * would merge two pods' rules (issue 11, finding 3). It is never applied.
 */
import { type TableSpec, tableText } from "./model.js";

/** Names used by more than one object of the table (chains, sets, maps, counters), sorted. */
export function duplicateNames(t: TableSpec): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  const names = [
    ...t.chains.map((c) => c.name),
    ...t.sets.map((s) => s.name),
    ...t.maps.map((m) => m.name),
    ...t.counters,
  ];
  for (const n of names) (seen.has(n) ? dup : seen).add(n);
  return [...dup].sort();
}

/** Throws (a bug) when two objects of the table share a name. */
export function checkUniqueNames(t: TableSpec): TableSpec {
  const dup = duplicateNames(t);
  if (dup.length > 0) throw new Error(`table ${tableText(t)}: names used twice: ${dup.join(", ")}`);
  return t;
}
