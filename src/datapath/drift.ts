/**
 * Cheap fingerprints of a table for drift detection: object names with their rule or element
 * counts, from our own desired spec and from `nft -j list table` output. Someone flushing a chain,
 * deleting a set element or adding a rule to our table changes a count.
 */
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

interface NftJsonObject {
  readonly chain?: { readonly name: string };
  readonly rule?: { readonly chain: string };
  readonly set?: { readonly name: string; readonly elem?: readonly unknown[] };
  readonly map?: { readonly name: string; readonly elem?: readonly unknown[] };
  readonly counter?: { readonly name: string };
}

/** Fingerprint of `nft -j list table` output; undefined when it cannot be parsed. */
export function summarizeListing(json: string): Fingerprint | undefined {
  let objects: readonly NftJsonObject[];
  try {
    objects = (JSON.parse(json) as { nftables?: readonly NftJsonObject[] }).nftables ?? [];
  } catch {
    return undefined;
  }
  const f: Fingerprint = new Map();
  for (const o of objects) {
    if (o.chain) f.set(`chain ${o.chain.name}`, f.get(`chain ${o.chain.name}`) ?? 0);
    else if (o.rule) f.set(`chain ${o.rule.chain}`, (f.get(`chain ${o.rule.chain}`) ?? 0) + 1);
    else if (o.set) f.set(`set ${o.set.name}`, o.set.elem?.length ?? 0);
    else if (o.map) f.set(`map ${o.map.name}`, o.map.elem?.length ?? 0);
    else if (o.counter) f.set(`counter ${o.counter.name}`, 1);
  }
  return f;
}
