/**
 * The decoded, defaulted view of the Kubernetes objects the policy engine reads. Only the fields that
 * NetworkPolicy semantics depend on are kept, so a 10,000-pod snapshot stays small.
 */
import type { ClusterNetworkPolicy } from "./cnp-model.js";
import type { SourcePos } from "../issue/issue.js";
import type { Addr } from "../net/address.js";
import type { Cidr } from "../net/cidr.js";

/** `metadata.labels`. */
export type Labels = Readonly<Record<string, string>>;

/** `protocol` of a NetworkPolicyPort or ContainerPort; the API server defaults it to TCP. */
export type Protocol = "TCP" | "UDP" | "SCTP";

/** The protocols NetworkPolicy ports can name, in canonical order. */
export const PROTOCOLS: readonly Protocol[] = ["TCP", "UDP", "SCTP"];

/** One `matchExpressions` entry of a LabelSelector. */
export interface Requirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values: readonly string[];
}

/** metav1.LabelSelector: `matchLabels` and `matchExpressions`, all ANDed; empty selects everything. */
export interface LabelSelector {
  readonly matchLabels: Labels;
  readonly matchExpressions: readonly Requirement[];
}

/** A Namespace; `kubernetes.io/metadata.name` is always among its labels (the API server sets it). */
export interface Namespace {
  readonly name: string;
  readonly labels: Labels;
  /** False when no Namespace object was in the input and one was assumed for a pod. */
  readonly declared: boolean;
  readonly source?: SourcePos;
}

/** `spec.containers[].ports[]` entry, the target of named ports. */
export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/**
 * Why a pod is not a policy target of the datapath (NetworkPolicy only applies to pods with a
 * pod-network IP). `template` marks a workload's pod template: it stands for pods that are not in
 * the input, so only the dry-run (policy/dry-run-view.ts) evaluates it.
 */
export type NonTargetReason = "no-ip" | "terminated" | "host-network" | "template";

/** The controllers whose pod template the dry-run reads (apps/v1, batch/v1, v1). */
export type WorkloadKind =
  "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" | "ReplicationController";

/** Every WorkloadKind, in a fixed order. */
export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  "Deployment",
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "ReplicationController",
];

/** `metadata.ownerReferences[]` entry with `controller: true`: the object that manages this one. */
export interface OwnerRef {
  readonly kind: string;
  readonly name: string;
}

/** A Pod, reduced to what NetworkPolicy semantics need. */
export interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly nodeName?: string;
  /** `status.podIPs` (or `status.podIP`), primary first. */
  readonly ips: readonly Addr[];
  readonly ports: readonly ContainerPort[];
  /** Set when the pod is not subject to, nor selectable by, NetworkPolicy. */
  readonly nonTarget?: NonTargetReason;
  /**
   * Set on an entry that stands for every replica of a workload's pod template; its `name` is then
   * `Kind/name`, so `refOf` gives `ns/Kind/name`, which never collides with a pod's `ns/name`.
   */
  readonly workload?: WorkloadKind;
  /** The controller ownerReference (`metadata.ownerReferences[]` with `controller: true`). */
  readonly controller?: OwnerRef;
  /** The top-level owner, `ns/Kind/name`, when known (set by the dry-run view, not the decoder). */
  readonly owner?: string;
  readonly source?: SourcePos;
}

/** A Node: its own addresses (whose traffic to local pods is always allowed) and pod CIDRs. */
export interface Node {
  readonly name: string;
  /** `metadata.labels`: what a ClusterNetworkPolicy `nodes` peer selects on. */
  readonly labels: Labels;
  readonly addresses: readonly Addr[];
  readonly podCIDRs: readonly Cidr[];
  readonly source?: SourcePos;
}

/**
 * `spec.ingress[].from[]` / `spec.egress[].to[]` entry. A podSelector-only peer is normalised to
 * `namespaces: own`; a namespaceSelector-only peer to `pods` = the empty selector (all pods).
 */
export type Peer =
  | {
      readonly kind: "pods";
      readonly namespaces:
        { readonly kind: "own" } | { readonly kind: "matching"; readonly selector: LabelSelector };
      readonly pods: LabelSelector;
      readonly index: number;
    }
  | {
      readonly kind: "ipBlock";
      readonly cidr: Cidr;
      readonly except: readonly Cidr[];
      readonly index: number;
    };

/** `spec.ingress[].ports[]` entry after defaulting. */
export type PortSpec =
  | { readonly kind: "protocol"; readonly protocol: Protocol; readonly index: number }
  | {
      readonly kind: "range";
      readonly protocol: Protocol;
      readonly from: number;
      readonly to: number;
      readonly index: number;
    }
  | { readonly kind: "named"; readonly protocol: Protocol; readonly name: string; readonly index: number };

/**
 * The direction of traffic a rule, a policyType (`Ingress`/`Egress`) or a per-pod chain governs:
 * `spec.ingress` (traffic into the selected pod) or `spec.egress` (traffic out of it).
 */
export type Direction = "ingress" | "egress";

/** One ingress or egress rule; `any` stands for an absent or empty `from`/`to`/`ports` list. */
export interface Rule {
  /** Index in `spec.ingress` / `spec.egress` as written, for field paths. */
  readonly index: number;
  readonly peers: { readonly kind: "any" } | { readonly kind: "list"; readonly items: readonly Peer[] };
  readonly ports: { readonly kind: "any" } | { readonly kind: "list"; readonly items: readonly PortSpec[] };
}

/** A networking.k8s.io/v1 NetworkPolicy after defaulting. Malformed rules are dropped (they allow nothing). */
export interface NetworkPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** `spec.policyTypes` after defaulting. */
  readonly affectsIngress: boolean;
  readonly affectsEgress: boolean;
  readonly ingress: readonly Rule[];
  readonly egress: readonly Rule[];
  readonly source?: SourcePos;
}

/** Everything the evaluator and compiler read: one consistent view of a cluster. */
export interface Snapshot {
  readonly namespaces: ReadonlyMap<string, Namespace>;
  readonly pods: readonly Pod[];
  readonly policies: readonly NetworkPolicy[];
  readonly nodes: ReadonlyMap<string, Node>;
  /** ClusterNetworkPolicies (`policy.networking.k8s.io/v1alpha2`), sorted by name. */
  readonly clusterPolicies: readonly ClusterNetworkPolicy[];
}

/** `namespace/name`, the key used for pods and policies throughout. */
export function refOf(o: { readonly namespace: string; readonly name: string }): string {
  return `${o.namespace}/${o.name}`;
}
