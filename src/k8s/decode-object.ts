/**
 * Decodes one Kubernetes object by `kind`: NetworkPolicy (networking.k8s.io/v1),
 * ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2, cluster-scoped), Pod, Namespace, Node (v1), and the workloads whose pod template the dry-run reads (decode-workload.ts).
 */
import { type Issue, locate, type SourcePos, warning } from "../issue/issue.js";
import type { ClusterNetworkPolicy } from "./cnp-model.js";
import { CNP_API_VERSION, decodeCnpSpec } from "./decode-cnp.js";
import { decodeMeta, type ObjectMeta } from "./decode-meta.js";
import { decodeNamespace, decodeNode } from "./decode-namespace.js";
import { decodePod } from "./decode-pod.js";
import { decodePolicy } from "./decode-policy.js";
import { decodeWorkload, isWorkloadKind, WORKLOAD_API_VERSIONS } from "./decode-workload.js";
import { clipName, quoteValue } from "../issue/quote.js";
import { type DecodeOptions, describe, Issues, isObject } from "./fields.js";
import { suggestField } from "./suggest.js";
import type { Namespace, NetworkPolicy, Node, Pod, WorkloadKind } from "./model.js";

/**
 * What one object decoded to. A workload decodes to a `Pod` entry with `workload` set (its pod
 * template, named `Kind/name`), so everything that holds pods holds it without another case.
 */
export type Decoded =
  | { readonly kind: "NetworkPolicy"; readonly value: NetworkPolicy }
  | { readonly kind: "Pod"; readonly value: Pod }
  | { readonly kind: "Namespace"; readonly value: Namespace }
  | { readonly kind: "Node"; readonly value: Node }
  | { readonly kind: "ClusterNetworkPolicy"; readonly value: ClusterNetworkPolicy };

/** The kinds read: the decoded kinds and the workloads. */
type ReadKind = Decoded["kind"] | WorkloadKind;

/** The API group/version each kind is read from. */
const API_VERSIONS: Readonly<Record<ReadKind, string>> = {
  NetworkPolicy: "networking.k8s.io/v1",
  Pod: "v1",
  Namespace: "v1",
  Node: "v1",
  ClusterNetworkPolicy: CNP_API_VERSION,
  ...WORKLOAD_API_VERSIONS,
};

/** The read kinds without a namespace (`metadata.namespace` is ignored for them). */
export const CLUSTER_SCOPED: ReadonlySet<string> = new Set(["Namespace", "Node", "ClusterNetworkPolicy"]);

function isReadKind(kind: string | undefined): kind is ReadKind {
  return (
    kind === "NetworkPolicy" ||
    kind === "Pod" ||
    kind === "Namespace" ||
    kind === "Node" ||
    kind === "ClusterNetworkPolicy" ||
    (kind !== undefined && isWorkloadKind(kind))
  );
}

/**
 * The read kind a `kind` that is not one most probably meant (`NetworkPolicies`, `networkpolicy`,
 * `Deploymnet`): skipping such an object silently would drop a policy from every answer.
 */
export function misspeltKind(kind: string): ReadKind | undefined {
  const guess = suggestField(kind.replace(/ies$/, "y"), Object.keys(API_VERSIONS));
  if (guess === undefined || !isReadKind(guess)) return undefined;
  // A short custom kind one letter from Pod, Node or Job (`Pool`, `Mode`) may well be a CRD's.
  const k = kind.toLowerCase();
  const g = guess.toLowerCase();
  return kind.length >= 6 || k === g || k === `${g}s` ? guess : undefined;
}

/**
 * The v1alpha1 kinds that ClusterNetworkPolicy (v1alpha2, bundle v0.2.0) replaced: AdminNetworkPolicy
 * is an Admin-tier ClusterNetworkPolicy, BaselineAdminNetworkPolicy a Baseline-tier one.
 */
const REPLACED_POLICY_KINDS = new Set(["AdminNetworkPolicy", "BaselineAdminNetworkPolicy"]);

/**
 * A policy kind that changes which connections are allowed but that netguard does not read: an
 * error, not a skipped-kind warning, so no command answers as if it were not there.
 */
export function isPolicyKindNotEvaluated(kind: string, apiVersion: unknown): boolean {
  return (
    REPLACED_POLICY_KINDS.has(kind) &&
    typeof apiVersion === "string" &&
    apiVersion.startsWith("policy.networking.k8s.io/")
  );
}

/** Decodes an object; `decoded` is absent when the object was skipped (other kind, or unidentifiable). */
export function decodeObject(
  value: unknown,
  source: SourcePos,
  opts: DecodeOptions = {},
): { decoded?: Decoded; issues: Issue[] } {
  const issues = new Issues(opts);
  if (!isObject(value)) {
    issues.fail("", `a Kubernetes object must be a mapping, got ${describe(value)}`, "wrong-type");
    return { issues: locate(issues.list, source, { kind: "?" }) };
  }
  const kind = typeof value.kind === "string" ? value.kind : undefined;
  if (!isReadKind(kind)) return { issues: unreadKind(kind, value.apiVersion, source, issues) };
  const apiVersion = value.apiVersion;
  if (apiVersion !== undefined && apiVersion !== API_VERSIONS[kind]) {
    issues.fail(
      "apiVersion",
      `${kind} must be ${API_VERSIONS[kind]}, got ${describe(apiVersion)}; skipped`,
      "unsupported-api-version",
    );
    return { issues: locate(issues.list, source, { kind }) };
  }
  const meta = decodeMeta(value, !CLUSTER_SCOPED.has(kind), issues);
  if (!meta) return { issues: locate(issues.list, source, { kind }) };
  const ref = { kind, name: meta.name, ...(meta.namespace ? { namespace: meta.namespace } : {}) };
  const decoded = decodeKind(kind, meta, value, issues, source);
  return { ...(decoded ? { decoded } : {}), issues: locate(issues.list, source, ref) };
}

function decodeKind(
  kind: ReadKind,
  meta: ObjectMeta,
  value: Record<string, unknown>,
  issues: Issues,
  source: SourcePos,
): Decoded | undefined {
  switch (kind) {
    case "NetworkPolicy":
      return { kind, value: { ...decodePolicy(meta, value, issues), source } };
    case "Pod":
      return { kind, value: { ...decodePod(meta, value, issues), source } };
    case "Namespace":
      return { kind, value: { ...decodeNamespace(meta), source } };
    case "Node":
      return { kind, value: { ...decodeNode(meta, value, issues), source } };
    case "ClusterNetworkPolicy": {
      const cnp = decodeCnpSpec(meta, value, issues);
      return cnp && { kind, value: { ...cnp, source } };
    }
    case "Deployment":
    case "ReplicaSet":
    case "StatefulSet":
    case "DaemonSet":
    case "Job":
    case "CronJob":
    case "ReplicationController": {
      const entry = decodeWorkload(kind, meta, value, issues);
      return entry && { kind: "Pod", value: { ...entry, source } };
    }
  }
}

/** The issues of an object whose kind netguard does not read: a misspelt or unevaluated policy kind is an error. */
function unreadKind(
  kind: string | undefined,
  apiVersion: unknown,
  source: SourcePos,
  issues: Issues,
): Issue[] {
  const typo = kind === undefined ? undefined : misspeltKind(kind);
  if (typo !== undefined) {
    issues.fail(
      "kind",
      `${quoteValue(kind ?? "")} is not a kind the API server knows (did you mean \`${typo}\`?); skipped, so nothing it says is evaluated`,
      "unknown-kind",
    );
    return locate(issues.list, source, { kind: typo });
  }
  if (kind !== undefined && isPolicyKindNotEvaluated(kind, apiVersion)) {
    issues.fail(
      "kind",
      `${kind} (v1alpha1) was replaced by ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2, tier ${kind === "AdminNetworkPolicy" ? "Admin" : "Baseline"}), which netguard reads; it decides connectivity but netguard does not evaluate the old kind, so an answer here would ignore it; skipped`,
      "policy-kind-not-evaluated",
    );
    return locate(issues.list, source, { kind });
  }
  const what = kind === undefined ? "object without kind" : clipName(kind);
  return locate([warning("skipped-kind", "", `${what} is not read by netguard; skipped`)], source, {
    kind: what,
  });
}
