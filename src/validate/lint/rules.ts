/**
 * Lints comparing the rules of one policy and direction: rules that add nothing (duplicates, rules
 * covered by a broader one) and rules that allow everything.
 */
import type { Issue } from "../../issue/issue.js";
import type { NetworkPolicy } from "../../k8s/model.js";
import { lint, ruleSites, type RuleSite } from "./context.js";
import { ruleCovers, ruleKey } from "./coverage.js";

/**
 * `empty-rule`: a rule with no peers and no ports (`{}`), which allows all traffic in its direction
 * ("If this field is empty or missing, this rule matches all sources/destinations").
 */
export function lintEmptyRules(policy: NetworkPolicy): Issue[] {
  return ruleSites(policy)
    .filter((s) => s.rule.peers.kind === "any" && s.rule.ports.kind === "any")
    .map((s) =>
      lint(
        "empty-rule",
        s.path,
        `This rule is empty: it allows all ${s.direction} traffic of the selected pods, ${s.direction === "ingress" ? "from" : "to"} anywhere on any port; every other ${s.direction} rule selecting them is moot`,
      ),
    );
}

/**
 * `duplicate-rule`: a rule identical to an earlier one (peers and ports equal as sets).
 * `shadowed-rule`: a rule allowing nothing beyond another rule of the same direction. Of two rules
 * that cover each other, only the later is reported.
 */
export function lintRedundantRules(policy: NetworkPolicy): Issue[] {
  const out: Issue[] = [];
  for (const direction of ["ingress", "egress"] as const) {
    const sites = ruleSites(policy).filter((s) => s.direction === direction);
    const keys = sites.map((s) => ruleKey(policy, s.rule));
    sites.forEach((site, i) => {
      const same = keys.indexOf(keys[i] as string);
      if (same < i) {
        out.push(duplicate(site, sites[same] as RuleSite));
        return;
      }
      const broader = sites.find(
        (other, j) =>
          j !== i &&
          keys[j] !== keys[i] &&
          ruleCovers(policy, other.rule, site.rule) &&
          (j < i || !ruleCovers(policy, site.rule, other.rule)),
      );
      if (broader) out.push(shadowed(site, broader));
    });
  }
  return out;
}

function duplicate(site: RuleSite, first: RuleSite): Issue {
  return lint(
    "duplicate-rule",
    site.path,
    `This rule is identical to ${first.path} and adds nothing; remove one of them`,
  );
}

function shadowed(site: RuleSite, broader: RuleSite): Issue {
  return lint(
    "shadowed-rule",
    site.path,
    `Everything this rule allows is already allowed by the broader ${broader.path}, so it has no effect; remove it or narrow ${broader.path}`,
  );
}
