/**
 * One tier of ClusterNetworkPolicies for one pod and direction: the policies of the tier whose
 * subject selects the pod, by ascending `spec.priority`, each policy's rules of that direction in
 * written order; the first rule that matches decides.
 */
import type { ClusterNetworkPolicy, CnpTier } from "../k8s/cnp-model.js";
import type { Direction, Pod } from "../k8s/model.js";
import { type CnpMatchContext, matchCnpRule, subjectSelects, unknownSubjectAction } from "./cnp-match.js";
import type { CnpRuleHit, TierTrace } from "./cnp-verdict.js";
import type { RuleInput } from "./rule-match.js";

/**
 * The policies of `tier` in evaluation order. `spec.priority`: "Policies with lower priority values
 * have higher precedence". Equal priorities: "the implementation can apply any of the matching
 * policies to the connection" — netguard takes them by name, so the answer is deterministic.
 */
export function orderTier(cnps: readonly ClusterNetworkPolicy[], tier: CnpTier): ClusterNetworkPolicy[] {
  return cnps
    .filter((p) => p.tier === tier)
    .sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Walks one tier (`ordered` as `orderTier` returns it). `spec.ingress`/`spec.egress`: "The relative
 * precedence of ingress rules within a single CNP object (all of which share the priority) will be
 * determined by the order in which the rule is written"; "CNPs with no ingress rules do not affect
 * ingress traffic" — a policy matching nothing leaves the packet to what follows.
 */
export function walkTier(
  ctx: CnpMatchContext,
  ordered: readonly ClusterNetworkPolicy[],
  pod: Pod,
  direction: Direction,
  input: RuleInput,
): TierTrace {
  const policies: string[] = [];
  for (const policy of ordered) {
    if (!subjectSelects(ctx.index, policy.subject, pod)) continue;
    policies.push(policy.name);
    const hit = firstHit(ctx, policy, direction, input);
    if (hit) return { policies, hit };
  }
  return { policies };
}

function firstHit(
  ctx: CnpMatchContext,
  policy: ClusterNetworkPolicy,
  direction: Direction,
  input: RuleInput,
): CnpRuleHit | undefined {
  const list = direction === "ingress" ? "from" : "to";
  for (const rule of direction === "ingress" ? policy.ingress : policy.egress) {
    const written = matchCnpRule(ctx, rule, input);
    const match = written && policy.subject.kind === "unknown" ? unknownSubjectAction(written) : written;
    if (!match) continue;
    const path = `spec.${direction}[${rule.index}]`;
    return {
      policy: policy.name,
      tier: policy.tier,
      priority: policy.priority,
      rule: path,
      ...(rule.name !== undefined ? { name: rule.name } : {}),
      action: match.action,
      ...(match.peer !== undefined ? { peer: `${path}.${list}[${match.peer}]` } : {}),
      ...(match.port !== undefined ? { port: `${path}.protocols[${match.port}]` } : {}),
      ...(match.failClosed !== undefined ? { failClosed: match.failClosed } : {}),
    };
  }
  return undefined;
}
