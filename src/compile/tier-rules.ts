/**
 * The pod-independent parts of a ClusterNetworkPolicy rule, computed once per rule and shared by
 * every tier chain holding it: the action the datapath takes (after netguard's fail-closed
 * readings), its counter, its peers as named address sets, its numeric ports as a port set, and its
 * `destinationNamedPort` names (egress: resolved here against the destination pods).
 */
import { assertNever } from "../base/assert-never.js";
import type { ClusterNetworkPolicy, CnpAction, CnpPeer, CnpRule } from "../k8s/cnp-model.js";
import type { Direction, Node, Peer, Pod } from "../k8s/model.js";
import { contains, type Interval, normalize } from "../net/interval.js";
import { identifierOf } from "../nft/identifier.js";
import { selectorKey, selectorMatches } from "../policy/selector.js";
import type { AddressSet, EndpointPortEntry, EndpointPortSet, PortEntry, PortSet } from "./ir.js";
import { type FamilyIntervals, peerKey } from "./peer-addresses.js";
import { normalizePorts } from "./ports.js";
import { type RulePartsDeps, sortEndpointEntries } from "./rule-parts.js";
import type { SharedSet } from "./shared-sets.js";

/** A pair of per-family sets; a family without addresses has none. */
export interface FamilySets<T> {
  readonly v4?: SharedSet<T>;
  readonly v6?: SharedSet<T>;
}

/** The compiled form of one ClusterNetworkPolicy rule, before it is placed in a chain. */
export type TierRuleParts =
  /** Matches no traffic (an Accept rule failing closed, or peers selecting no address): emits nothing. */
  | { readonly kind: "nothing" }
  /** `peers` any and ports any, action Deny: a Deny or Pass rule read fail-closed as "Deny all". */
  | { readonly kind: "deny-all"; readonly counter: string }
  | {
      readonly kind: "match";
      readonly action: CnpAction;
      readonly counter: string;
      readonly peers: FamilySets<AddressSet>;
      /** Absent `protocols`: every protocol and port. */
      readonly anyPorts: boolean;
      /** The `tcp`/`udp`/`sctp` entries, when there are any. */
      readonly portSet?: SharedSet<PortSet>;
      /** `destinationNamedPort` names, sorted, without duplicates. */
      readonly named: readonly string[];
      /** Egress named ports: the destination pods inside the peers declaring one of `named`. */
      readonly endpoints?: FamilySets<EndpointPortSet>;
    };

/** What computing tier rule parts needs: NetworkPolicy's deps, plus Node addresses for `nodes` peers. */
export interface TierRuleDeps extends RulePartsDeps {
  /** `status.addresses` of the Nodes a `nodes` peer's selector matches, as intervals per family. */
  selectedNodes(selector: CnpNodeSelector): FamilyIntervals;
}

/** The selector of a `nodes` peer. */
export type CnpNodeSelector = Extract<CnpPeer, { kind: "nodes" }>["nodes"];

/** The rules of one policy and direction, as `parts` per rule (memoised in `memo`). */
export function tierRuleParts(
  deps: TierRuleDeps,
  memo: Map<CnpRule, TierRuleParts>,
  policy: ClusterNetworkPolicy,
  direction: Direction,
): TierRuleParts[] {
  const rules = direction === "ingress" ? policy.ingress : policy.egress;
  const first = rules[0];
  if (first && !memo.has(first)) {
    const counters = counterNames(policy, direction);
    rules.forEach((r, i) => memo.set(r, partsOf(deps, policy, r, direction, counters[i] as string)));
  }
  return rules.map((r) => memo.get(r) as TierRuleParts);
}

/**
 * The named counter of each rule: `cnp/<policy>/<in|out>/<rule name or index>` ("counters per rule,
 * named after the policy and rule `name` where the API gives one"). Rules whose key collides (two
 * equal names, or a name equal to an unnamed rule's index) add their index, so every rule counts alone.
 */
export function counterNames(policy: ClusterNetworkPolicy, direction: Direction): string[] {
  const rules = direction === "ingress" ? policy.ingress : policy.egress;
  const dir = direction === "ingress" ? "in" : "out";
  const keys = rules.map((r) => r.name ?? String(r.index));
  const seen = new Map<string, number>();
  for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
  return rules.map((r, i) => {
    const key = keys[i] as string;
    const parts = ["cnp", policy.name, dir, key];
    return identifierOf((seen.get(key) ?? 0) > 1 ? [...parts, String(r.index)] : parts);
  });
}

function partsOf(
  deps: TierRuleDeps,
  policy: ClusterNetworkPolicy,
  rule: CnpRule,
  direction: Direction,
  counter: string,
): TierRuleParts {
  const action = datapathAction(policy, rule);
  if (action === "nothing") return { kind: "nothing" };
  if (action === "deny-all") return { kind: "deny-all", counter };
  const { defKey, addrs, pods } = resolvePeers(deps, rule.peers);
  const peers: FamilySets<AddressSet> = {
    ...(addrs.v4.length > 0 ? { v4: deps.sets.address(defKey, "IPv4", addrs.v4) } : {}),
    ...(addrs.v6.length > 0 ? { v6: deps.sets.address(defKey, "IPv6", addrs.v6) } : {}),
  };
  if (!peers.v4 && !peers.v6) return { kind: "nothing" };
  const items = rule.protocols.kind === "list" ? rule.protocols.items : [];
  const entries: PortEntry[] = [];
  for (const p of items)
    if (p.kind === "range") entries.push({ protocol: p.protocol, from: p.from, to: p.to });
  const ranges = normalizePorts(entries);
  const named = [...new Set(items.flatMap((p) => (p.kind === "named" ? [p.name] : [])))].sort();
  const base = {
    kind: "match" as const,
    action,
    counter,
    peers,
    anyPorts: rule.protocols.kind === "any",
    ...(ranges.length > 0 ? { portSet: deps.sets.portSet(ranges) } : {}),
    named,
  };
  if (direction === "ingress" || named.length === 0) return base;
  return { ...base, endpoints: egressEndpoints(deps, defKey, addrs, pods, named) };
}

/**
 * The action the datapath takes for a rule, as `matchCnpRule` and `unknownSubjectAction` read it:
 * "For "Accept" rules, "fail closed" means: "treat the rule as matching no traffic". For "Deny" and
 * "Pass" rules, "fail closed" means: "treat the rule as a 'Deny all' rule"". A policy whose subject
 * netguard cannot read selects every pod; its Accept rules match nothing and its Pass rules deny.
 */
export function datapathAction(
  policy: ClusterNetworkPolicy,
  rule: CnpRule,
): CnpAction | "nothing" | "deny-all" {
  if (rule.peers.some((p) => p.kind === "unsupported"))
    return rule.action === "Accept" ? "nothing" : "deny-all";
  if (policy.subject.kind !== "unknown") return rule.action;
  return rule.action === "Accept" ? "nothing" : "Deny";
}

/** Every peer's addresses, the definition key naming their set, and (when only pods, on demand) the candidate pods. */
function resolvePeers(
  deps: TierRuleDeps,
  peers: readonly CnpPeer[],
): { defKey: string; addrs: FamilyIntervals; pods: () => readonly Pod[] | undefined } {
  const npPeers: Peer[] = [];
  const keys: string[] = [];
  const extra: FamilyIntervals[] = [];
  for (const p of peers) {
    const np = asNetworkPolicyPeers(p);
    for (const n of np) keys.push(peerKey(CLUSTER_SCOPED, n));
    npPeers.push(...np);
    if (p.kind === "nodes") {
      keys.push(`nodes nodeSel={${selectorKey(p.nodes)}}`);
      extra.push(deps.selectedNodes(p.nodes));
    }
  }
  const resolved = npPeers.length > 0 ? deps.peers.resolve(CLUSTER_SCOPED, npPeers) : { v4: [], v6: [] };
  const all = [resolved, ...extra];
  const addrs: FamilyIntervals = {
    v4: normalize(all.flatMap((a) => a.v4)),
    v6: normalize(all.flatMap((a) => a.v6)),
  };
  const onlyPods = extra.length === 0 && npPeers.every((p) => p.kind === "pods");
  const pods = () => (onlyPods ? deps.peers.candidatePods(CLUSTER_SCOPED, npPeers) : undefined);
  return { defKey: [...new Set(keys)].sort().join(" | "), addrs, pods };
}

/** ClusterNetworkPolicy peers name their namespaces: no peer of theirs is `own`. */
const CLUSTER_SCOPED = { namespace: "" } as const;
const EVERY_POD = { matchLabels: {}, matchExpressions: [] };

/**
 * A peer as the NetworkPolicy peers that select the same addresses: `namespaces` is every pod of the
 * namespaces, `pods` pods in them, `networks` one ipBlock per CIDR ("cluster-internal traffic will be
 * checked against the rule as well"). `nodes` and `unsupported` have none.
 */
function asNetworkPolicyPeers(p: CnpPeer): Peer[] {
  const index = p.index;
  switch (p.kind) {
    case "namespaces":
      return [
        { kind: "pods", namespaces: { kind: "matching", selector: p.namespaces }, pods: EVERY_POD, index },
      ];
    case "pods":
      return [
        { kind: "pods", namespaces: { kind: "matching", selector: p.namespaces }, pods: p.pods, index },
      ];
    case "networks":
      return p.cidrs.map((cidr) => ({ kind: "ipBlock", cidr, except: [], index }));
    case "nodes":
    case "unsupported":
      return [];
    default:
      return assertNever(p);
  }
}

/**
 * `destinationNamedPort` on egress: "resolves against the destination pod's container ports" (by name;
 * the protocol is the container port's). One tuple per address inside the peers of each pod declaring
 * the name. Memoised per peer definition and names (`deps.endpointTuples`).
 */
function egressEndpoints(
  deps: TierRuleDeps,
  defKey: string,
  addrs: FamilyIntervals,
  candidates: () => readonly Pod[] | undefined,
  named: readonly string[],
): FamilySets<EndpointPortSet> {
  const key = `${defKey} || cnp named ${named.join(",")}`;
  let tuples = deps.endpointTuples.get(key);
  if (!tuples) {
    const pods = candidates() ?? [...new Set(named.flatMap((n) => deps.podsByPortName.get(n) ?? []))];
    tuples = namedPortTuples(pods, named, addrs);
    deps.endpointTuples.set(key, tuples);
  }
  return {
    ...(tuples.v4.length > 0 ? { v4: deps.sets.endpointPorts(key, "IPv4", tuples.v4) } : {}),
    ...(tuples.v6.length > 0 ? { v6: deps.sets.endpointPorts(key, "IPv6", tuples.v6) } : {}),
  };
}

/** `address . protocol . port` of every container port of `pods` named one of `named`, addresses inside `within`. */
export function namedPortTuples(
  pods: readonly Pod[],
  named: readonly string[],
  within: FamilyIntervals | undefined,
): { v4: EndpointPortEntry[]; v6: EndpointPortEntry[] } {
  const v4: EndpointPortEntry[] = [];
  const v6: EndpointPortEntry[] = [];
  const inside = (ivs: readonly Interval[], a: bigint) => !within || contains(ivs, a);
  for (const pod of pods) {
    for (const cp of pod.ports) {
      if (cp.name === undefined || !named.includes(cp.name)) continue;
      for (const a of pod.ips) {
        const isV4 = a.family === "IPv4";
        if (!inside(isV4 ? (within?.v4 ?? []) : (within?.v6 ?? []), a.value)) continue;
        (isV4 ? v4 : v6).push({ addr: a.value, protocol: cp.protocol, port: cp.port });
      }
    }
  }
  return { v4: sortEndpointEntries(v4), v6: sortEndpointEntries(v6) };
}

/** Addresses of Nodes whose labels a `nodes` selector matches (`status.addresses`, not pod-CIDR gateways). */
export function selectedNodeIntervals(nodes: Iterable<Node>, selector: CnpNodeSelector): FamilyIntervals {
  const v4: Interval[] = [];
  const v6: Interval[] = [];
  for (const node of nodes) {
    if (!selectorMatches(selector, node.labels)) continue;
    for (const a of node.addresses) (a.family === "IPv4" ? v4 : v6).push({ lo: a.value, hi: a.value });
  }
  return { v4: normalize(v4), v6: normalize(v6) };
}
