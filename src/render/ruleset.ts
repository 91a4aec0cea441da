/**
 * Renders one node's compiled rules (IR) to netguard's two nftables tables.
 *
 * `inet netguard` holds the stateful policy on the forward hook: link-scope traffic between pods
 * (link-local, multicast, broadcast: addresses no policy can place) is decided first and passes only
 * as neighbour discovery; then established/related traffic is accepted; the source pod's egress
 * and then the destination pod's ingress are looked up in verdict maps keyed by pod address, so the
 * per-packet cost does not grow with the number of pods. Egress chains `return` on an allowance (so
 * the destination's ingress is still checked) and drop at the end; ingress chains accept or drop.
 * Pods that are not isolated map to `continue` (egress) or `accept` (ingress). Every drop has a
 * named counter.
 *
 * `bridge netguard` (bridge.ts) holds anti-spoofing per veth and link-scope filtering between ports.
 * Every name in a table is unique (checked: a duplicate would merge two pods' rules).
 */
import { byFirst, byName } from "../base/compare.js";
import { assertNever } from "../base/assert-never.js";
import type { IrRule, LocalPod, NodeRules, PodChain } from "../compile/ir.js";
import type { Direction } from "../k8s/model.js";
import type { Family } from "../net/address.js";
import { formatAddr } from "../net/address.js";
import { identifierOf } from "../nft/identifier.js";
import type { ChainSpec, MapSpec, SetSpec, TableSpec } from "../nft/model.js";
import { checkUniqueNames } from "../nft/unique.js";
import { renderBridge } from "./bridge.js";
import {
  addressListSpec,
  addressSetSpec,
  cidrSetSpec,
  endpointSetSpec,
  ipWord,
  portSetSpec,
} from "./elements.js";
import { GROUP4_SET, LINK6_SET, LINK_SCOPE_COUNTER, ND_TYPES_SET, linkScopeRules } from "./link-scope.js";

/** Both tables for one node. */
export interface NodeRuleset {
  readonly inet: TableSpec;
  readonly bridge: TableSpec;
  /**
   * Whose drops each per-pod counter of `inet netguard` counts, by counter name: names of long
   * pods are shortened with a hash, so they cannot be read back as `namespace/name`.
   */
  readonly counterOwners: ReadonlyMap<string, CounterOwner>;
}

/** The pod (`namespace/name`) and direction a drop counter belongs to. */
export interface CounterOwner {
  readonly pod: string;
  readonly direction: Direction;
}

/** What the renderer needs besides the IR: each local pod's host-side veth, when known. */
export interface RenderOptions {
  readonly interfaces?: ReadonlyMap<string, string>;
}

/** The chain name of a pod's direction, e.g. `in/shop/web-1`. */
export function podChainName(ref: string, direction: Direction): string {
  return identifierOf([direction === "ingress" ? "in" : "out", ...ref.split("/")]);
}

/** The named counter of a pod's default-deny drop, e.g. `drop/in/shop/web-1`. */
export function dropCounterName(ref: string, direction: Direction): string {
  return identifierOf(["drop", direction === "ingress" ? "in" : "out", ...ref.split("/")]);
}

/** Renders the node's ruleset. Deterministic: same IR, same tables. */
export function renderNode(rules: NodeRules, opts: RenderOptions = {}): NodeRuleset {
  const counterOwners = new Map<string, CounterOwner>();
  const inet = checkUniqueNames(renderInet(rules, counterOwners));
  const bridge = checkUniqueNames(renderBridge(rules, opts.interfaces ?? new Map()));
  return { inet, bridge, counterOwners };
}

function renderInet(r: NodeRules, owners: Map<string, CounterOwner>): TableSpec {
  const { chains, counters, maps } = podChains(r, owners);
  chains.sort(byName).push(forwardChain());
  counters.push("unprogrammed", LINK_SCOPE_COUNTER);
  const mapSpecs: MapSpec[] = (["egress4", "egress6", "ingress4", "ingress6"] as const).map((name) => ({
    name,
    keyType: name.endsWith("4") ? "ipv4_addr" : "ipv6_addr",
    interval: false,
    elements: new Map([...maps[name]].sort(byFirst)),
  }));
  return {
    family: "inet",
    name: "netguard",
    sets: inetSets(r),
    maps: mapSpecs,
    counters: counters.sort(),
    chains,
  };
}

/** The sets of `inet netguard`, by name: the IR's shared sets, node and local addresses, pod CIDRs. */
function inetSets(r: NodeRules): SetSpec[] {
  return [
    ...r.addressSets.map(addressSetSpec),
    ...r.portSets.map(portSetSpec),
    ...r.endpointPortSets.map(endpointSetSpec),
    addressListSpec("node4", "IPv4", r.nodeAddresses),
    addressListSpec("node6", "IPv6", r.nodeAddresses),
    addressListSpec(
      "local4",
      "IPv4",
      r.pods.flatMap((p) => p.addrs),
    ),
    addressListSpec(
      "local6",
      "IPv6",
      r.pods.flatMap((p) => p.addrs),
    ),
    cidrSetSpec("podcidr4", "IPv4", r.podCIDRs),
    cidrSetSpec("podcidr6", "IPv6", r.podCIDRs),
    GROUP4_SET,
    LINK6_SET,
    ND_TYPES_SET,
  ].sort(byName);
}

/** The verdict maps' elements (pod address → dispatch verdict), by map name. */
type VerdictMaps = Record<"ingress4" | "ingress6" | "egress4" | "egress6", Map<string, string>>;

/**
 * Each local pod's dispatch in the verdict maps, and for each isolated direction its chain and
 * named drop counter (whose owner goes to `owners`). Chains and counters in pod order.
 */
function podChains(
  r: NodeRules,
  owners: Map<string, CounterOwner>,
): { chains: ChainSpec[]; counters: string[]; maps: VerdictMaps } {
  const chains: ChainSpec[] = [];
  const counters: string[] = [];
  const maps: VerdictMaps = {
    ingress4: new Map<string, string>(),
    ingress6: new Map<string, string>(),
    egress4: new Map<string, string>(),
    egress6: new Map<string, string>(),
  };
  for (const pod of r.pods) {
    for (const direction of ["ingress", "egress"] as const) {
      const chain = direction === "ingress" ? pod.ingress : pod.egress;
      const verdict = dispatch(pod, direction, chain);
      for (const a of pod.addrs)
        maps[`${direction}${a.family === "IPv4" ? "4" : "6"}`].set(formatAddr(a), verdict);
      if (chain.kind === "isolated") {
        chains.push(podChain(pod, direction, chain));
        counters.push(dropCounterName(pod.ref, direction));
        owners.set(dropCounterName(pod.ref, direction), { pod: pod.ref, direction });
      }
    }
  }
  return { chains, counters, maps };
}

function dispatch(pod: LocalPod, direction: Direction, chain: PodChain): string {
  switch (chain.kind) {
    case "open":
      return direction === "ingress" ? "accept" : "continue";
    case "isolated":
      return `jump ${podChainName(pod.ref, direction)}`;
    default:
      return assertNever(chain);
  }
}

function podChain(
  pod: LocalPod,
  direction: Direction,
  chain: Extract<PodChain, { kind: "isolated" }>,
): ChainSpec {
  const verdict = direction === "ingress" ? "accept" : "return";
  const peer = direction === "ingress" ? "saddr" : "daddr";
  const rules = chain.rules.flatMap((rule) => ruleLines(rule, peer, verdict));
  rules.push(`counter name ${dropCounterName(pod.ref, direction)} drop`);
  return { name: podChainName(pod.ref, direction), rules };
}

function ruleLines(rule: IrRule, peer: "saddr" | "daddr", verdict: string): string[] {
  switch (rule.kind) {
    case "allow": {
      const ports = rule.ports.kind === "any" ? "" : `meta l4proto . th dport @${rule.ports.set} `;
      if (rule.peers.kind === "any") return [`${ports}${verdict}`];
      const bySet: Array<[Family, string | undefined]> = [
        ["IPv4", rule.peers.v4],
        ["IPv6", rule.peers.v6],
      ];
      return bySet.filter(([, s]) => s).map(([f, s]) => `${ipWord(f)} ${peer} @${s} ${ports}${verdict}`);
    }
    case "allow-endpoint-ports": {
      const bySet: Array<[Family, string | undefined]> = [
        ["IPv4", rule.v4],
        ["IPv6", rule.v6],
      ];
      return bySet
        .filter(([, s]) => s)
        .map(([f, s]) => `${ipWord(f)} daddr . meta l4proto . th dport @${s} ${verdict}`);
    }
    default:
      return assertNever(rule);
  }
}

function forwardChain(): ChainSpec {
  return {
    name: "forward",
    base: { type: "filter", hook: "forward", priority: "filter", policy: "accept" },
    rules: [
      // Addresses no policy can place, between pods (routed traffic never carries them): first.
      `ip daddr @${GROUP4_SET.name} counter name ${LINK_SCOPE_COUNTER} drop`,
      ...linkScopeRules(""),
      "ct state established,related accept",
      "ct state invalid drop",
      "ip saddr @node4 accept",
      "ip6 saddr @node6 accept",
      // Fail closed: a pod-CIDR address that belongs to no programmed pod can neither send nor receive.
      "ip saddr @podcidr4 ip saddr != @local4 counter name unprogrammed drop",
      "ip6 saddr @podcidr6 ip6 saddr != @local6 counter name unprogrammed drop",
      "ip daddr @podcidr4 ip daddr != @local4 counter name unprogrammed drop",
      "ip6 daddr @podcidr6 ip6 daddr != @local6 counter name unprogrammed drop",
      "ip saddr vmap @egress4",
      "ip6 saddr vmap @egress6",
      "ip daddr vmap @ingress4",
      "ip6 daddr vmap @ingress6",
    ],
  };
}
