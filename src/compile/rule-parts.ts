/**
 * The parts of a compiled rule that do not depend on which selected pod it is compiled for: its peer
 * address sets, its pod-independent port set, and (egress) its named-port endpoint sets. Computed
 * once per rule and reused for every pod the policy selects.
 */
import type { NetworkPolicy, Peer, Pod, PortSpec, Rule } from "../k8s/model.js";
import { contains } from "../net/interval.js";
import type { Direction } from "../k8s/model.js";
import type { AddressSet, EndpointPortEntry, EndpointPortSet, PortSet } from "./ir.js";
import { type FamilyIntervals, type PeerResolver, peerKey } from "./peer-addresses.js";
import { portEntries } from "./ports.js";
import type { SharedSet, SharedSets } from "./shared-sets.js";

/** Pod-independent parts of one rule. */
export interface RuleParts {
  /** Undefined when the rule has no peer list (all peers). */
  readonly peers?: { readonly v4?: SharedSet<AddressSet>; readonly v6?: SharedSet<AddressSet> };
  /** True when the rule has peers but they select no address: the rule allows nothing. */
  readonly selectsNothing: boolean;
  /** Port specs that resolve against the selected pod (ingress named ports); empty otherwise. */
  readonly perPodPorts: readonly PortSpec[];
  /** The set of the specs that do not depend on the pod; undefined when there are none or no port list. */
  readonly fixedPorts?: SharedSet<PortSet>;
  /** Egress named ports: destination address . protocol . port tuples inside the peers. */
  readonly endpoints?: { readonly v4?: SharedSet<EndpointPortSet>; readonly v6?: SharedSet<EndpointPortSet> };
}

/** What computing rule parts needs from the compile context. */
export interface RulePartsDeps {
  readonly peers: PeerResolver;
  readonly sets: SharedSets;
  readonly podsByPortName: ReadonlyMap<string, readonly Pod[]>;
  /** Endpoint tuples per definition key, computed once: scanning every pod is the costly part. */
  readonly endpointTuples: Map<string, EndpointTuples>;
}

/** Destination tuples of egress named ports, per family, sorted. */
export interface EndpointTuples {
  readonly v4: readonly EndpointPortEntry[];
  readonly v6: readonly EndpointPortEntry[];
}

/** Computes the parts of `rule` of `policy` in `direction`. */
export function ruleParts(
  deps: RulePartsDeps,
  policy: NetworkPolicy,
  rule: Rule,
  direction: Direction,
): RuleParts {
  const peerList = rule.peers.kind === "list" ? rule.peers.items : undefined;
  const addrs = peerList ? deps.peers.resolve(policy, peerList) : undefined;
  const defKey = peerList
    ? peerList
        .map((p) => peerKey(policy, p))
        .sort()
        .join(" | ")
    : "any";
  const peers = addrs
    ? {
        ...(addrs.v4.length > 0 ? { v4: deps.sets.address(defKey, "IPv4", addrs.v4) } : {}),
        ...(addrs.v6.length > 0 ? { v6: deps.sets.address(defKey, "IPv6", addrs.v6) } : {}),
      }
    : undefined;
  const selectsNothing = !!peers && !peers.v4 && !peers.v6;
  const specs = rule.ports.kind === "list" ? rule.ports.items : [];
  const named = specs.filter((s) => s.kind === "named");
  const fixed = portEntries(
    specs.filter((s) => s.kind !== "named"),
    undefined,
  );
  const parts = {
    ...(peers ? { peers } : {}),
    selectsNothing,
    perPodPorts: direction === "ingress" ? named : [],
    ...(fixed.length > 0 ? { fixedPorts: deps.sets.portSet(fixed) } : {}),
  };
  if (direction === "ingress" || named.length === 0 || selectsNothing) return parts;
  return { ...parts, endpoints: egressEndpoints(deps, policy, peerList, addrs, defKey, named) };
}

/**
 * The endpoint sets of an egress rule's named ports, by family; the tuples are computed once per
 * peer definition and port names (`deps.endpointTuples`), shared by every policy that has them.
 */
function egressEndpoints(
  deps: RulePartsDeps,
  policy: NetworkPolicy,
  peerList: readonly Peer[] | undefined,
  addrs: FamilyIntervals | undefined,
  defKey: string,
  named: readonly PortSpec[],
): NonNullable<RuleParts["endpoints"]> {
  const key = `${defKey} || named ${named
    .map((n) => (n.kind === "named" ? `${n.protocol}/${n.name}` : ""))
    .sort()
    .join(",")}`;
  let tuples = deps.endpointTuples.get(key);
  if (!tuples) {
    const candidates = peerList ? deps.peers.candidatePods(policy, peerList) : undefined;
    tuples = endpointTuples(deps, addrs, named, candidates);
    deps.endpointTuples.set(key, tuples);
  }
  return {
    ...(tuples.v4.length > 0 ? { v4: deps.sets.endpointPorts(key, "IPv4", tuples.v4) } : {}),
    ...(tuples.v6.length > 0 ? { v6: deps.sets.endpointPorts(key, "IPv6", tuples.v6) } : {}),
  };
}

/**
 * Egress named ports resolve against the destination pod: one tuple per (pod address inside the
 * peers, protocol, port) for every target pod declaring the name with that protocol. `candidates`
 * narrows the scan to the pods the peers select, when no ipBlock is among them.
 */
function endpointTuples(
  deps: RulePartsDeps,
  addrs: FamilyIntervals | undefined,
  named: readonly PortSpec[],
  candidates: readonly Pod[] | undefined,
): { v4: EndpointPortEntry[]; v6: EndpointPortEntry[] } {
  const v4: EndpointPortEntry[] = [];
  const v6: EndpointPortEntry[] = [];
  for (const spec of named) {
    if (spec.kind !== "named") continue;
    for (const pod of candidates ?? deps.podsByPortName.get(spec.name) ?? []) {
      for (const cp of pod.ports) {
        if (cp.name !== spec.name || cp.protocol !== spec.protocol) continue;
        for (const a of pod.ips) {
          const v4Family = a.family === "IPv4";
          if (addrs && !contains(v4Family ? addrs.v4 : addrs.v6, a.value)) continue;
          (v4Family ? v4 : v6).push({ addr: a.value, protocol: cp.protocol, port: cp.port });
        }
      }
    }
  }
  return { v4: sortEndpointEntries(v4), v6: sortEndpointEntries(v6) };
}

/** Sorts tuples by address, protocol and port, without duplicates (a set's canonical content). */
export function sortEndpointEntries(entries: EndpointPortEntry[]): EndpointPortEntry[] {
  const order = (x: EndpointPortEntry, y: EndpointPortEntry) =>
    x.addr < y.addr
      ? -1
      : x.addr > y.addr
        ? 1
        : x.protocol < y.protocol
          ? -1
          : x.protocol > y.protocol
            ? 1
            : x.port - y.port;
  return unique(entries.sort(order), order);
}

function unique<T>(sorted: T[], order: (a: T, b: T) => number): T[] {
  return sorted.filter((e, i) => i === 0 || order(sorted[i - 1] as T, e) !== 0);
}
