/**
 * `--kubeconfig` for simulate, explain and diff: the live cluster's objects (read-only), under the
 * given files. The Kubernetes client is loaded only when the flag is used.
 */
import type { RawObject } from "../load/documents.js";
import { UsageError } from "./io.js";

/** The cluster's objects, or none without a kubeconfig. Problems are usage errors (exit 2). */
export async function clusterBase(kubeconfig: string | undefined): Promise<RawObject[]> {
  if (!kubeconfig) return [];
  const { KubeConfig } = await import("@kubernetes/client-node");
  const { readLiveCluster } = await import("../load/live-cluster.js");
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(kubeconfig);
  } catch (e) {
    throw new UsageError(`--kubeconfig ${kubeconfig}: ${(e as Error).message}`);
  }
  try {
    return await readLiveCluster(kc);
  } catch (e) {
    throw new UsageError(`reading the cluster through ${kubeconfig} failed: ${(e as Error).message}`);
  }
}
