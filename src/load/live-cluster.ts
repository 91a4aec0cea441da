/**
 * Reads the current state of a cluster (read-only: list calls only) — Namespaces, Nodes, Pods,
 * NetworkPolicies, ClusterNetworkPolicies and the workloads that own pods — as raw objects, so files
 * can be laid over it to answer "what would this change do to my cluster". Lists are read as the
 * plain JSON the API server sends (src/api-client/raw-api.ts), never through the client library's
 * typed models, so they decode exactly like files do.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeApiError, type KubeReader, kubeReader, type RawList } from "../api-client/raw-api.js";
import { CNP_API_VERSION } from "../k8s/decode-cnp.js";
import type { RawObject } from "./documents.js";

const KINDS = [
  ["Namespace", "v1", "/api/v1/namespaces"],
  ["Node", "v1", "/api/v1/nodes"],
  ["Pod", "v1", "/api/v1/pods"],
  ["NetworkPolicy", "networking.k8s.io/v1", "/apis/networking.k8s.io/v1/networkpolicies"],
  // Workloads: a live pod's owner chain (ReplicaSet -> Deployment) and the templates a file replaces.
  ["Deployment", "apps/v1", "/apis/apps/v1/deployments"],
  ["ReplicaSet", "apps/v1", "/apis/apps/v1/replicasets"],
  ["StatefulSet", "apps/v1", "/apis/apps/v1/statefulsets"],
  ["DaemonSet", "apps/v1", "/apis/apps/v1/daemonsets"],
  ["Job", "batch/v1", "/apis/batch/v1/jobs"],
  ["CronJob", "batch/v1", "/apis/batch/v1/cronjobs"],
  ["ReplicationController", "v1", "/api/v1/replicationcontrollers"],
  ["ClusterNetworkPolicy", CNP_API_VERSION, `/apis/${CNP_API_VERSION}/clusternetworkpolicies`],
] as const;

/**
 * Kinds served by a CustomResourceDefinition: a cluster without the CRD answers their list 404, which
 * means there are none (ClusterNetworkPolicy comes from network-policy-api's CRDs, not Kubernetes).
 */
const CRD_KINDS: ReadonlySet<string> = new Set(["ClusterNetworkPolicy"]);

/** Lists one kind; a CRD kind whose list is 404 (the CRD is not installed) has no objects. */
async function listKind(reader: KubeReader, kind: string, path: string): Promise<RawList> {
  try {
    return await reader.list(path);
  } catch (e) {
    if (CRD_KINDS.has(kind) && e instanceof KubeApiError && e.status === 404)
      return { items: [], resourceVersion: "" };
    throw e;
  }
}

/** Lists every kind above; each object is tagged with its kind and `cluster` as its source. */
export async function readLiveCluster(
  kc: KubeConfig,
  reader: KubeReader = kubeReader(kc),
): Promise<RawObject[]> {
  const lists = await Promise.all(KINDS.map(([kind, , path]) => listKind(reader, kind, path)));
  const out: RawObject[] = [];
  KINDS.forEach(([kind, apiVersion], i) => {
    for (const item of lists[i]?.items ?? []) {
      const value = typeof item === "object" && item !== null ? { ...item, kind, apiVersion } : item;
      out.push({ value, source: { file: "<cluster>", line: 0 } });
    }
  });
  return out;
}
