/**
 * Laying input files over a base set of objects (the live cluster's), by object identity.
 */
import { CLUSTER_SCOPED } from "../k8s/decode-object.js";
import type { RawObject } from "./documents.js";

/**
 * Lays `top` over `base`: an object in `top` replaces the object of the same kind, namespace and
 * name in `base`; everything else in `base` stays.
 */
export function overlayObjects<T extends RawObject>(base: readonly T[], top: readonly T[]): T[] {
  const key = (o: T): string | undefined => {
    const v = o.value as { kind?: unknown; metadata?: { namespace?: unknown; name?: unknown } } | null;
    if (!v || typeof v.kind !== "string" || typeof v.metadata?.name !== "string") return undefined;
    // Namespaces, Nodes and ClusterNetworkPolicies are cluster-scoped; every other kind netguard reads is namespaced.
    const namespaced = !CLUSTER_SCOPED.has(v.kind);
    return `${v.kind}/${namespaced ? (typeof v.metadata.namespace === "string" && v.metadata.namespace) || "default" : ""}/${v.metadata.name}`;
  };
  const replaced = new Set(top.map(key).filter((k): k is string => k !== undefined));
  return [...base.filter((o) => !replaced.has(key(o) ?? "")), ...top];
}
