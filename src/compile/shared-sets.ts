/**
 * The named sets of a snapshot, created once and shared by every pod, policy and node that uses
 * them. An address set is named after its definition (a hash of the rule's peers), so its name
 * survives changes of its members and incremental updates only touch elements; port sets are
 * named after their content. Each set also carries a hash of its content, used to merge sets of
 * different definitions that hold the same elements.
 */
import { sha256Hex } from "../base/hash.js";
import type { Family } from "../net/address.js";
import type { Interval } from "../net/interval.js";
import type { AddressSet, EndpointPortEntry, EndpointPortSet, PortEntry, PortSet } from "./ir.js";

/** A short, stable hash of a definition or content key. */
export function shortHash(key: string): string {
  return sha256Hex(key, 12);
}

/** A set with its content hash. */
export interface SharedSet<T> {
  readonly value: T;
  readonly content: string;
}

/** Memoised set construction for one snapshot. */
export class SharedSets {
  private readonly addr = new Map<string, SharedSet<AddressSet>>();
  private readonly ports = new Map<string, SharedSet<PortSet>>();
  private readonly endpoints = new Map<string, SharedSet<EndpointPortSet>>();
  private readonly definitions = new Map<string, string>();

  /** The address set of a peer definition, in one family. */
  address(defKey: string, family: Family, intervals: readonly Interval[]): SharedSet<AddressSet> {
    const name = `${family === "IPv4" ? "peer4" : "peer6"}_${shortHash(`${family} ${defKey}`)}`;
    return this.remember(this.addr, name, defKey, () => ({
      value: { name, family, intervals },
      content: shortHash(`${family}|${intervals.map((i) => `${i.lo}-${i.hi}`).join(",")}`),
    }));
  }

  /** The port set holding exactly `entries` (already normalised). */
  portSet(entries: readonly PortEntry[]): SharedSet<PortSet> {
    const key = entries.map((e) => `${e.protocol}:${e.from}-${e.to}`).join(",");
    const hit = this.ports.get(key);
    if (hit) return hit;
    const name = `ports_${shortHash(key)}`;
    const made = { value: { name, entries }, content: name };
    this.ports.set(key, made);
    return made;
  }

  /** The endpoint-port set (egress named ports) of a definition, in one family. */
  endpointPorts(
    defKey: string,
    family: Family,
    entries: readonly EndpointPortEntry[],
  ): SharedSet<EndpointPortSet> {
    const name = `${family === "IPv4" ? "named4" : "named6"}_${shortHash(`${family} ${defKey}`)}`;
    return this.remember(this.endpoints, name, defKey, () => ({
      value: { name, family, entries },
      content: shortHash(`${family}|${entries.map((e) => `${e.addr}.${e.protocol}.${e.port}`).join(",")}`),
    }));
  }

  private remember<T>(
    map: Map<string, SharedSet<T>>,
    name: string,
    defKey: string,
    make: () => SharedSet<T>,
  ): SharedSet<T> {
    const hit = map.get(name);
    const known = this.definitions.get(name);
    if (known !== undefined && known !== defKey)
      throw new Error(`set name collision: ${name} for "${known}" and "${defKey}"`);
    if (hit) return hit;
    const made = make();
    this.definitions.set(name, defKey);
    map.set(name, made);
    return made;
  }
}
