/**
 * Collects the shared sets one node's rules use, and merges sets of different definitions that hold
 * the same elements under the smallest of their names, so the node loads each content once.
 */
import { byName } from "../base/compare.js";
import type { AddressSet, EndpointPortSet, PortSet } from "./ir.js";
import type { SharedSet } from "./shared-sets.js";

/** The sets used while compiling one node. */
export class SetRegistry {
  private readonly addr = new Map<string, SharedSet<AddressSet>>();
  private readonly ports = new Map<string, PortSet>();
  private readonly endpoints = new Map<string, SharedSet<EndpointPortSet>>();

  /** Records an address set; returns its provisional name. */
  address(s: SharedSet<AddressSet>): string {
    this.addr.set(s.value.name, s);
    return s.value.name;
  }

  /** Records a port set; returns its name. */
  portSet(s: SharedSet<PortSet>): string {
    this.ports.set(s.value.name, s.value);
    return s.value.name;
  }

  /** Records an endpoint-port set; returns its provisional name. */
  endpointPorts(s: SharedSet<EndpointPortSet>): string {
    this.endpoints.set(s.value.name, s);
    return s.value.name;
  }

  /** The sets, sorted by name, and `rename` from provisional to final (merged) names. */
  finish(): {
    addressSets: AddressSet[];
    portSets: PortSet[];
    endpointPortSets: EndpointPortSet[];
    rename: (name: string) => string;
  } {
    const renames = new Map<string, string>();
    const addressSets = mergeByContent([...this.addr.values()], renames);
    const endpointPortSets = mergeByContent([...this.endpoints.values()], renames);
    const portSets = [...this.ports.values()].sort(byName);
    return { addressSets, portSets, endpointPortSets, rename: (n) => renames.get(n) ?? n };
  }
}

function mergeByContent<T extends { name: string }>(sets: SharedSet<T>[], renames: Map<string, string>): T[] {
  const keep = new Map<string, T>();
  for (const s of [...sets].sort((a, b) => byName(a.value, b.value))) {
    const first = keep.get(s.content);
    if (first) renames.set(s.value.name, first.name);
    else keep.set(s.content, s.value);
  }
  return [...keep.values()].sort(byName);
}
