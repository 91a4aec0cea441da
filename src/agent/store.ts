/**
 * The agent's view of the cluster: every watched object decoded to the compact model as it arrives
 * (the informers' raw objects are not needed for compiling), and the Snapshot assembled on demand.
 * A malformed object is kept out (or, for a policy, decoded fail-closed) and its issues are
 * reported once per change, naming it.
 */
import type { Issue } from "../diag/issue.js";
import { decodeObject } from "../k8s/decode-object.js";
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

/** Objects by kind and `namespace/name` (cluster-scoped: name). */
export class ClusterStore {
  private readonly pods = new Map<string, Pod>();
  private readonly namespaces = new Map<string, Namespace>();
  private readonly nodes = new Map<string, Node>();
  private readonly policies = new Map<string, NetworkPolicy>();

  /**
   * Adds or replaces an object as the API server sent it (list items lack kind/apiVersion, so the
   * informer's kind is given). Returns the issues found, already naming the object.
   */
  upsert(kind: WatchedKind, raw: unknown): Issue[] {
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

  /** Removes an object (idempotent). */
  remove(kind: WatchedKind, namespace: string | undefined, name: string): void {
    const key = namespace ? `${namespace}/${name}` : name;
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

  /** The current snapshot (sorted; namespaces assumed where pods or policies need one). */
  snapshot(): Snapshot {
    return assembleSnapshot(this.namespaces, this.pods.values(), this.policies.values(), this.nodes).snapshot;
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
