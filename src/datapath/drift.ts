/**
 * Cheap fingerprints of a table for drift detection: object names with their rule or element
 * counts, from our own desired spec and from `nft -j list table` output. Someone flushing a chain,
 * deleting a set element or adding a rule to our table changes a count.
 */
import { parseNftJson } from "../nft/json.js";
import type { TableSpec } from "../nft/model.js";

/** `chain X` → rule count, `set X` / `map X` → element count, `counter X` → 1. */
export type Fingerprint = Map<string, number>;

/** Fingerprint of what we applied. */
export function summarizeSpec(t: TableSpec): Fingerprint {
  const f: Fingerprint = new Map();
  for (const c of t.chains) f.set(`chain ${c.name}`, c.rules.length);
  for (const s of t.sets) f.set(`set ${s.name}`, s.elements.length);
  for (const m of t.maps) f.set(`map ${m.name}`, m.elements.size);
  for (const c of t.counters) f.set(`counter ${c}`, 1);
  return f;
}

/** Fingerprint of `nft -j list table` output; undefined when it cannot be parsed. */
export function summarizeListing(json: string): Fingerprint | undefined {
  const objects = parseNftJson(json);
  if (!objects) return undefined;
  const f: Fingerprint = new Map();
  for (const o of objects) {
    if (o.kind === "chain") f.set(`chain ${o.name}`, f.get(`chain ${o.name}`) ?? 0);
    else if (o.kind === "rule") f.set(`chain ${o.chain}`, (f.get(`chain ${o.chain}`) ?? 0) + 1);
    else if (o.kind === "set" || o.kind === "map") f.set(`${o.kind} ${o.name}`, o.elements);
    else if (o.kind === "counter") f.set(`counter ${o.name}`, 1);
  }
  return f;
}
