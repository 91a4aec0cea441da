/**
 * What every lint sees: the policy (decoded and defaulted), the object as written, and the rest of the
 * input. Lints report `warning` issues: the policy is valid and enforced as written, but probably not
 * what its author meant.
 */
import { type Issue, warning } from "../../issue/issue.js";
import type { ClusterNetworkPolicy } from "../../k8s/cnp-model.js";
import type { Direction, NetworkPolicy, Peer, PortSpec, Rule } from "../../k8s/model.js";
import type { ClusterIndex } from "../../policy/cluster-index.js";

/** Input-wide facts for cross-policy lints; `cluster` is present when `--cluster` snapshots were given. */
export interface LintContext {
  /** Every NetworkPolicy of the input, the linted one included. */
  readonly policies: readonly NetworkPolicy[];
  readonly cluster?: ClusterIndex;
  /** `policies` grouped by namespace; computed from `policies` when absent (pass it when linting many). */
  readonly policiesByNamespace?: ReadonlyMap<string, readonly NetworkPolicy[]>;
  /** Memo for lints that look across policies; share one per run (see `lintMemo`). */
  readonly memo?: Map<string, readonly NetworkPolicy[]>;
  /** Every ClusterNetworkPolicy known (the input's and the cluster's): an Admin Accept may supply DNS. */
  readonly clusterPolicies?: readonly ClusterNetworkPolicy[];
}

/** A fresh memo for one validation run. */
export function lintMemo(): Map<string, readonly NetworkPolicy[]> {
  return new Map();
}

/** One decoded rule with its direction and field path (`spec.ingress[1]`). */
export interface RuleSite {
  readonly direction: Direction;
  readonly rule: Rule;
  readonly path: string;
}

/** Every rule of `policy`, ingress first, in the order written. */
export function ruleSites(policy: NetworkPolicy): RuleSite[] {
  const of = (direction: Direction, rules: readonly Rule[]) =>
    rules.map((rule) => ({ direction, rule, path: `spec.${direction}[${rule.index}]` }));
  return [...of("ingress", policy.ingress), ...of("egress", policy.egress)];
}

/** The peers of a rule, empty when it has none (`from`/`to` absent or empty: every peer). */
export function peersOf(rule: Rule): readonly Peer[] {
  return rule.peers.kind === "list" ? rule.peers.items : [];
}

/** The port entries of a rule, empty when it has none (every port and protocol). */
export function portsOf(rule: Rule): readonly PortSpec[] {
  return rule.ports.kind === "list" ? rule.ports.items : [];
}

/** `spec.ingress[i].from[j]` / `spec.egress[i].to[j]`. */
export function peerPath(site: RuleSite, peer: Peer): string {
  return `${site.path}.${site.direction === "ingress" ? "from" : "to"}[${peer.index}]`;
}

/** `spec.ingress[i].ports[k]`. */
export function portPath(site: RuleSite, port: PortSpec): string {
  return `${site.path}.ports[${port.index}]`;
}

/** A lint finding: always a warning, since the policy is applied as written. */
export function lint(code: string, path: string, message: string): Issue {
  return warning(code, path, message);
}
