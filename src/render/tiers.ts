/**
 * The ClusterNetworkPolicy tiers of `inet netguard`: one regular chain per IR `TierChain` (shared by
 * every local pod the same policies select, named by the compiler after that set of policies, so a
 * priority or rule change refills the chain and leaves the pods' chains alone), the named counter
 * of every tier rule, and — when some egress tier chain exists — the `ingress_phase` chain that
 * egress Accept rules go to, so the destination's ingress still decides ("any ingress rules at the
 * destination do apply").
 *
 * A pod chain consults its tiers (pod-chains.ts): `jump` to the Admin chain first; a Deny drops,
 * an Accept accepts (ingress) or goes to `ingress_phase` (egress), a Pass or no match returns. Then
 * the NetworkPolicy part; then, only for a pod no NetworkPolicy isolates, `jump` to the Baseline chain.
 */
import { byName } from "../base/compare.js";
import type { LocalPod, NodeRules, TierChain } from "../compile/ir.js";
import type { CnpAction, CnpTier } from "../k8s/cnp-model.js";
import type { Direction } from "../k8s/model.js";
import { checkIdentifier } from "../nft/identifier.js";
import type { ChainSpec } from "../nft/model.js";
import { INGRESS_PHASE_CHAIN, tierRuleLines } from "./tier-rules.js";

/**
 * What a tier rule's named counter counts (for metrics: packets each ClusterNetworkPolicy rule
 * decided): the policy, the rule's path (`spec.egress[2]`) and `name` when it has one, its tier,
 * direction and action. Every packet a rule decides is counted, whatever its action.
 */
export interface RuleCounterOwner {
  readonly policy: string;
  readonly rule: string;
  readonly name?: string;
  readonly tier: CnpTier;
  readonly direction: Direction;
  readonly action: CnpAction;
}

/** The tier part of `inet netguard`: chains (sorted by name), counters, and who owns each counter. */
export interface TierParts {
  readonly chains: ChainSpec[];
  readonly counters: string[];
  readonly owners: Map<string, RuleCounterOwner>;
  /** Whether `ingress_phase` exists: the forward chain then goes to it for the ingress dispatch. */
  readonly ingressPhase: boolean;
}

/**
 * The tier chains of a node. A counter shared by rules of different origins (a compiler bug) keeps
 * the owner met first, in chain-name and rule order.
 */
export function renderTiers(r: NodeRules): TierParts {
  const chains: ChainSpec[] = [];
  const owners = new Map<string, RuleCounterOwner>();
  for (const chain of r.tierChains) {
    chains.push({ name: checkIdentifier(chain.name), rules: tierChainRules(chain) });
    for (const rule of chain.rules) {
      if (owners.has(rule.counter)) continue;
      const { policy, rule: path, name } = rule.origin;
      const owner = { policy, rule: path, tier: chain.tier, direction: chain.direction, action: rule.action };
      owners.set(rule.counter, name === undefined ? owner : { ...owner, name });
    }
  }
  const ingressPhase = r.tierChains.some((c) => c.direction === "egress");
  if (ingressPhase) chains.push(ingressPhaseChain());
  return { chains: chains.sort(byName), counters: [...owners.keys()], owners, ingressPhase };
}

/** A tier chain's rules: each TierRule's lines, in evaluation order. */
function tierChainRules(chain: TierChain): string[] {
  return chain.rules.flatMap((rule) => tierRuleLines(rule, chain.direction));
}

/** The destination's ingress dispatch: the local destination pod's ingress verdict, by address. */
export const INGRESS_DISPATCH: readonly string[] = ["ip daddr vmap @ingress4", "ip6 daddr vmap @ingress6"];

/**
 * The destination's ingress dispatch as a chain, reached by `goto` from the forward chain and from
 * egress tier Accept rules. It ends in `accept`: a chain reached by `goto` that falls off its end
 * would return to the chain that jumped before it (the source pod's chain), running its
 * NetworkPolicy part.
 */
function ingressPhaseChain(): ChainSpec {
  return {
    name: INGRESS_PHASE_CHAIN,
    rules: [...INGRESS_DISPATCH, "accept"],
  };
}

/**
 * The pod's tier chains in one direction, checked against the node's tier chains: a name the IR
 * does not hold, or a chain of another tier or direction, is a compiler bug (it would jump nowhere,
 * or let an egress Accept skip a destination's ingress check).
 */
export function podTierChains(
  pod: LocalPod,
  direction: Direction,
  byChainName: ReadonlyMap<string, TierChain>,
): { readonly admin?: string; readonly baseline?: string } {
  const tiers = pod.tiers?.[direction];
  const check = (name: string | undefined, tier: CnpTier): string | undefined => {
    if (name === undefined) return undefined;
    const chain = byChainName.get(name);
    if (chain === undefined) throw new Error(`pod ${pod.ref}: no tier chain ${name} (${tier}, ${direction})`);
    if (chain.tier !== tier || chain.direction !== direction)
      throw new Error(
        `pod ${pod.ref}: ${tier} ${direction} tier ${name} is a ${chain.tier} ${chain.direction} chain`,
      );
    return name;
  };
  const admin = check(tiers?.admin, "Admin");
  const baseline = check(tiers?.baseline, "Baseline");
  return { ...(admin === undefined ? {} : { admin }), ...(baseline === undefined ? {} : { baseline }) };
}
