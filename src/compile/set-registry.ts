/**
 * Names and deduplicates the sets of one node's rules. A set is first named after its definition
 * (a hash of the peer definition or port list), so its name survives changes of its content and
 * incremental updates only touch elements; sets of different definitions that end up with equal
 * content are then merged under the smallest of their names.
 */
import { createHash } from "node:crypto";
import type { Family } from "../net/address.js";
import type { Interval } from "../net/interval.js";
import type { AddressSet, EndpointPortEntry, EndpointPortSet, PortEntry, PortSet } from "./ir.js";

/** A short, stable hash of a definition key. */
export function shortHash(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

type Stored<T> = { readonly name: string; readonly key: string; readonly value: T };

/** Collects the sets used while compiling one node. */
export class SetRegistry {
  private readonly addr = new Map<string, Stored<AddressSet>>();
  private readonly ports = new Map<string, Stored<PortSet>>();
  private readonly endpoints = new Map<string, Stored<EndpointPortSet>>();

  /** Registers an address set for a definition; returns its provisional name. */
  address(defKey: string, family: Family, intervals: readonly Interval[]): string {
    const name = `${family === "IPv4" ? "peer4" : "peer6"}_${shortHash(`${family} ${defKey}`)}`;
    return remember(this.addr, name, defKey, () => ({ name, family, intervals }));
  }

  /** Registers a port set; port sets are named by content. */
  portSet(entries: readonly PortEntry[]): string {
    const key = entries.map((e) => `${e.protocol}:${e.from}-${e.to}`).join(",");
    const name = `ports_${shortHash(key)}`;
    return remember(this.ports, name, key, () => ({ name, entries }));
  }

  /** Registers an endpoint-port set for a definition; returns its provisional name. */
  endpointPorts(defKey: string, family: Family, entries: readonly EndpointPortEntry[]): string {
    const name = `${family === "IPv4" ? "named4" : "named6"}_${shortHash(`${family} ${defKey}`)}`;
    return remember(this.endpoints, name, defKey, () => ({ name, family, entries }));
  }

  /**
   * Merges address and endpoint sets with equal content. Returns the sets (sorted by name) and
   * `rename`, mapping every provisional name to its final one.
   */
  finish(): {
    addressSets: AddressSet[];
    portSets: PortSet[];
    endpointPortSets: EndpointPortSet[];
    rename: (name: string) => string;
  } {
    const renames = new Map<string, string>();
    const addressSets = mergeByContent([...this.addr.values()], addressContent, renames);
    const endpointPortSets = mergeByContent([...this.endpoints.values()], endpointContent, renames);
    const portSets = [...this.ports.values()].map((s) => s.value).sort(byName);
    return { addressSets, portSets, endpointPortSets, rename: (n) => renames.get(n) ?? n };
  }
}

function remember<T>(map: Map<string, Stored<T>>, name: string, key: string, make: () => T): string {
  const prev = map.get(name);
  if (prev && prev.key !== key) throw new Error(`set name collision: ${name} for "${prev.key}" and "${key}"`);
  if (!prev) map.set(name, { name, key, value: make() });
  return name;
}

function mergeByContent<T extends { name: string }>(
  stored: Stored<T>[],
  content: (v: T) => string,
  renames: Map<string, string>,
): T[] {
  const groups = new Map<string, Stored<T>[]>();
  for (const s of stored) {
    const c = content(s.value);
    const g = groups.get(c);
    if (g) g.push(s);
    else groups.set(c, [s]);
  }
  const out: T[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => byName(a, b));
    const keep = group[0] as Stored<T>;
    for (const s of group) renames.set(s.name, keep.name);
    out.push(keep.value);
  }
  return out.sort(byName);
}

function addressContent(s: AddressSet): string {
  return `${s.family}|${s.intervals.map((i) => `${i.lo}-${i.hi}`).join(",")}`;
}

function endpointContent(s: EndpointPortSet): string {
  return `${s.family}|${s.entries.map((e) => `${e.addr}.${e.protocol}.${e.port}`).join(",")}`;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
