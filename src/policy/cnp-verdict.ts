/**
 * The tiered evaluator's answer: per direction, which tier decided (Admin ClusterNetworkPolicy,
 * NetworkPolicy, Baseline ClusterNetworkPolicy or the default) and why, by policy and field path.
 */
import type { CnpAction, CnpTier } from "../k8s/cnp-model.js";
import type { Protocol } from "../k8s/model.js";
import type { Exemption, SideVerdict } from "./verdict.js";

/** The first rule of a tier that matched a packet (`spec.tier`, `spec.priority`, `spec.<dir>[i]`). */
export interface CnpRuleHit {
  /** `metadata.name` of the ClusterNetworkPolicy (cluster-scoped: no namespace). */
  readonly policy: string;
  readonly tier: CnpTier;
  readonly priority: number;
  /** `spec.ingress[0]` or `spec.egress[2]`. */
  readonly rule: string;
  /** The rule's `name`, when written. */
  readonly name?: string;
  /** The action taken: the written `action`, or `Deny` when a fail-closed reading turned it into one. */
  readonly action: CnpAction;
  /** The peer that matched (`spec.egress[2].to[0]`); absent when the rule matched by failing closed. */
  readonly peer?: string;
  /** The `protocols` entry that matched (`spec.egress[2].protocols[1]`); absent when `protocols` is absent. */
  readonly port?: string;
  /** Set when the rule matched because netguard fails closed on it: says which field and how. */
  readonly failClosed?: string;
}

/** One tier's pass over the pod's policies for one direction. */
export interface TierTrace {
  /** The policies of the tier whose `subject` selects the pod, in evaluation order (priority, name). */
  readonly policies: readonly string[];
  /** The first matching rule; absent when no rule of those policies matched. */
  readonly hit?: CnpRuleHit;
}

/** Which step decided one side. */
export type TierStep = "admin" | "network-policy" | "baseline" | "default" | "not-a-pod";

/** The decision of one side (source egress or destination ingress) across the tiers. */
export interface TieredSide {
  readonly allowed: boolean;
  readonly decidedBy: TierStep;
  /** The Admin tier, always consulted for a pod (empty for a side that is not a pod). */
  readonly admin: TierTrace;
  /** NetworkPolicy's answer for this side (consulted unless the Admin tier decided). */
  readonly networkPolicy: SideVerdict;
  /** The Baseline tier, when reached (no Admin decision, no NetworkPolicy isolating the pod). */
  readonly baseline?: TierTrace;
  /** One sentence, prefixed with the direction. */
  readonly reason: string;
}

/** The full tiered answer for one packet. */
export interface TieredVerdict {
  readonly allowed: boolean;
  readonly from: string;
  readonly to: string;
  readonly protocol: Protocol;
  readonly port: number;
  /** Traffic allowed before any policy applies (same pod, pod and its own node), as in NetworkPolicy. */
  readonly exemption?: Exemption;
  readonly egress: TieredSide;
  readonly ingress: TieredSide;
  /** Human-readable explanation, one sentence per line. */
  readonly reasons: readonly string[];
  /** What the verdict could not take into account (from the NetworkPolicy evaluator). */
  readonly notes?: readonly string[];
}
