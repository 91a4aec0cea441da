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
 * named counter. Pod chains: pod-chains.ts.
 *
 * ClusterNetworkPolicy tiers (tiers.ts) add shared tier chains the pod chains jump to, a named
 * counter per tier rule, and — when an egress tier chain exists — the `ingress_phase` chain: the
 * forward chain's ingress dispatch moves there, so an egress Accept in a tier chain (two chains
 * below the forward chain, where `return` cannot reach it) goes to the destination's ingress.
 * A node without tiers renders exactly as before they existed.
 *
 * `bridge netguard` (bridge.ts) holds anti-spoofing per veth and link-scope filtering between ports.
 * Every name in a table is unique (checked: a duplicate would merge two pods' rules).
 */
import { byFirst, byName } from "../base/compare.js";
import type { NodeRules } from "../compile/ir.js";
import type { ChainSpec, MapSpec, SetSpec, TableSpec } from "../nft/model.js";
import { checkUniqueNames } from "../nft/unique.js";
import { renderBridge } from "./bridge.js";
import { addressListSpec, addressSetSpec, cidrSetSpec, endpointSetSpec, portSetSpec } from "./elements.js";
import { GROUP4_SET, LINK6_SET, LINK_SCOPE_COUNTER, ND_TYPES_SET, linkScopeRules } from "./link-scope.js";
import { type CounterOwner, podChains } from "./pod-chains.js";
import { INGRESS_PHASE_CHAIN } from "./tier-rules.js";
import { INGRESS_DISPATCH, type RuleCounterOwner, renderTiers } from "./tiers.js";

export { type CounterOwner, dropCounterName, podChainName } from "./pod-chains.js";
export type { RuleCounterOwner } from "./tiers.js";

/** Both tables for one node. */
export interface NodeRuleset {
  readonly inet: TableSpec;
  readonly bridge: TableSpec;
  /**
   * Whose drops each per-pod counter of `inet netguard` counts, by counter name: names of long
   * pods are shortened with a hash, so they cannot be read back as `namespace/name`.
   */
  readonly counterOwners: ReadonlyMap<string, CounterOwner>;
  /**
   * What each ClusterNetworkPolicy rule counter counts, by counter name (the compiler's
   * `TierRule.counter`): policy, rule path and name, tier, direction and action. Unlike the drop
   * counters above, these count every packet the rule decided, accepted or passed ones included.
   */
  readonly ruleCounters: ReadonlyMap<string, RuleCounterOwner>;
}

/** What the renderer needs besides the IR: each local pod's host-side veth, when known. */
export interface RenderOptions {
  readonly interfaces?: ReadonlyMap<string, string>;
}

/** Renders the node's ruleset. Deterministic: same IR, same tables. */
export function renderNode(rules: NodeRules, opts: RenderOptions = {}): NodeRuleset {
  const counterOwners = new Map<string, CounterOwner>();
  const tiers = renderTiers(rules);
  const inet = checkUniqueNames(renderInet(rules, counterOwners, tiers));
  const bridge = checkUniqueNames(renderBridge(rules, opts.interfaces ?? new Map()));
  return { inet, bridge, counterOwners, ruleCounters: tiers.owners };
}

function renderInet(
  r: NodeRules,
  owners: Map<string, CounterOwner>,
  tiers: ReturnType<typeof renderTiers>,
): TableSpec {
  const { chains, counters, maps } = podChains(r, owners);
  chains.push(...tiers.chains);
  chains.sort(byName).push(forwardChain(tiers.ingressPhase));
  counters.push("unprogrammed", LINK_SCOPE_COUNTER, ...tiers.counters);
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

/**
 * The forward hook. Its ingress dispatch is its last rules, or, when `ingressPhase`, the
 * `ingress_phase` chain it goes to (egress tier Accept rules go there too; it ends in `accept`).
 */
function forwardChain(ingressPhase: boolean): ChainSpec {
  const ingressDispatch = ingressPhase ? [`goto ${INGRESS_PHASE_CHAIN}`] : INGRESS_DISPATCH;
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
      ...ingressDispatch,
    ],
  };
}
