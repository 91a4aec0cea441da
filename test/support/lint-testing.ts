/**
 * Test support for the lint tables (not used by production code): manifests decoded through
 * `decodeObject`, cluster snapshots through `buildSnapshot`, and issues reduced to `code path`.
 */
import type { Issue } from "../../src/issue/issue.js";
import { decodeObject } from "../../src/k8s/decode-object.js";
import type { NetworkPolicy } from "../../src/k8s/model.js";
import { buildSnapshot } from "../../src/load/snapshot.js";
import { type ClusterIndex, indexSnapshot } from "../../src/policy/cluster-index.js";
import { lintPolicy } from "../../src/validate/lint/lint-policy.js";

type Json = Record<string, unknown>;

/** A NetworkPolicy object as written, in namespace `ns` unless given. */
export function manifest(spec: Json, name = "p", namespace = "ns"): Json {
  return { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name, namespace }, spec };
}

/** Decodes a NetworkPolicy manifest; fails the test when it does not decode without errors. */
export function decodePolicyObject(raw: Json): NetworkPolicy {
  const { decoded, issues } = decodeObject(raw, { file: "t.yaml", line: 1 });
  const errors = issues.filter((i) => i.severity === "error");
  if (decoded?.kind !== "NetworkPolicy" || errors.length > 0)
    throw new Error(`manifest does not decode: ${JSON.stringify(issues)}`);
  return decoded.value;
}

/** Builds a cluster index from Pod / Namespace / NetworkPolicy manifests. */
export function clusterOf(objects: readonly unknown[]): ClusterIndex {
  const { snapshot } = buildSnapshot(
    objects.map((value, i) => ({ value, source: { file: "c.yaml", line: i } })),
  );
  return indexSnapshot(snapshot);
}

/** A running pod with an IP and optional named container ports `name:port/PROTO`. */
export function pod(ns: string, name: string, ip: string, labels: Json = {}, ports: string[] = []): Json {
  const containerPorts = ports.map((p) => {
    const m = /^(.+):(\d+)\/(TCP|UDP|SCTP)$/.exec(p);
    if (!m) throw new Error(`bad port ${p}`);
    return { name: m[1], containerPort: Number(m[2]), protocol: m[3] };
  });
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: "c", image: "i", ports: containerPorts }] },
    status: { phase: "Running", podIP: ip, podIPs: [{ ip }] },
  };
}

/** A Namespace manifest. */
export function namespace(name: string, labels: Json = {}): Json {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

/** Lints `raws[0]` with every manifest in `raws` as the input's policies. */
export function lintFirst(raws: readonly Json[], cluster?: ClusterIndex): Issue[] {
  const policies = raws.map(decodePolicyObject);
  return lintPolicy(policies[0] as NetworkPolicy, raws[0] as Json, {
    policies,
    ...(cluster ? { cluster } : {}),
  });
}

/** `code path` of each issue, for compact expectations. */
export function found(issues: readonly Issue[]): string[] {
  return issues.map((i) => `${i.code} ${i.path}`);
}
