/**
 * `lintPolicy`: warnings for NetworkPolicies that are valid but probably not what their author meant
 * (the checks behind `netguard validate`). Pure: no I/O; same input, same issues in the same order.
 */
import { type Issue, locate } from "../../issue/issue.js";
import type { NetworkPolicy } from "../../k8s/model.js";
import { lintEmptyPeers, lintNamedPorts, lintNamespaceLabels, lintSelectsNoPod } from "./cluster.js";
import type { LintContext } from "./context.js";
import { lintDnsEgress } from "./dns.js";
import { lintBlockCoversPods, lintExcepts } from "./ipblock.js";
import { lintAllowAll, lintNamedPortToBlocks } from "./peers.js";
import { lintEmptyRules, lintRedundantRules } from "./rules.js";
import { lintEmptyEgress, lintMissingPodSelector, lintPolicyTypes } from "./structure.js";

export type { LintContext } from "./context.js";

/**
 * Lints one policy. `raw` is the NetworkPolicy object as written (before defaulting), `policy` its
 * decoded form. Every issue is a warning with the policy's source and object reference attached.
 */
export function lintPolicy(policy: NetworkPolicy, raw: Record<string, unknown>, ctx: LintContext): Issue[] {
  const issues = [
    ...lintMissingPodSelector(raw),
    ...lintPolicyTypes(raw),
    ...lintEmptyEgress(raw),
    ...lintDnsEgress(policy, ctx),
    ...lintEmptyRules(policy),
    ...lintRedundantRules(policy),
    ...lintAllowAll(policy),
    ...lintBlockCoversPods(policy, ctx.cluster),
    ...lintExcepts(policy),
    ...lintNamedPortToBlocks(policy),
    ...(ctx.cluster
      ? [
          ...lintSelectsNoPod(policy, ctx.cluster),
          ...lintEmptyPeers(policy, ctx.cluster),
          ...lintNamedPorts(policy, ctx.cluster),
          ...lintNamespaceLabels(policy, ctx.cluster),
        ]
      : []),
  ];
  return locate(issues, policy.source, {
    kind: "NetworkPolicy",
    namespace: policy.namespace,
    name: policy.name,
  });
}
