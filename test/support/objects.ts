/**
 * Builders for raw Kubernetes objects, as they would appear in YAML, for tests. They go through the
 * real decoder (buildSnapshot), so tests exercise the same path as user input.
 */

import type { Snapshot } from "../../src/k8s/model.js";
import type { RawObject } from "../../src/load/documents.js";
import { buildSnapshot } from "../../src/load/snapshot.js";
import { type ClusterIndex, indexSnapshot } from "../../src/policy/cluster-index.js";

export type Json = Record<string, unknown>;

export function namespace(name: string, labels: Record<string, string> = {}): Json {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

export interface PodOpts {
  labels?: Record<string, string>;
  ips?: string[];
  node?: string;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  phase?: string;
  hostNetwork?: boolean;
}

export function pod(ns: string, name: string, o: PodOpts = {}): Json {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels: o.labels ?? {} },
    spec: {
      nodeName: o.node ?? "n1",
      ...(o.hostNetwork ? { hostNetwork: true } : {}),
      containers: [{ name: "main", image: "registry.invalid/app", ports: o.ports ?? [] }],
    },
    status: {
      phase: o.phase ?? "Running",
      ...(o.ips && o.ips.length > 0 ? { podIP: o.ips[0], podIPs: o.ips.map((ip) => ({ ip })) } : {}),
    },
  };
}

export function node(name: string, internalIP: string, podCIDRs: string[]): Json {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name },
    spec: { podCIDR: podCIDRs[0], podCIDRs },
    status: { addresses: [{ type: "InternalIP", address: internalIP }] },
  };
}

export function policy(ns: string, name: string, spec: Json): Json {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace: ns },
    spec,
  };
}

/** Decodes objects into a snapshot; fails the test on any error-severity issue unless `allowErrors`. */
export function snapshotOf(objects: Json[], opts: { allowErrors?: boolean } = {}): Snapshot {
  const raw: RawObject[] = objects.map((value, i) => ({ value, source: { file: "test", line: i + 1 } }));
  const { snapshot, issues } = buildSnapshot(raw);
  const errors = issues.filter((i) => i.severity === "error");
  if (errors.length > 0 && !opts.allowErrors)
    throw new Error(`test input has errors: ${JSON.stringify(errors)}`);
  return snapshot;
}

export function indexOf(objects: Json[]): ClusterIndex {
  return indexSnapshot(snapshotOf(objects));
}
