/**
 * The agent's view of the cluster: every watched object decoded to the compact model as it arrives
 * (the informers' raw objects are not needed for compiling), and the Snapshot assembled on demand.
 * A malformed object is kept out (or, for a policy, decoded fail-closed) and its issues are
 * reported once per change, naming it.
 */
import { assertNever } from "../base/assert-never.js";
import type { Issue } from "../issue/issue.js";
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import { CNP_API_VERSION } from "../k8s/decode-cnp.js";
import { decodeObject } from "../k8s/decode-object.js";
import { isObject } from "../k8s/fields.js";
import {
  type Namespace,
  type NetworkPolicy,
  type Node,
  type Pod,
  refOf,
  type Snapshot,
} from "../k8s/model.js";
import { assembleSnapshot } from "../load/snapshot.js";

/** The kinds the agent watches, with their API group/version. */
export const WATCHED_KINDS = {
  Pod: "v1",
  Namespace: "v1",
  Node: "v1",
  NetworkPolicy: "networking.k8s.io/v1",
  ClusterNetworkPolicy: CNP_API_VERSION,
} as const;

/** One of the watched kinds. */
export type WatchedKind = keyof typeof WATCHED_KINDS;

/** The decoded model of each watched kind. */
interface Models {
  Pod: Pod;
  Namespace: Namespace;
  Node: Node;
  NetworkPolicy: NetworkPolicy;
  ClusterNetworkPolicy: ClusterNetworkPolicy;
}

/** The watched kinds without a namespace: keyed by name. */
const CLUSTER_SCOPED: ReadonlySet<WatchedKind> = new Set(["Namespace", "Node", "ClusterNetworkPolicy"]);

/** Deletions remembered (per kind) so a late re-list cannot bring an object back. */
const MAX_TOMBSTONES = 10_000;

/** Objects by kind and `namespace/name` (cluster-scoped: name). */
export class ClusterStore {
  private readonly objects: { readonly [K in WatchedKind]: Map<string, Models[K]> } = {
    Pod: new Map(),
    Namespace: new Map(),
    Node: new Map(),
    NetworkPolicy: new Map(),
    ClusterNetworkPolicy: new Map(),
  };
  /** `kind/key` → metadata.resourceVersion of the version held. */
  private readonly versions = new Map<string, string>();
  /** `kind/key` → resourceVersion at which the informer saw the object deleted. */
  private readonly tombstones = new Map<string, string>();

  /**
   * Adds or replaces an object as the API server sent it (list items lack kind/apiVersion, so the
   * informer's kind is given). Returns the issues found, already naming the object.
   */
  upsert(kind: WatchedKind, raw: unknown): Issue[] {
    const key = `${kind}/${keyOf(raw)}`;
    this.tombstones.delete(key);
    const rv = resourceVersionOf(raw);
    if (rv !== undefined) this.versions.set(key, rv);
    else this.versions.delete(key);
    return this.decodeInto(kind, raw);
  }

  /**
   * Adds or replaces an object read outside the informers (a CNI ADD's fetch and re-list), but only
   * when it is newer than what the store holds: an object the informer has seen deleted since, or
   * already holds at the same or a later resourceVersion, is left alone (returns no issues). The
   * API server's resourceVersions are etcd revisions; one that is not a decimal number is never
   * taken as newer, so such an object only fills a gap.
   */
  upsertFresh(kind: WatchedKind, raw: unknown): Issue[] {
    const key = keyOf(raw);
    const rv = resourceVersionOf(raw);
    const deletedAt = this.tombstones.get(`${kind}/${key}`);
    if (deletedAt !== undefined && !isNewer(rv, deletedAt)) return [];
    const held = this.versions.get(`${kind}/${key}`);
    if (this.objects[kind].has(key) && (held === undefined || !isNewer(rv, held))) return [];
    return this.upsert(kind, raw);
  }

  /**
   * Decodes with the one decoder in its default, fail-closed mode: a policy (NetworkPolicy or
   * ClusterNetworkPolicy) with a field netguard does not know is kept in its fail-closed reading.
   */
  private decodeInto(kind: WatchedKind, raw: unknown): Issue[] {
    const value =
      typeof raw === "object" && raw !== null ? { ...raw, kind, apiVersion: WATCHED_KINDS[kind] } : raw;
    const { decoded, issues } = decodeObject(value, { file: `kubernetes:${kind}`, line: 0 });
    if (!decoded) return issues;
    const o = this.objects;
    switch (decoded.kind) {
      case "Pod":
        o.Pod.set(refOf(decoded.value), decoded.value);
        break;
      case "NetworkPolicy":
        o.NetworkPolicy.set(refOf(decoded.value), decoded.value);
        break;
      case "Namespace":
        o.Namespace.set(decoded.value.name, decoded.value);
        break;
      case "Node":
        o.Node.set(decoded.value.name, decoded.value);
        break;
      case "ClusterNetworkPolicy":
        o.ClusterNetworkPolicy.set(decoded.value.name, decoded.value);
        break;
      default:
        assertNever(decoded);
    }
    return issues;
  }

  /**
   * Removes an object (idempotent); `resourceVersion` is that of the deletion, remembered so a
   * re-list answered from before it cannot resurrect the object.
   */
  remove(kind: WatchedKind, namespace: string | undefined, name: string, resourceVersion?: string): void {
    const key = namespace && !CLUSTER_SCOPED.has(kind) ? `${namespace}/${name}` : name;
    this.versions.delete(`${kind}/${key}`);
    this.tombstones.delete(`${kind}/${key}`);
    this.tombstones.set(`${kind}/${key}`, resourceVersion ?? "");
    if (this.tombstones.size > MAX_TOMBSTONES) {
      const oldest = this.tombstones.keys().next();
      if (!oldest.done) this.tombstones.delete(oldest.value);
    }
    this.objects[kind].delete(key);
  }

  /**
   * Forgets every object of a kind whose API went away (the ClusterNetworkPolicy CRD deleted: the
   * API server deletes its objects with it). Returns how many were held.
   */
  clear(kind: WatchedKind): number {
    const held = this.objects[kind].size;
    this.objects[kind].clear();
    for (const map of [this.versions, this.tombstones])
      for (const k of [...map.keys()]) if (k.startsWith(`${kind}/`)) map.delete(k);
    return held;
  }

  /** The current snapshot (sorted; namespaces assumed where pods or policies need one). */
  snapshot(): Snapshot {
    const o = this.objects;
    return assembleSnapshot(
      o.Namespace,
      o.Pod.values(),
      o.NetworkPolicy.values(),
      o.Node,
      o.ClusterNetworkPolicy.values(),
    ).snapshot;
  }

  /** The nodes that run a pod carrying the label `key=value`. */
  nodesWithPodLabel(key: string, value: string): Set<string> {
    const out = new Set<string>();
    for (const p of this.objects.Pod.values()) if (p.nodeName && p.labels[key] === value) out.add(p.nodeName);
    return out;
  }

  /** The names of the known nodes. */
  nodeNames(): Iterable<string> {
    return this.objects.Node.keys();
  }

  /** Object counts, for logs and metrics. */
  counts(): Record<WatchedKind, number> {
    const o = this.objects;
    return {
      Pod: o.Pod.size,
      Namespace: o.Namespace.size,
      Node: o.Node.size,
      NetworkPolicy: o.NetworkPolicy.size,
      ClusterNetworkPolicy: o.ClusterNetworkPolicy.size,
    };
  }
}

/** `namespace/name` (cluster-scoped: name) of a raw object; empty when it has no name. */
function keyOf(raw: unknown): string {
  const meta = isObject(raw) && isObject(raw.metadata) ? raw.metadata : {};
  const name = typeof meta.name === "string" ? meta.name : "";
  return typeof meta.namespace === "string" && meta.namespace ? `${meta.namespace}/${name}` : name;
}

/** `metadata.resourceVersion` of a raw object. */
export function resourceVersionOf(raw: unknown): string | undefined {
  const meta = isObject(raw) && isObject(raw.metadata) ? raw.metadata : {};
  return typeof meta.resourceVersion === "string" ? meta.resourceVersion : undefined;
}

/** True when `a` is a later resourceVersion than `b` (both decimal etcd revisions). */
function isNewer(a: string | undefined, b: string): boolean {
  if (a === undefined || !/^\d{1,30}$/.test(a)) return false;
  if (!/^\d{1,30}$/.test(b)) return false;
  return BigInt(a) > BigInt(b);
}
