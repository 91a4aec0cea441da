/**
 * `cnp-baseline-unreachable`: Baseline rules no pod reaches. The Baseline tier is consulted only for
 * pods no NetworkPolicy isolates in that direction: "v1.NetworkPolicy always makes a final decision
 * for selected pods". When every pod of the cluster view that a Baseline policy's subject selects is
 * isolated by a NetworkPolicy for a direction, none of its rules of that direction ever matches.
 * Needs the cluster view (its pods, and the NetworkPolicies of the input and the view).
 */
import { type Issue, warning } from "../../issue/issue.js";
import type { ClusterNetworkPolicy } from "../../k8s/cnp-model.js";
import { type NetworkPolicy, refOf } from "../../k8s/model.js";
import { type CnpLintContext, DIRECTIONS, isolatingPolicies, someOf, subjectPods } from "./cnp-context.js";

/** The unreachable directions of a Baseline policy, one warning each at `spec.<direction>`. */
export function lintBaselineUnreachable(self: ClusterNetworkPolicy, ctx: CnpLintContext): Issue[] {
  const view = ctx.view;
  if (!view || self.tier !== "Baseline" || self.subject.kind === "unknown") return [];
  const pods = subjectPods(view, self, ctx.memo);
  if (pods.length === 0) return [];
  const out: Issue[] = [];
  for (const direction of DIRECTIONS) {
    const rules = direction === "ingress" ? self.ingress : self.egress;
    if (rules.length === 0) continue;
    const isolating: NetworkPolicy[] = [];
    const everyIsolated = pods.every((pod) => {
      const by = isolatingPolicies(view, pod, direction, ctx.memo);
      if (by[0] && !isolating.includes(by[0])) isolating.push(by[0]);
      return by.length > 0;
    });
    if (!everyIsolated) continue;
    const which =
      rules.length === 1 ? `its ${direction} rule` : `none of its ${rules.length} ${direction} rules`;
    const verb = rules.length === 1 ? "is never reached" : "is ever reached";
    out.push(
      warning(
        "cnp-baseline-unreachable",
        `spec.${direction}`,
        `${which} ${verb}: every one of the ${pods.length} pod(s) its subject selects in the cluster view is isolated for ${direction} by a NetworkPolicy (${someOf(isolating.map(refOf))}), whose decision is final, so the Baseline tier is never consulted for them; widen those NetworkPolicies instead, or narrow the subject`,
      ),
    );
  }
  return out;
}
