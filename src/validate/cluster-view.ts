/**
 * The cluster `validate` lints against. `--cluster` files and `--kubeconfig` give the cluster as it
 * is (for the NetworkPolicy lints, as before); the ClusterNetworkPolicy lints see the cluster as it
 * would be after applying the input: the input's objects laid over the cluster's. Without a
 * cluster, the input itself is the view when it holds Pods, workloads or Nodes.
 */
import { appendAll } from "../base/append-all.js";
import type { Issue } from "../issue/issue.js";
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import type { Snapshot } from "../k8s/model.js";
import type { RawObject } from "../load/documents.js";
import { issuesAtFieldLines } from "../load/issue-lines.js";
import { overlayObjects } from "../load/overlay.js";
import { type DecodedObject, decodeObjects, snapshotOf } from "../load/snapshot.js";
import { type InputFs, readInputs } from "../load/sources.js";
import { type ClusterIndex, indexSnapshot } from "../policy/cluster-index.js";
import { dryRunView } from "../policy/dry-run-view.js";

/** The views of one run. */
export interface ClusterViews {
  /** The cluster as given (`--cluster`, `--kubeconfig`), for the NetworkPolicy lints. */
  readonly cluster?: ClusterIndex;
  /** The cluster after applying the input, or the input alone when it holds pods or Nodes. */
  readonly view?: ClusterIndex;
  /** The cluster's ClusterNetworkPolicies, as given. */
  readonly clusterPolicies: readonly ClusterNetworkPolicy[];
}

/** Lints see a cluster as the dry-run does: workloads' templates and pods without status count. */
const indexed = (snapshot: Snapshot): ClusterIndex => indexSnapshot(dryRunView(snapshot).snapshot);

/**
 * Reads the cluster inputs (their errors go to `issues`) and builds the views; every object, the
 * cluster's and the manifests' (decoded by the caller), is decoded once.
 */
export async function loadClusterViews(
  fs: InputFs,
  inputs: { readonly cluster: readonly string[]; readonly clusterBase?: readonly RawObject[] },
  manifests: readonly DecodedObject[],
  issues: Issue[],
): Promise<ClusterViews> {
  const base = inputs.clusterBase ?? [];
  if (inputs.cluster.length === 0 && base.length === 0) {
    const own = snapshotOf(manifests).snapshot;
    const hasView = own.pods.length > 0 || own.nodes.size > 0;
    return { ...(hasView ? { view: indexed(own) } : {}), clusterPolicies: [] };
  }
  const read = await readInputs(fs, inputs.cluster);
  const objects = decodeObjects(base.length > 0 ? overlayObjects(base, read.objects) : read.objects);
  const built = snapshotOf(objects);
  const errors = [...read.issues, ...issuesAtFieldLines(built.issues, read.texts)];
  appendAll(
    issues,
    errors.filter((i) => i.severity === "error"),
  );
  const cluster = indexed(built.snapshot);
  // Input that changes no pod, Namespace, Node or NetworkPolicy leaves the cluster's view as it is.
  const view = manifests.some(changesView)
    ? indexed(snapshotOf(overlayObjects(objects, manifests)).snapshot)
    : cluster;
  return { cluster, view, clusterPolicies: built.snapshot.clusterPolicies };
}

/** Whether an input object can change the view's pods, Namespaces, Nodes or NetworkPolicies. */
function changesView(o: DecodedObject): boolean {
  const kind = (o.value as { kind?: unknown } | null)?.kind;
  return kind !== "ClusterNetworkPolicy";
}
