/**
 * `cnp-rule-shadowed`: a ClusterNetworkPolicy rule that never decides anything, because a rule met
 * before it matches all of its traffic. Within a policy, "the relative precedence of ... rules
 * within a single CNP object ... will be determined by the order in which the rule is written";
 * across policies of a tier, "policies with lower priority values have higher precedence". The
 * first matching rule decides whatever its action (Pass too ends the tier), so a covered rule is
 * dead. Reported only when proved for every cluster (see cnp-traffic.ts `ruleCovers`).
 */
import { type Issue, warning } from "../../issue/issue.js";
import type { ClusterNetworkPolicy } from "../../k8s/cnp-model.js";
import {
  type CnpLintContext,
  type CnpRuleSite,
  cnpRules,
  DIRECTIONS,
  policyName,
  ruleName,
} from "./cnp-context.js";
import { failsClosed, ruleCovers, subjectCovers } from "./cnp-traffic.js";

/** The rule of a higher-precedence policy of the tier that covers `site`, for every pod `self` selects. */
function shadowInTier(
  self: ClusterNetworkPolicy,
  site: CnpRuleSite,
  ctx: CnpLintContext,
): CnpRuleSite | undefined {
  for (const other of ctx.policies) {
    if (other.tier !== self.tier || other.priority >= self.priority) continue;
    if (!subjectCovers(other.subject, self.subject)) continue;
    const hit = cnpRules(other, site.direction).find((e) => ruleCovers(e.rule, site.rule));
    if (hit) return hit;
  }
  return undefined;
}

/** The shadowed rules of `self`, each with the rule that shadows it. */
export function lintShadowedRules(self: ClusterNetworkPolicy, ctx: CnpLintContext): Issue[] {
  if (self.subject.kind === "unknown") return [];
  const out: Issue[] = [];
  for (const direction of DIRECTIONS) {
    const sites = cnpRules(self, direction);
    sites.forEach((site, i) => {
      if (failsClosed(site.rule)) return;
      const earlier = sites.slice(0, i).find((e) => ruleCovers(e.rule, site.rule));
      if (earlier) {
        out.push(
          warning(
            "cnp-rule-shadowed",
            site.path,
            `${ruleName(site)} never matches: ${ruleName(earlier)} (${earlier.rule.action}) before it in this policy matches all of its traffic (every peer and port), and the first matching rule decides, so none reaches it; remove it or move it above ${earlier.path}`,
          ),
        );
        return;
      }
      const other = shadowInTier(self, site, ctx);
      if (other) {
        out.push(
          warning(
            "cnp-rule-shadowed",
            site.path,
            `${ruleName(site)} never matches: ${policyName(other.policy)} comes first in the ${self.tier} tier, selects every pod this policy selects, and its ${ruleName(other)} (${other.rule.action}) matches all of this rule's traffic (every peer and port), so that policy ends the tier for it before this rule is reached`,
          ),
        );
      }
    });
  }
  return out;
}
