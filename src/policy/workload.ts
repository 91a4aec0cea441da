/**
 * Which workload an entry of the dry-run belongs to (issue 12, "Real dumps"): its top-level owner
 * (`ns/Kind/name`, from `metadata.ownerReferences` via the dry-run view) when known, a workload entry
 * (`ns/Kind/name`) itself, and for a pod with neither the old heuristic — the usual app labels, else
 * the pod's name without the suffixes a ReplicaSet or a StatefulSet controller appends.
 */
import type { Pod } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";

/**
 * The heuristic workload name of a pod without a known owner: `app.kubernetes.io/name`, `app` or
 * `k8s-app`, else its name without generated suffixes (`web-5d8f7c9b4-x2k8p` → `web`).
 */
export function workloadOf(pod: Pod): string {
  const l = pod.labels;
  return (
    l["app.kubernetes.io/name"] ??
    l.app ??
    l["k8s-app"] ??
    pod.name.replace(/(-[a-z0-9]{8,10})?-[a-z0-9]{5}$/, "")
  );
}

/**
 * `simulate --group-by workload`: the top-level owner (`Pod.owner`), else the entry itself — a
 * workload entry (`ns/Kind/name`) or a pod that belongs to no workload (`ns/name`).
 */
export function ownerGroupOf(pod: Pod): string {
  return pod.owner ?? refOf(pod);
}

/**
 * `diff` and `simulate --format dot|mermaid`: the owner or workload entry when known (exact), else
 * `ns/` + the heuristic `workloadOf` — hand-written pod lists carry no ownerReferences, and pods of
 * one Deployment written out by hand are still drawn as one node.
 */
export function workloadGroupOf(pod: Pod): string {
  if (pod.owner !== undefined) return pod.owner;
  if (pod.workload !== undefined) return refOf(pod);
  return `${pod.namespace}/${workloadOf(pod)}`;
}
