/**
 * The evaluator's answer: the verdict and why, per direction, in terms of the NetworkPolicy spec.
 */
import type { Protocol } from "../k8s/model.js";

/** A rule of a policy that allowed the traffic, by field path. */
export interface RuleMatch {
  /** `namespace/name` of the policy. */
  readonly policy: string;
  /** `spec.ingress[0]` or `spec.egress[2]`. */
  readonly rule: string;
  /** The peer that matched (`spec.ingress[0].from[1]`), absent when the rule has no peer list. */
  readonly peer?: string;
  /** The port entry that matched (`spec.ingress[0].ports[0]`), absent when the rule has no port list. */
  readonly port?: string;
}

/** The decision of one side: the source pod's egress or the destination pod's ingress. */
export type SideVerdict =
  | {
      readonly kind: "pod";
      /** `namespace/name` of the pod whose policies decide this side. */
      readonly pod: string;
      /** True when some policy selects the pod with this direction in its policyTypes. */
      readonly isolated: boolean;
      /** Those policies, `namespace/name`, sorted. */
      readonly policies: readonly string[];
      /** Every rule that allows the traffic (empty when none does). */
      readonly allowedBy: readonly RuleMatch[];
      readonly allowed: boolean;
    }
  /** This end is not a pod (a node or an outside address): NetworkPolicy has nothing to say here. */
  | { readonly kind: "not-a-pod"; readonly allowed: true; readonly reason: string };

/** Traffic that no node can filter or that Kubernetes always allows. */
export type Exemption =
  /** A pod reaching its own IP: the packet never leaves the pod's network namespace. */
  | "same-pod"
  /** Traffic between a pod and the node it runs on is always allowed (kubelet probes). */
  | "own-node";

/** The full answer for one packet. */
export interface Verdict {
  readonly allowed: boolean;
  readonly from: string;
  readonly to: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly exemption?: Exemption;
  /**
   * Set on a workload entry's self cell: replica-to-replica traffic, between two different pods of
   * the workload (`ns/Kind/name`), evaluated normally; `reasons[0]` says so.
   */
  readonly replicas?: true;
  readonly egress: SideVerdict;
  readonly ingress: SideVerdict;
  /** Human-readable explanation, one sentence per line. */
  readonly reasons: readonly string[];
  /**
   * What the verdict could not take into account, one sentence each: an end without an address
   * ("... has no address: matched by no ipBlock (ns/policy spec.ingress[0].from[1])").
   */
  readonly notes?: readonly string[];
}
