/**
 * Runs compiled NodeRules on a packet the way the nftables datapath will (forward hook of each node
 * the packet crosses), so the IR can be checked against the reference evaluator without a kernel.
 *
 * On a node: traffic from or to the node's own addresses never crosses the forward hook (accepted);
 * traffic from or to an address of the node's pod CIDRs that is no programmed pod is dropped;
 * a local source pod's egress side, then a local destination pod's ingress side, must each allow it.
 * A side runs the pod's Admin tier chain (the first matching rule decides: Accept allows the side,
 * Deny drops, Pass or no match goes on), then the NetworkPolicy chain when the pod is isolated (an
 * allow rule must match: final), else its Baseline tier chain (Deny drops), else allows.
 */
import { assertNever } from "../base/assert-never.js";
import type { Protocol } from "../k8s/model.js";
import { type Addr, addrKey } from "../net/address.js";
import { contains, type Interval } from "../net/interval.js";
import type { CnpAction } from "../k8s/cnp-model.js";
import type { Direction } from "../k8s/model.js";
import type {
  AddrMatch,
  IrRule,
  LocalPod,
  NodeRules,
  PodChain,
  PortEntry,
  TierChain,
  TierRule,
} from "./ir.js";
import { portEntriesContain } from "./ports.js";

/** A packet as the datapath sees it. */
export interface Packet {
  readonly src: Addr;
  readonly dst: Addr;
  readonly protocol: Protocol;
  readonly port: number;
}

/** A node's rules with lookup tables built once. */
export interface Interpreter {
  readonly rules: NodeRules;
  /** The verdict of this node's forward hook for a packet crossing it. */
  allows(p: Packet): boolean;
  /** True when the address belongs to a pod running on this node. */
  isLocal(a: Addr): boolean;
}

/** Builds an interpreter for one node's rules. */
export function interpreter(rules: NodeRules): Interpreter {
  const addrSets = new Map(rules.addressSets.map((s) => [s.name, s.intervals]));
  const portSets = new Map(rules.portSets.map((s) => [s.name, s.entries]));
  const endpointSets = new Map(
    rules.endpointPortSets.map((s) => [
      s.name,
      new Set(s.entries.map((e) => `${e.addr}.${e.protocol}.${e.port}`)),
    ]),
  );
  const podByAddr = new Map<string, LocalPod>();
  for (const pod of rules.pods) for (const a of pod.addrs) podByAddr.set(addrKey(a), pod);
  const own = new Set(rules.nodeAddresses.map(addrKey));
  const unprogrammed = (a: Addr) =>
    !podByAddr.has(addrKey(a)) &&
    rules.podCIDRs.some((c) => c.family === a.family && a.value >= c.range.lo && a.value <= c.range.hi);
  const tierChains = new Map(rules.tierChains.map((c) => [c.name, c]));
  const lookups: Lookups = { addrSets, portSets, endpointSets, tierChains };

  const allows = (p: Packet): boolean => {
    if (own.has(addrKey(p.src)) || own.has(addrKey(p.dst))) return true;
    if (unprogrammed(p.src) || unprogrammed(p.dst)) return false; // fail closed
    const src = podByAddr.get(addrKey(p.src));
    const dst = podByAddr.get(addrKey(p.dst));
    if (src && src === dst) return true; // never leaves the pod's network namespace
    if (src && !sideAllows(src, "egress", p.dst, p, lookups)) return false;
    if (dst && !sideAllows(dst, "ingress", p.src, p, lookups)) return false;
    return true;
  };
  return { rules, allows, isLocal: (a) => podByAddr.has(addrKey(a)) };
}

/**
 * The cluster-wide verdict: a packet passes when every node it crosses lets it through — the source
 * pod's node and the destination pod's node (one node when both are local to it).
 */
export function allowsInCluster(nodes: readonly Interpreter[], p: Packet): boolean {
  return nodes.every((n) => !(n.isLocal(p.src) || n.isLocal(p.dst)) || n.allows(p));
}

interface Lookups {
  readonly addrSets: ReadonlyMap<string, readonly Interval[]>;
  readonly portSets: ReadonlyMap<string, readonly PortEntry[]>;
  readonly endpointSets: ReadonlyMap<string, ReadonlySet<string>>;
  readonly tierChains: ReadonlyMap<string, TierChain>;
}

/** One pod's side: Admin tier, then NetworkPolicy (final when isolated), then Baseline, then allow. */
function sideAllows(pod: LocalPod, direction: Direction, peer: Addr, p: Packet, l: Lookups): boolean {
  const chain = direction === "ingress" ? pod.ingress : pod.egress;
  const tiers = pod.tiers?.[direction];
  const admin = tiers?.admin !== undefined ? runTier(need(l.tierChains, tiers.admin), peer, p, l) : undefined;
  if (admin === "Accept") return true;
  if (admin === "Deny") return false;
  if (chain.kind === "isolated") return chainAllows(chain, peer, p, l);
  const baseline =
    tiers?.baseline !== undefined ? runTier(need(l.tierChains, tiers.baseline), peer, p, l) : undefined;
  return baseline !== "Deny";
}

/** The action of the first rule of a tier chain that matches; undefined when none does. */
function runTier(chain: TierChain, peer: Addr, p: Packet, l: Lookups): CnpAction | undefined {
  return chain.rules.find((r) => tierRuleMatches(r, peer, p, l))?.action;
}

function tierRuleMatches(rule: TierRule, peer: Addr, p: Packet, l: Lookups): boolean {
  if (!peersMatch(rule.peers, peer, l)) return false;
  const ports = rule.ports;
  switch (ports.kind) {
    case "any":
      return true;
    case "set":
      return portEntriesContain(need(l.portSets, ports.set), p.protocol, p.port);
    case "endpoints":
      return endpointMatches(ports, p, l);
    default:
      return assertNever(ports);
  }
}

function peersMatch(peers: AddrMatch, peer: Addr, l: Lookups): boolean {
  if (peers.kind === "any") return true;
  const name = peer.family === "IPv4" ? peers.v4 : peers.v6;
  return !!name && contains(need(l.addrSets, name), peer.value);
}

/** `daddr . protocol . dport` in the family's endpoint set. */
function endpointMatches(
  sets: { readonly v4?: string; readonly v6?: string },
  p: Packet,
  l: Lookups,
): boolean {
  const name = p.dst.family === "IPv4" ? sets.v4 : sets.v6;
  return !!name && need(l.endpointSets, name).has(`${p.dst.value}.${p.protocol}.${p.port}`);
}

function chainAllows(chain: PodChain, peer: Addr, p: Packet, l: Lookups): boolean {
  switch (chain.kind) {
    case "open":
      return true;
    case "isolated":
      return chain.rules.some((r) => ruleMatches(r, peer, p, l));
    default:
      return assertNever(chain);
  }
}

function ruleMatches(rule: IrRule, peer: Addr, p: Packet, l: Lookups): boolean {
  switch (rule.kind) {
    case "allow":
      return (
        peersMatch(rule.peers, peer, l) &&
        (rule.ports.kind === "any" ||
          portEntriesContain(need(l.portSets, rule.ports.set), p.protocol, p.port))
      );
    case "allow-endpoint-ports":
      return endpointMatches(rule, p, l);
    default:
      return assertNever(rule);
  }
}

function need<T>(m: ReadonlyMap<string, T>, name: string): T {
  const v = m.get(name);
  if (v === undefined) throw new Error(`rule references unknown set ${name}`);
  return v;
}
