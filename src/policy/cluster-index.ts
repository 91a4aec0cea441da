/**
 * Lookups over a Snapshot that the evaluator and compiler need many times: pods by reference and by
 * IP, policies by namespace, and which addresses belong to which node. Built once per snapshot.
 */

import { pushTo } from "../base/multimap.js";
import type { Namespace, NetworkPolicy, Node, Pod, Snapshot } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import { type Addr, addrKey } from "../net/address.js";

/** Read-only indexes of a snapshot. */
export interface ClusterIndex {
  readonly snapshot: Snapshot;
  /** Every pod by `namespace/name`, targets or not. */
  readonly podsByRef: ReadonlyMap<string, Pod>;
  /** Policy-target pods, sorted by reference. */
  readonly targets: readonly Pod[];
  /** Policy-target pods by each of their IPs. */
  readonly targetByAddr: ReadonlyMap<string, Pod>;
  /** Policy-target pods per namespace. */
  readonly targetsByNamespace: ReadonlyMap<string, readonly Pod[]>;
  readonly policiesByNamespace: ReadonlyMap<string, readonly NetworkPolicy[]>;
  /** Node by each of its own addresses (see nodeOwnAddresses). */
  readonly nodeByAddr: ReadonlyMap<string, Node>;
  namespace(name: string): Namespace | undefined;
}

/**
 * The addresses a node's own traffic to its pods can carry: its InternalIP/ExternalIP addresses and
 * the gateway address of each pod CIDR (the `cni0` bridge address under Flannel, the first host
 * address of the subnet), which is the source of kubelet probes to local pods.
 */
export function nodeOwnAddresses(node: Node): Addr[] {
  const gateways = node.podCIDRs.map((c) => ({ family: c.family, value: c.range.lo + 1n }));
  const seen = new Set<string>();
  return [...node.addresses, ...gateways].filter((a) => {
    const k = addrKey(a);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Builds the indexes. Pure; O(pods + policies + nodes). */
export function indexSnapshot(snapshot: Snapshot): ClusterIndex {
  const podsByRef = new Map<string, Pod>();
  const targets: Pod[] = [];
  const targetByAddr = new Map<string, Pod>();
  const targetsByNamespace = new Map<string, Pod[]>();
  for (const pod of snapshot.pods) {
    podsByRef.set(refOf(pod), pod);
    if (pod.nonTarget) continue;
    targets.push(pod);
    for (const ip of pod.ips) if (!targetByAddr.has(addrKey(ip))) targetByAddr.set(addrKey(ip), pod);
    pushTo(targetsByNamespace, pod.namespace, pod);
  }
  const policiesByNamespace = new Map<string, NetworkPolicy[]>();
  for (const p of snapshot.policies) pushTo(policiesByNamespace, p.namespace, p);
  const nodeByAddr = new Map<string, Node>();
  for (const node of snapshot.nodes.values()) {
    for (const a of nodeOwnAddresses(node)) nodeByAddr.set(addrKey(a), node);
  }
  return {
    snapshot,
    podsByRef,
    targets,
    targetByAddr,
    targetsByNamespace,
    policiesByNamespace,
    nodeByAddr,
    namespace: (name) => snapshot.namespaces.get(name),
  };
}
