/**
 * Each local pod's chains of `inet netguard` and its entries in the verdict maps. Per pod and
 * direction, the chain runs (the brief's "Datapath semantics of tiers", in the ClusterNetworkPolicy
 * evaluation order Admin → NetworkPolicy → Baseline → allow):
 *
 * 1. `jump` to the pod's Admin tier chain, when one selects it (tiers.ts): Accept and Deny decide
 *    there, Pass and no match come back.
 * 2. The NetworkPolicy part, when a NetworkPolicy isolates the pod: its allow rules (`accept` for
 *    ingress; `return` for egress, so the destination's ingress is still checked), then the counted
 *    drop. Final either way: Baseline is not consulted for an isolated pod.
 * 3. Otherwise `jump` to the pod's Baseline tier chain, when one selects it, and then the default:
 *    allowed (`accept` for ingress, `return` to the forward chain's ingress dispatch for egress).
 *
 * A pod that is neither isolated nor selected by a tier in a direction has no chain for it and maps
 * to `continue` (egress) or `accept` (ingress): a NetworkPolicy-only node renders as it always has.
 */
import { assertNever } from "../base/assert-never.js";
import type {
  AddrMatch,
  IrRule,
  LocalPod,
  NodeRules,
  PodChain,
  TierChain,
  TierPortMatch,
} from "../compile/ir.js";
import type { Direction } from "../k8s/model.js";
import { formatAddr } from "../net/address.js";
import { identifierOf } from "../nft/identifier.js";
import type { ChainSpec } from "../nft/model.js";
import { matchLines } from "./rule-match.js";
import { podTierChains } from "./tiers.js";

/** The pod (`namespace/name`) and direction a drop counter belongs to. */
export interface CounterOwner {
  readonly pod: string;
  readonly direction: Direction;
}

/** The chain name of a pod's direction, e.g. `in/shop/web-1`. */
export function podChainName(ref: string, direction: Direction): string {
  return identifierOf([direction === "ingress" ? "in" : "out", ...ref.split("/")]);
}

/** The named counter of a pod's default-deny drop, e.g. `drop/in/shop/web-1`. */
export function dropCounterName(ref: string, direction: Direction): string {
  return identifierOf(["drop", direction === "ingress" ? "in" : "out", ...ref.split("/")]);
}

/** The verdict maps' elements (pod address → dispatch verdict), by map name. */
export type VerdictMaps = Record<"ingress4" | "ingress6" | "egress4" | "egress6", Map<string, string>>;

/** The tier chains a pod's chain jumps to in one direction. */
type Tiers = ReturnType<typeof podTierChains>;

/**
 * Each local pod's dispatch in the verdict maps, and for each direction it has a chain in, the
 * chain and (when isolated) its named drop counter, whose owner goes to `owners`. Pod order.
 */
export function podChains(
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
  const tierChains = new Map<string, TierChain>(r.tierChains.map((c) => [c.name, c]));
  for (const pod of r.pods) {
    for (const direction of ["ingress", "egress"] as const) {
      const chain = direction === "ingress" ? pod.ingress : pod.egress;
      const tiers = podTierChains(pod, direction, tierChains);
      const own = chain.kind === "isolated" || tiers.admin !== undefined || tiers.baseline !== undefined;
      const verdict = own ? `jump ${podChainName(pod.ref, direction)}` : openVerdict(direction);
      for (const a of pod.addrs)
        maps[`${direction}${a.family === "IPv4" ? "4" : "6"}`].set(formatAddr(a), verdict);
      if (own) chains.push(podChain(pod, direction, chain, tiers));
      if (chain.kind === "isolated") {
        counters.push(dropCounterName(pod.ref, direction));
        owners.set(dropCounterName(pod.ref, direction), { pod: pod.ref, direction });
      }
    }
  }
  return { chains, counters, maps };
}

/** What a pod that no policy of any tier selects in a direction is given: everything passes. */
function openVerdict(direction: Direction): string {
  return direction === "ingress" ? "accept" : "continue";
}

function podChain(pod: LocalPod, direction: Direction, chain: PodChain, tiers: Tiers): ChainSpec {
  const rules: string[] = [];
  if (tiers.admin !== undefined) rules.push(`jump ${tiers.admin}`);
  switch (chain.kind) {
    case "isolated": {
      const verdict = direction === "ingress" ? "accept" : "return";
      const peer = direction === "ingress" ? "saddr" : "daddr";
      for (const rule of chain.rules) rules.push(...ruleLines(rule, peer, verdict));
      rules.push(`counter name ${dropCounterName(pod.ref, direction)} drop`);
      break;
    }
    case "open":
      if (tiers.baseline !== undefined) rules.push(`jump ${tiers.baseline}`);
      rules.push(direction === "ingress" ? "accept" : "return");
      break;
    default:
      return assertNever(chain);
  }
  return { name: podChainName(pod.ref, direction), rules };
}

function ruleLines(rule: IrRule, peer: "saddr" | "daddr", verdict: string): string[] {
  const lines = (peers: AddrMatch, ports: TierPortMatch) =>
    matchLines(peers, ports, peer).map((m) => (m === "" ? verdict : `${m} ${verdict}`));
  switch (rule.kind) {
    case "allow":
      return lines(rule.peers, rule.ports);
    case "allow-endpoint-ports":
      return lines({ kind: "any" }, { kind: "endpoints", ...families(rule) });
    default:
      return assertNever(rule);
  }
}

function families(m: { readonly v4?: string; readonly v6?: string }) {
  return { ...(m.v4 ? { v4: m.v4 } : {}), ...(m.v6 ? { v6: m.v6 } : {}) };
}
