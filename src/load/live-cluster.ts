/**
 * Reads the current state of a cluster (read-only: list calls only) — Namespaces, Nodes, Pods and
 * NetworkPolicies — as raw objects, so files can be laid over it to answer "what would this change
 * do to my cluster".
 */
import { CoreV1Api, type KubeConfig, NetworkingV1Api } from "@kubernetes/client-node";
import type { RawObject } from "./documents.js";

/** Lists the four kinds; each object is tagged with its kind and `cluster` as its source. */
export async function readLiveCluster(kc: KubeConfig): Promise<RawObject[]> {
  const core = kc.makeApiClient(CoreV1Api);
  const net = kc.makeApiClient(NetworkingV1Api);
  const [namespaces, nodes, pods, policies] = await Promise.all([
    core.listNamespace(),
    core.listNode(),
    core.listPodForAllNamespaces(),
    net.listNetworkPolicyForAllNamespaces(),
  ]);
  const tag = (kind: string, apiVersion: string, items: readonly object[]): RawObject[] =>
    items.map((o) => ({ value: { ...o, kind, apiVersion }, source: { file: "<cluster>", line: 0 } }));
  return [
    ...tag("Namespace", "v1", namespaces.items),
    ...tag("Node", "v1", nodes.items),
    ...tag("Pod", "v1", pods.items),
    ...tag("NetworkPolicy", "networking.k8s.io/v1", policies.items),
  ];
}
