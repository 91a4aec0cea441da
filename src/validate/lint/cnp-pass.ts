/**
 * `cnp-useless-pass`: a `Pass` rule where nothing it delegates to can decide. `Pass`: "Skips all
 * further ClusterNetworkPolicy rules in the current tier"; what follows the Admin tier is
 * NetworkPolicy (for the pods one isolates) then the Baseline tier, and what follows the Baseline
 * tier is only the default, which allows. So:
 *
 * - a Baseline Pass always ends in "allowed": it acts as Accept (when a later Baseline rule could
 *   deny the same traffic, it exempts that traffic from it), or, when no later Baseline rule could
 *   deny it, as no rule at all;
 * - an Admin Pass acts as Accept for a pod no NetworkPolicy isolates in that direction and no
 *   Baseline rule could deny: reported only with a cluster view, when that holds for every pod
 *   of the view its subject selects (the NetworkPolicies known are the input's and the view's).
 *
 * Rules read fail-closed (a Pass with an unsupported peer denies) are the decoder's errors.
 */
import { type Issue, warning } from "../../issue/issue.js";
import type { ClusterNetworkPolicy, CnpRule } from "../../k8s/cnp-model.js";
import { type Direction, type Pod, refOf } from "../../k8s/model.js";
import type { ClusterIndex } from "../../policy/cluster-index.js";
import {
  type CnpLintContext,
  type CnpRuleSite,
  cnpRules,
  DIRECTIONS,
  isolatingPolicies,
  policyName,
  ruleName,
  subjectPodSet,
  subjectPods,
} from "./cnp-context.js";
import { failsClosed, rulesMayOverlap, subjectsMayOverlap } from "./cnp-traffic.js";

/**
 * Whether `site` could deny traffic `pass` matches: a Deny rule that may overlap it, or a Pass read
 * as Deny (fail-closed: with an unsupported peer it denies everything; under an `unknown` subject
 * it denies what it matches).
 */
function mayDeny(site: CnpRuleSite, pass: CnpRule): boolean {
  const { rule } = site;
  if (failsClosed(rule)) return rule.action !== "Accept";
  const denies = rule.action === "Deny" || (rule.action === "Pass" && site.policy.subject.kind === "unknown");
  return denies && rulesMayOverlap(rule, pass);
}

/**
 * The first Baseline rule after `site` that could deny its traffic: later in its policy, or in a
 * Baseline policy that may come after it (a higher priority number, or the same one: either order).
 */
function laterBaselineDeny(site: CnpRuleSite, ctx: CnpLintContext): CnpRuleSite | undefined {
  const self = site.policy;
  const own = cnpRules(self, site.direction).filter((s) => s.rule.index > site.rule.index);
  const hit = own.find((s) => mayDeny(s, site.rule));
  if (hit) return hit;
  for (const other of ctx.policies) {
    if (other.tier !== "Baseline" || other.name === self.name || other.priority < self.priority) continue;
    if (!subjectsMayOverlap(other.subject, self.subject)) continue;
    const found = cnpRules(other, site.direction).find((s) => mayDeny(s, site.rule));
    if (found) return found;
  }
  return undefined;
}

function baselinePass(site: CnpRuleSite, ctx: CnpLintContext): Issue {
  const deny = laterBaselineDeny(site, ctx);
  const where = deny && (deny.policy === site.policy ? "" : ` of ${policyName(deny.policy)}`);
  const message = deny
    ? `${ruleName(site)} is a Pass in the Baseline tier, where only the default (allow) follows: it acts as Accept, exempting the traffic both match from ${ruleName(deny)}${where}; write Accept to say so`
    : `${ruleName(site)} is a Pass in the Baseline tier, where only the default (allow) follows, and no later Baseline rule could deny this traffic: it has the same effect as no rule; remove it, or write Accept if allowing is meant`;
  return warning("cnp-useless-pass", site.path, message);
}

/** Whether a Baseline rule could deny traffic `pass` matches, in `direction`, for one of `pods`. */
function baselineMayDeny(
  ctx: CnpLintContext,
  view: ClusterIndex,
  direction: Direction,
  pass: CnpRule,
  pods: readonly Pod[],
): boolean {
  return ctx.policies.some((p) => {
    if (p.tier !== "Baseline" || !cnpRules(p, direction).some((s) => mayDeny(s, pass))) return false;
    const selected = subjectPodSet(view, p, ctx.memo);
    return pods.some((pod) => selected.has(pod));
  });
}

function adminPass(site: CnpRuleSite, ctx: CnpLintContext, view: ClusterIndex): Issue | undefined {
  const pods = subjectPods(view, site.policy, ctx.memo);
  if (pods.length === 0) return undefined;
  const d = site.direction;
  if (pods.some((pod) => isolatingPolicies(view, pod, d, ctx.memo).length > 0)) return undefined;
  if (baselineMayDeny(ctx, view, d, site.rule, pods)) return undefined;
  const which = pods.length === 1 ? `pod ${refOf(pods[0] as Pod)}` : `${pods.length} pods`;
  return warning(
    "cnp-useless-pass",
    site.path,
    `${ruleName(site)} is a Pass, which delegates to NetworkPolicy and the Baseline tier, but in the cluster view no NetworkPolicy isolates the ${which} this policy selects for ${d} and no Baseline rule could deny this traffic: it acts as Accept (the default allows); write Accept, or add the NetworkPolicy or Baseline rule it should defer to`,
  );
}

/** The Pass rules of `self` that delegate to nothing that could decide. */
export function lintUselessPass(self: ClusterNetworkPolicy, ctx: CnpLintContext): Issue[] {
  if (self.subject.kind === "unknown") return [];
  const out: Issue[] = [];
  for (const direction of DIRECTIONS) {
    for (const site of cnpRules(self, direction)) {
      if (site.rule.action !== "Pass" || failsClosed(site.rule)) continue;
      if (self.tier === "Baseline") out.push(baselinePass(site, ctx));
      else if (ctx.view) {
        const issue = adminPass(site, ctx, ctx.view);
        if (issue) out.push(issue);
      }
    }
  }
  return out;
}
