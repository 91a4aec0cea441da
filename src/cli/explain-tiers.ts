/**
 * `explain` when the input holds ClusterNetworkPolicies (`policy.networking.k8s.io/v1alpha2`): per
 * direction, the tiers in the order `spec.tier` gives them — "Admin tier, NetworkPolicy tier,
 * Baseline tier" — then the default ("all pods can communicate with each other"), each with what it
 * consulted and whether it decided, from the reference evaluator's trace (policy/cnp-evaluate.ts).
 */
import { appendAll } from "../base/append-all.js";
import type { Direction } from "../k8s/model.js";
import { assertNever } from "../base/assert-never.js";
import type { ClusterNetworkPolicy, CnpTier } from "../k8s/cnp-model.js";
import { hitRule, type TieredPolicies } from "../policy/cnp-evaluate.js";
import type { CnpRuleHit, TieredSide, TieredVerdict, TierStep, TierTrace } from "../policy/cnp-verdict.js";
import type { SideVerdict } from "../policy/verdict.js";
import { entry, isolationLines, verdictText } from "./explain-text.js";

/** The human form of a tiered verdict: verdict, then egress and ingress tier by tier, then notes. */
export function tieredExplainText(
  v: TieredVerdict,
  tiers: TieredPolicies,
  notes: readonly string[],
  replicas: boolean,
): string {
  const priorities = new Map([...tiers.admin, ...tiers.baseline].map((p) => [p.name, p]));
  const side = (title: string, direction: Direction) => sideLines(title, v[direction], direction, priorities);
  return verdictText(v, replicas, side, notes);
}

type Policies = ReadonlyMap<string, ClusterNetworkPolicy>;

/** What decided, as the side's heading says it. */
function decider(step: TierStep): string {
  switch (step) {
    case "admin":
      return "the Admin tier";
    case "network-policy":
      return "NetworkPolicy";
    case "baseline":
      return "the Baseline tier";
    case "default":
      return "default (no tier decided)";
    case "not-a-pod":
      return "default";
    default:
      return assertNever(step);
  }
}

function sideLines(title: string, s: TieredSide, direction: Direction, policies: Policies): string[] {
  const np = s.networkPolicy;
  if (np.kind === "not-a-pod") return [`  ${title}: not checked (${np.reason})`];
  const verdict = s.allowed ? "allowed" : "DENIED";
  // "Accept ... any ingress rules at the destination do apply" (spec.egress[].action).
  const still =
    direction === "egress" && s.allowed && s.decidedBy === "admin"
      ? "; the destination's ingress still applies"
      : "";
  const afterAdmin = s.decidedBy === "admin" ? "not consulted (the Admin tier decided)" : undefined;
  const lines = [`  ${title}: ${entry(np.pod)}: ${verdict} by ${decider(s.decidedBy)}${still}`];
  appendAll(lines, tierLines("Admin", s.admin, policies));
  if (afterAdmin) lines.push(`    NetworkPolicy: ${afterAdmin}`);
  else appendAll(lines, networkPolicyLines(np));
  if (s.baseline) appendAll(lines, tierLines("Baseline", s.baseline, policies));
  else
    lines.push(
      `    Baseline tier: not consulted (${afterAdmin ? "the Admin tier decided" : "NetworkPolicy isolates the pod"})`,
    );
  if (s.decidedBy === "default")
    lines.push("    default: allowed (all pods can communicate with each other)");
  return lines;
}

/** The policies of a tier selecting the pod, in evaluation order up to the one whose rule decided, then that rule. */
function tierLines(tier: CnpTier, trace: TierTrace, policies: Policies): string[] {
  if (trace.policies.length === 0)
    return [`    ${tier} tier: no ${tier} ClusterNetworkPolicy selects the pod`];
  const named = trace.policies.map((name) => {
    const p = policies.get(name);
    return p ? `${name} (priority ${p.priority})` : name;
  });
  const head = `    ${tier} tier: consulted ${named.join(", ")}`;
  if (!trace.hit) return [head, "      no rule matches"];
  return [head, `      ${hitLine(trace.hit)}`];
}

/** `matched tenancy spec.egress[1] "no-cross-tenant" (to[0], protocols[0]): Deny`. */
function hitLine(hit: CnpRuleHit): string {
  const closed = hit.failClosed !== undefined ? ` (fail closed: ${hit.failClosed})` : "";
  const next = hit.tier === "Admin" ? "NetworkPolicy" : "the default";
  const effect = hit.action === "Pass" ? `, on to ${next}` : "";
  return `matched ${hit.policy} ${hitRule(hit)}${closed}: ${hit.action}${effect}`;
}

/** NetworkPolicy's answer, as the NetworkPolicy-only explanation words it. */
function networkPolicyLines(np: Extract<SideVerdict, { kind: "pod" }>): string[] {
  return isolationLines("    NetworkPolicy: ", np, "");
}
