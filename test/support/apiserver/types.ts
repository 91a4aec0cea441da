/**
 * Shapes shared by the fake API server: the JSON objects it stores, the resources it serves and the
 * `Status` bodies it answers errors with (the real server's `metav1.Status`).
 */

/** `metadata` of a Kubernetes object (`metav1.ObjectMeta`); unknown fields are kept as sent. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  resourceVersion?: string;
  uid?: string;
  creationTimestamp?: string;
  [field: string]: unknown;
}

/** A Kubernetes object in its usual JSON shape (apiVersion, kind, metadata, spec, status). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** An object as stored and served: the server has filled in identity and `resourceVersion`. */
export interface StoredObject extends KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string; resourceVersion: string; uid: string; creationTimestamp: string };
}

/** The kinds the server stores (plus `Event`, which is only accepted by POST and kept in a list). */
export type Kind =
  | "Pod"
  | "Namespace"
  | "Node"
  | "NetworkPolicy"
  | "ClusterNetworkPolicy"
  | "Deployment"
  | "ReplicaSet"
  | "StatefulSet"
  | "DaemonSet"
  | "Job"
  | "CronJob"
  | "ReplicationController";

/** Watch event types of `metav1.WatchEvent.type`. */
export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

/** One served resource: its REST name (`plural`), group/version and scope, as discovery lists it. */
export interface ResourceDef {
  readonly kind: Kind;
  readonly listKind: string;
  readonly apiVersion: string;
  /** The URL prefix of its group/version: `/api/v1` for the core group, `/apis/<group>/<version>`. */
  readonly prefix: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** DELETE answers with the deleted object (pods, namespaces) instead of a `Status` (the rest). */
  readonly deleteReturnsObject: boolean;
  /** Served by a CustomResourceDefinition: absent (404) while the CRD is not installed (crds.ts). */
  readonly crd?: boolean;
}

/** The resources the node agent watches, then the workloads the dry-run reads. */
export const RESOURCES: readonly ResourceDef[] = [
  {
    kind: "Pod",
    listKind: "PodList",
    apiVersion: "v1",
    prefix: "/api/v1",
    plural: "pods",
    namespaced: true,
    deleteReturnsObject: true,
  },
  {
    kind: "Namespace",
    listKind: "NamespaceList",
    apiVersion: "v1",
    prefix: "/api/v1",
    plural: "namespaces",
    namespaced: false,
    deleteReturnsObject: true,
  },
  {
    kind: "Node",
    listKind: "NodeList",
    apiVersion: "v1",
    prefix: "/api/v1",
    plural: "nodes",
    namespaced: false,
    deleteReturnsObject: false,
  },
  {
    kind: "NetworkPolicy",
    listKind: "NetworkPolicyList",
    apiVersion: "networking.k8s.io/v1",
    prefix: "/apis/networking.k8s.io/v1",
    plural: "networkpolicies",
    namespaced: true,
    deleteReturnsObject: false,
  },
  {
    kind: "ClusterNetworkPolicy",
    listKind: "ClusterNetworkPolicyList",
    apiVersion: "policy.networking.k8s.io/v1alpha2",
    prefix: "/apis/policy.networking.k8s.io/v1alpha2",
    plural: "clusternetworkpolicies",
    namespaced: false,
    deleteReturnsObject: false,
    crd: true,
  },
  ...workload("Deployment", "apps/v1", "deployments"),
  ...workload("ReplicaSet", "apps/v1", "replicasets"),
  ...workload("StatefulSet", "apps/v1", "statefulsets"),
  ...workload("DaemonSet", "apps/v1", "daemonsets"),
  ...workload("Job", "batch/v1", "jobs"),
  ...workload("CronJob", "batch/v1", "cronjobs"),
  ...workload("ReplicationController", "v1", "replicationcontrollers"),
];

function workload(kind: Kind, apiVersion: string, plural: string): ResourceDef[] {
  const prefix = apiVersion === "v1" ? "/api/v1" : `/apis/${apiVersion}`;
  return [
    {
      kind,
      listKind: `${kind}List`,
      apiVersion,
      prefix,
      plural,
      namespaced: true,
      deleteReturnsObject: true,
    },
  ];
}

/** The resource definition of a kind. */
export function resourceOf(kind: Kind): ResourceDef {
  const def = RESOURCES.find((r) => r.kind === kind);
  if (def === undefined) throw new Error(`bug: no resource for kind ${kind}`);
  return def;
}

/** `metav1.Status.reason` values the server uses. */
export type StatusReason =
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "BadRequest"
  | "Invalid"
  | "MethodNotAllowed"
  | "Expired"
  | "InternalError";

/** Why a request failed: the `code`, `reason` and `message` of its `Status`. */
export interface Failure {
  readonly code: number;
  readonly reason: StatusReason;
  readonly message: string;
}

/** A value or the failure to answer with (errors are values; `throw` is for bugs). */
export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: Failure };

/** A failed result. */
export function fail<T>(code: number, reason: StatusReason, message: string): Result<T> {
  return { ok: false, failure: { code, reason, message } };
}

/** A failure `Status` body, as the real server sends for every non-2xx answer and watch `ERROR`. */
export function statusBody(f: Failure): KubeObject {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message: f.message,
    reason: f.reason,
    code: f.code,
  };
}

/** Narrows parsed JSON to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
