/**
 * ClusterNetworkPolicy (`policy.networking.k8s.io/v1alpha2`, network-policy-api bundle v0.2.0) after
 * decoding: the cluster-scoped Admin and Baseline tiers around NetworkPolicy. Field names follow the
 * API (`spec.subject`, `spec.ingress[].from[]`, `spec.egress[].to[]`, `protocols[]`); `index` fields
 * keep the position as written, for field paths (`spec.egress[2].to[0]`).
 */
import type { SourcePos } from "../issue/issue.js";
import type { Cidr } from "../net/cidr.js";
import type { LabelSelector, Protocol } from "./model.js";

/** `spec.tier`: Admin is evaluated before NetworkPolicy, Baseline after it. */
export type CnpTier = "Admin" | "Baseline";

/** `spec.{ingress,egress}[].action`. */
export type CnpAction = "Accept" | "Deny" | "Pass";

/**
 * `spec.subject`: exactly one of `namespaces` (every pod in the selected namespaces) or `pods`
 * (pods matching `podSelector` in namespaces matching `namespaceSelector`). `unknown` is a subject
 * with no field this implementation recognises (a newer API): see the evaluator for how it fails closed.
 */
export type CnpSubject =
  | { readonly kind: "namespaces"; readonly namespaces: LabelSelector }
  | { readonly kind: "pods"; readonly namespaces: LabelSelector; readonly pods: LabelSelector }
  | { readonly kind: "unknown"; readonly fields: readonly string[] };

/**
 * One entry of `from[]` / `to[]`. `networks` (egress only) matches any address in its CIDRs,
 * pod addresses included; `nodes` (egress only, experimental) matches the selected Nodes'
 * addresses. `unsupported` is a peer whose set field netguard does not implement (`domainNames`) or
 * does not recognise: per the API ("fail closed"), an Accept rule with it matches no traffic at
 * all, and a Deny or Pass rule with it is read as a Deny-all rule.
 */
export type CnpPeer =
  | { readonly kind: "namespaces"; readonly namespaces: LabelSelector; readonly index: number }
  | {
      readonly kind: "pods";
      readonly namespaces: LabelSelector;
      readonly pods: LabelSelector;
      readonly index: number;
    }
  | { readonly kind: "networks"; readonly cidrs: readonly Cidr[]; readonly index: number }
  | { readonly kind: "nodes"; readonly nodes: LabelSelector; readonly index: number }
  | { readonly kind: "unsupported"; readonly fields: readonly string[]; readonly index: number };

/**
 * One entry of `protocols[]`: `tcp`/`udp`/`sctp` with `destinationPort.number` (from = to) or
 * `destinationPort.range` (start..end inclusive), or `destinationNamedPort`, which resolves against
 * the destination pod's container ports (name and protocol), as named ports do in NetworkPolicy.
 */
export type CnpPort =
  | {
      readonly kind: "range";
      readonly protocol: Protocol;
      readonly from: number;
      readonly to: number;
      readonly index: number;
    }
  | { readonly kind: "named"; readonly name: string; readonly index: number };

/** One rule of `spec.ingress` or `spec.egress`; its order in the list is its precedence. */
export interface CnpRule {
  /** Index in `spec.ingress` / `spec.egress` as written. */
  readonly index: number;
  /** `name`, when given (≤ 100 characters): named in counters and explanations. */
  readonly name: string | undefined;
  readonly action: CnpAction;
  /** `from` / `to`: at least one peer (the API requires 1..25). */
  readonly peers: readonly CnpPeer[];
  /** `protocols`: absent means every protocol and port. */
  readonly protocols:
    { readonly kind: "any" } | { readonly kind: "list"; readonly items: readonly CnpPort[] };
}

/** A decoded ClusterNetworkPolicy (cluster-scoped: no namespace). */
export interface ClusterNetworkPolicy {
  readonly name: string;
  readonly tier: CnpTier;
  /** `spec.priority`, 0..1000: lower is evaluated first within its tier. */
  readonly priority: number;
  readonly subject: CnpSubject;
  readonly ingress: readonly CnpRule[];
  readonly egress: readonly CnpRule[];
  readonly source?: SourcePos;
}
