/**
 * `cnp-same-priority-overlap`: two ClusterNetworkPolicies of one tier at the same `spec.priority`
 * whose rules can match the same traffic with different actions. The API leaves their order open:
 * "If two (or more) policies with the same priority could potentially match a connection, the
 * implementation can apply any of the matching policies" — so the verdict depends on the
 * implementation (netguard takes them by name). Equal actions give the same verdict either way and
 * are not reported.
 */
import { type Issue, warning } from "../../issue/issue.js";
import type { ClusterNetworkPolicy, CnpRule } from "../../k8s/cnp-model.js";
import {
  type CnpLintContext,
  type CnpRuleSite,
  cnpRules,
  DIRECTIONS,
  ruleName,
  subjectPodSet,
  subjectPods,
} from "./cnp-context.js";
import { rulesMayOverlap, subjectsMayOverlap } from "./cnp-traffic.js";

/**
 * Whether some pod may be selected by both subjects: in some cluster, and, when the view holds pods,
 * in the view (a view without pods says nothing about which pods the subjects share).
 */
function shareSubjectPods(ctx: CnpLintContext, a: ClusterNetworkPolicy, b: ClusterNetworkPolicy): boolean {
  if (a.subject.kind === "unknown" || b.subject.kind === "unknown") return false; // an error already
  if (!subjectsMayOverlap(a.subject, b.subject)) return false;
  if (!ctx.view || ctx.view.targets.length === 0) return true;
  const inB = subjectPodSet(ctx.view, b, ctx.memo);
  return subjectPods(ctx.view, a, ctx.memo).some((pod) => inB.has(pod));
}

/** The first pair of rules (self's, other's) of one direction that may match one packet differently. */
function conflict(
  self: ClusterNetworkPolicy,
  other: ClusterNetworkPolicy,
): [CnpRuleSite, CnpRuleSite] | undefined {
  const differ = (a: CnpRule, b: CnpRule) => a.action !== b.action && rulesMayOverlap(a, b);
  for (const direction of DIRECTIONS) {
    for (const a of cnpRules(self, direction)) {
      const b = cnpRules(other, direction).find((s) => differ(a.rule, s.rule));
      if (b) return [a, b];
    }
  }
  return undefined;
}

/**
 * Reports `self` against every other policy of its tier and priority; a pair read from the input
 * is reported once, on the policy netguard evaluates second (the later name).
 */
export function lintSamePriorityOverlap(self: ClusterNetworkPolicy, ctx: CnpLintContext): Issue[] {
  const out: Issue[] = [];
  for (const other of ctx.policies) {
    if (other.name === self.name || other.tier !== self.tier || other.priority !== self.priority) continue;
    if (ctx.inInput.has(other.name) && other.name > self.name) continue;
    if (!shareSubjectPods(ctx, self, other)) continue;
    const pair = conflict(self, other);
    if (!pair) continue;
    const [mine, theirs] = pair;
    const first = self.name < other.name ? self.name : other.name;
    out.push(
      warning(
        "cnp-same-priority-overlap",
        mine.path,
        `${ruleName(mine)} (${mine.rule.action}) and ${ruleName(theirs)} (${theirs.rule.action}) of ClusterNetworkPolicy ${other.name} can match the same traffic of pods both select, and both policies are ${self.tier} at priority ${self.priority}: the API leaves the order of equal priorities undefined ("the implementation can apply any of the matching policies"), so the verdict depends on the implementation (netguard applies ${first} first, by name); give them different priorities`,
      ),
    );
  }
  return out;
}
