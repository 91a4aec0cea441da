/**
 * `lintClusterPolicy`: warnings for ClusterNetworkPolicies the API server accepts but that probably
 * do not do what their author meant (the CNP checks behind `netguard validate`). Pure; same input,
 * same issues in the same order. `cnp-experimental-field` (cnp-experimental.ts) is run on every
 * decoded policy, accepted or not, by the caller.
 */
import { type Issue, locate } from "../../issue/issue.js";
import type { ClusterNetworkPolicy } from "../../k8s/cnp-model.js";
import { lintBaselineUnreachable } from "./cnp-baseline.js";
import type { CnpLintContext } from "./cnp-context.js";
import { lintNetworksCoverPods } from "./cnp-networks.js";
import { lintSamePriorityOverlap } from "./cnp-overlap.js";
import { lintUselessPass } from "./cnp-pass.js";
import { lintShadowedRules } from "./cnp-shadow.js";

export type { CnpLintContext } from "./cnp-context.js";

/** Lints one policy of the input against every policy known and the cluster view, if any. */
export function lintClusterPolicy(policy: ClusterNetworkPolicy, ctx: CnpLintContext): Issue[] {
  const issues = [
    ...lintSamePriorityOverlap(policy, ctx),
    ...lintShadowedRules(policy, ctx),
    ...lintUselessPass(policy, ctx),
    ...lintBaselineUnreachable(policy, ctx),
    ...lintNetworksCoverPods(policy, ctx.view),
  ];
  return locate(issues, policy.source, { kind: "ClusterNetworkPolicy", name: policy.name });
}
