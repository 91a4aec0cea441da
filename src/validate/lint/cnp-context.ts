/**
 * What the ClusterNetworkPolicy lints see: every CNP known (the input's, and the cluster view's
 * that the input does not replace), and the cluster view when there is one (`--cluster`,
 * `--kubeconfig`, or Pods in the input): its pods, Nodes and NetworkPolicies, the input's laid over
 * the cluster's. Lint findings are warnings (the policy is enforced as written) unless stated.
 */
import type { ClusterNetworkPolicy, CnpRule } from "../../k8s/cnp-model.js";
import { type Direction, type NetworkPolicy, type Pod, refOf } from "../../k8s/model.js";
import type { ClusterIndex } from "../../policy/cluster-index.js";
import { subjectSelects } from "../../policy/cnp-match.js";
import { policiesSelecting } from "../../policy/evaluate.js";
import { selectorMatches } from "../../policy/selector.js";

/** Input-wide facts for the CNP lints. */
export interface CnpLintContext {
  /** Every ClusterNetworkPolicy known, the linted ones included, sorted by name. */
  readonly policies: readonly ClusterNetworkPolicy[];
  /** Names of the policies read from the manifests (the others come from the cluster view). */
  readonly inInput: ReadonlySet<string>;
  /** The cluster view with the input laid over it, when there is one. */
  readonly view?: ClusterIndex;
  /** Answers about the view shared by the lints of one run (see `cnpLintMemo`). */
  readonly memo?: CnpLintMemo;
}

/** What the lints ask of the view many times: the pods of a subject, the isolation of a pod. */
export interface CnpLintMemo {
  readonly subjectPods: Map<string, Pod[]>;
  readonly subjectPodSets: Map<string, ReadonlySet<Pod>>;
  readonly isolating: Map<string, readonly NetworkPolicy[]>;
}

/** A fresh memo for one run (one view). */
export function cnpLintMemo(): CnpLintMemo {
  return { subjectPods: new Map(), subjectPodSets: new Map(), isolating: new Map() };
}

/** One rule of a policy with its direction and field path (`spec.egress[2]`). */
export interface CnpRuleSite {
  readonly policy: ClusterNetworkPolicy;
  readonly direction: Direction;
  readonly rule: CnpRule;
  readonly path: string;
}

/** The rules of one direction of a policy, in written order. */
export function cnpRules(policy: ClusterNetworkPolicy, direction: Direction): CnpRuleSite[] {
  return (direction === "ingress" ? policy.ingress : policy.egress).map((rule) => ({
    policy,
    direction,
    rule,
    path: `spec.${direction}[${rule.index}]`,
  }));
}

/** Both directions, ingress first. */
export const DIRECTIONS: readonly Direction[] = ["ingress", "egress"];

/** `Admin ClusterNetworkPolicy name (priority 10)`: how messages name another policy. */
export function policyName(p: ClusterNetworkPolicy): string {
  return `${p.tier} ClusterNetworkPolicy ${p.name} (priority ${p.priority})`;
}

/** `spec.egress[2] "name"`: how messages name a rule. */
export function ruleName(site: CnpRuleSite): string {
  return site.rule.name !== undefined ? `${site.path} "${site.rule.name}"` : site.path;
}

/**
 * The pods of the view a policy's subject selects (`subjectSelects`; host-network pods, not being
 * policy targets, are never among them).
 */
export function subjectPods(view: ClusterIndex, policy: ClusterNetworkPolicy, memo?: CnpLintMemo): Pod[] {
  const known = memo?.subjectPods.get(policy.name);
  if (known) return known;
  const s = policy.subject;
  const pods: Pod[] = [];
  // Namespace by namespace: the namespace selector once per namespace, then its pods.
  for (const [name, inNamespace] of view.targetsByNamespace) {
    const ns = view.namespace(name);
    if (s.kind !== "unknown" && (!ns || !selectorMatches(s.namespaces, ns.labels))) continue;
    for (const pod of inNamespace) if (subjectSelects(view, s, pod)) pods.push(pod);
  }
  memo?.subjectPods.set(policy.name, pods);
  return pods;
}

/** `subjectPods` as a set, for membership tests (built once per policy with a memo). */
export function subjectPodSet(
  view: ClusterIndex,
  policy: ClusterNetworkPolicy,
  memo?: CnpLintMemo,
): ReadonlySet<Pod> {
  const known = memo?.subjectPodSets.get(policy.name);
  if (known) return known;
  const set = new Set(subjectPods(view, policy, memo));
  memo?.subjectPodSets.set(policy.name, set);
  return set;
}

/** The NetworkPolicies isolating `pod` for `direction` in the view (`policiesSelecting`). */
export function isolatingPolicies(
  view: ClusterIndex,
  pod: Pod,
  direction: Direction,
  memo?: CnpLintMemo,
): readonly NetworkPolicy[] {
  const key = `${direction} ${refOf(pod)}`;
  const known = memo?.isolating.get(key);
  if (known) return known;
  const found = policiesSelecting(view, pod, direction);
  memo?.isolating.set(key, found);
  return found;
}

/** `a, b, c and 4 more`. */
export function someOf(names: readonly string[], shown = 3): string {
  const more = names.length > shown ? ` and ${names.length - shown} more` : "";
  return names.slice(0, shown).join(", ") + more;
}
