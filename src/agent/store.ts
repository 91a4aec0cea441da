/**
 * The agent's view of the cluster: every watched object decoded to the compact model as it arrives
 * (the informers' raw objects are not needed for compiling), and the Snapshot assembled on demand.
 * A malformed object is kept out (or, for a policy, decoded fail-closed) and its issues are
 * reported once per change, naming it.
 */
import type { Issue } from "../issue/issue.js";
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
} as const;

/** One of the watched kinds. */
export type WatchedKind = keyof typeof WATCHED_KINDS;

/** Deletions remembered (per kind) so a late re-list cannot bring an object back. */
const MAX_TOMBSTONES = 10_000;

/** Objects by kind and `namespace/name` (cluster-scoped: name). */
export class ClusterStore {
  private readonly pods = new Map<string, Pod>();
  private readonly namespaces = new Map<string, Namespace>();
  private readonly nodes = new Map<string, Node>();
  private readonly policies = new Map<string, NetworkPolicy>();
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
    const key = `${kind}/${keyOf(raw)}`;
    const rv = resourceVersionOf(raw);
    const deletedAt = this.tombstones.get(key);
    if (deletedAt !== undefined && !isNewer(rv, deletedAt)) return [];
    const held = this.versions.get(key);
    if (this.has(kind, key) && (held === undefined || !isNewer(rv, held))) return [];
    return this.upsert(kind, raw);
  }

  private decodeInto(kind: WatchedKind, raw: unknown): Issue[] {
    const value =
      typeof raw === "object" && raw !== null ? { ...raw, kind, apiVersion: WATCHED_KINDS[kind] } : raw;
    const { decoded, issues } = decodeObject(value, { file: `kubernetes:${kind}`, line: 0 });
    if (!decoded) return issues;
    switch (decoded.kind) {
      case "Pod":
        this.pods.set(refOf(decoded.value), decoded.value);
        break;
      case "Namespace":
        this.namespaces.set(decoded.value.name, decoded.value);
        break;
      case "Node":
        this.nodes.set(decoded.value.name, decoded.value);
        break;
      case "NetworkPolicy":
        this.policies.set(refOf(decoded.value), decoded.value);
        break;
    }
    return issues;
  }

  /**
   * Removes an object (idempotent); `resourceVersion` is that of the deletion, remembered so a
   * re-list answered from before it cannot resurrect the object.
   */
  remove(kind: WatchedKind, namespace: string | undefined, name: string, resourceVersion?: string): void {
    const key = namespace ? `${namespace}/${name}` : name;
    this.versions.delete(`${kind}/${key}`);
    this.tombstones.delete(`${kind}/${key}`);
    this.tombstones.set(`${kind}/${key}`, resourceVersion ?? "");
    if (this.tombstones.size > MAX_TOMBSTONES) {
      const oldest = this.tombstones.keys().next();
      if (!oldest.done) this.tombstones.delete(oldest.value);
    }
    switch (kind) {
      case "Pod":
        this.pods.delete(key);
        break;
      case "Namespace":
        this.namespaces.delete(name);
        break;
      case "Node":
        this.nodes.delete(name);
        break;
      case "NetworkPolicy":
        this.policies.delete(key);
        break;
    }
  }

  private has(kind: WatchedKind, kindKey: string): boolean {
    const key = kindKey.slice(kind.length + 1);
    switch (kind) {
      case "Pod":
        return this.pods.has(key);
      case "Namespace":
        return this.namespaces.has(key);
      case "Node":
        return this.nodes.has(key);
      case "NetworkPolicy":
        return this.policies.has(key);
    }
  }

  /** The current snapshot (sorted; namespaces assumed where pods or policies need one). */
  snapshot(): Snapshot {
    return assembleSnapshot(this.namespaces, this.pods.values(), this.policies.values(), this.nodes, [])
      .snapshot;
  }

  /** The nodes that run a pod carrying the label `key=value`. */
  nodesWithPodLabel(key: string, value: string): Set<string> {
    const out = new Set<string>();
    for (const p of this.pods.values()) if (p.nodeName && p.labels[key] === value) out.add(p.nodeName);
    return out;
  }

  /** The names of the known nodes. */
  nodeNames(): Iterable<string> {
    return this.nodes.keys();
  }

  /** Object counts, for logs and metrics. */
  counts(): Record<WatchedKind, number> {
    return {
      Pod: this.pods.size,
      Namespace: this.namespaces.size,
      Node: this.nodes.size,
      NetworkPolicy: this.policies.size,
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
