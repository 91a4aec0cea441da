/**
 * Builds a Snapshot from raw objects: decodes each, keeps the last of duplicates (as `kubectl apply`
 * of a stream would), and assumes Namespaces that pods or policies live in but the input lacks.
 * Workloads (Deployments, Jobs, ...) are in `pods` as template entries named `Kind/name`.
 */
import { assertNever } from "../base/assert-never.js";
import { byName, compareStrings, sortedByKey } from "../base/compare.js";
import { appendAll } from "../base/append-all.js";
import { type Issue, warning } from "../issue/issue.js";
import { clipName } from "../issue/quote.js";
import { namespaceLabels } from "../k8s/decode-namespace.js";
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import { type Decoded, decodeObject } from "../k8s/decode-object.js";
import type { DecodeOptions } from "../k8s/fields.js";
import {
  type Namespace,
  type NetworkPolicy,
  type Node,
  type Pod,
  refOf,
  type Snapshot,
} from "../k8s/model.js";
import type { RawObject } from "./documents.js";

/** A snapshot plus everything that was wrong with the input. */
export interface LoadResult {
  readonly snapshot: Snapshot;
  readonly issues: Issue[];
}

/** Decodes raw objects into a Snapshot. Pure: same objects, same snapshot. */
export function buildSnapshot(objects: readonly RawObject[], opts: DecodeOptions = {}): LoadResult {
  return snapshotOf(decodeObjects(objects, opts));
}

/** An object as read, with what the one decoder made of it (`decodeObject`). */
export interface DecodedObject extends RawObject {
  readonly decoded?: Decoded;
  readonly issues: readonly Issue[];
}

/**
 * Decodes each object once, keeping it as read: snapshots of several overlays of the same objects
 * (`overlayObjects` keeps them) are then built without decoding again (`snapshotOf`).
 */
export function decodeObjects(objects: readonly RawObject[], opts: DecodeOptions = {}): DecodedObject[] {
  return objects.map((o) => ({ ...o, ...decodeObject(o.value, o.source, opts) }));
}

/** The Snapshot of decoded objects, with their issues (as `buildSnapshot`). */
export function snapshotOf(objects: readonly DecodedObject[]): LoadResult {
  const issues: Issue[] = [];
  const namespaces = new Map<string, Namespace>();
  const pods = new Map<string, Pod>();
  const policies = new Map<string, NetworkPolicy>();
  const nodes = new Map<string, Node>();
  const clusterPolicies = new Map<string, ClusterNetworkPolicy>();
  const seen = (map: ReadonlyMap<string, Sourced>, key: string, kind: string, o: RawObject) => {
    const prev = map.get(key);
    if (prev) issues.push(duplicateWarning(prev, key, kind, o));
  };
  for (const o of objects) {
    const { decoded } = o;
    appendAll(issues, o.issues);
    if (!decoded) continue;
    switch (decoded.kind) {
      case "Namespace":
        seen(namespaces, decoded.value.name, "Namespace", o);
        namespaces.set(decoded.value.name, decoded.value);
        break;
      case "Node":
        seen(nodes, decoded.value.name, "Node", o);
        nodes.set(decoded.value.name, decoded.value);
        break;
      case "Pod":
        // A workload's entry is `ns/Kind/name`, so it never collides with a pod's `ns/name`.
        seen(pods, refOf(decoded.value), decoded.value.workload ?? "Pod", o);
        pods.set(refOf(decoded.value), decoded.value);
        break;
      case "NetworkPolicy":
        seen(policies, refOf(decoded.value), "NetworkPolicy", o);
        policies.set(refOf(decoded.value), decoded.value);
        break;
      case "ClusterNetworkPolicy":
        seen(clusterPolicies, decoded.value.name, "ClusterNetworkPolicy", o);
        clusterPolicies.set(decoded.value.name, decoded.value);
        break;
      default:
        assertNever(decoded);
    }
  }
  const assembled = assembleSnapshot(
    namespaces,
    pods.values(),
    policies.values(),
    nodes,
    clusterPolicies.values(),
  );
  return { snapshot: assembled.snapshot, issues: [...issues, ...assembled.issues] };
}

/** An object that may say where it was read from. */
interface Sourced {
  readonly source?: { readonly file: string; readonly line: number };
}

/** The warning for an object whose key `prev` already had: the last one wins, as with `kubectl apply`. */
function duplicateWarning(prev: Sourced, key: string, kind: string, o: RawObject): Issue {
  const where = prev.source ? ` (first at ${prev.source.file}:${prev.source.line})` : "";
  return {
    ...warning(
      "duplicate-object",
      "",
      `${kind} ${clipName(key)} appears more than once${where}; the last one is used`,
    ),
    source: o.source,
  };
}

/**
 * Puts decoded objects together into a Snapshot: sorted by reference, with a Namespace assumed
 * (and a warning) for every namespace a pod or policy lives in but no Namespace object declares.
 * Does not modify its inputs.
 */
export function assembleSnapshot(
  declared: ReadonlyMap<string, Namespace>,
  pods: Iterable<Pod>,
  policies: Iterable<NetworkPolicy>,
  nodes: ReadonlyMap<string, Node>,
  clusterPolicies: Iterable<ClusterNetworkPolicy>,
): LoadResult {
  const issues: Issue[] = [];
  const namespaces = new Map(declared);
  const podList = [...pods];
  const policyList = [...policies];
  assumeNamespaces(namespaces, [...podList, ...policyList], issues);
  return {
    snapshot: {
      namespaces: sortedByKey(namespaces),
      pods: sortedByRef(podList),
      policies: sortedByRef(policyList),
      nodes: sortedByKey(new Map(nodes)),
      clusterPolicies: [...clusterPolicies].sort(byName),
    },
    issues,
  };
}

/** A namespace referenced but not declared exists with only `kubernetes.io/metadata.name` as label. */
function assumeNamespaces(
  namespaces: Map<string, Namespace>,
  members: ReadonlyArray<Pod | NetworkPolicy>,
  issues: Issue[],
): void {
  for (const m of members) {
    if (namespaces.has(m.namespace)) continue;
    namespaces.set(m.namespace, {
      name: m.namespace,
      labels: namespaceLabels(m.namespace, {}),
      declared: false,
    });
    issues.push({
      ...warning(
        "namespace-assumed",
        "metadata.namespace",
        `Namespace ${clipName(m.namespace)} is not in the input; assuming it exists with only the kubernetes.io/metadata.name label`,
      ),
      ...(m.source ? { source: m.source } : {}),
      object: { kind: "Namespace", name: m.namespace },
    });
  }
}

/**
 * `xs` in `namespace/name` order. Each ref is built once (not once per comparison), and input that
 * is already in order (the agent's store keeps its objects so) is returned after one pass.
 */
function sortedByRef<T extends { namespace: string; name: string }>(xs: T[]): T[] {
  const keys = xs.map(refOf);
  if (isSorted(keys)) return xs;
  return keys
    .map((_, i) => i)
    .sort((a, b) => compareStrings(keys[a] as string, keys[b] as string))
    .map((i) => xs[i] as T);
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++)
    if (compareStrings(keys[i - 1] as string, keys[i] as string) > 0) return false;
  return true;
}
