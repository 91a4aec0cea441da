/**
 * Who is at each end of a connection: a policy-target pod, a node (including host-network pods,
 * whose traffic carries the node's address), or an address outside the cluster's pods and nodes.
 */

import { type Node, type Pod, refOf } from "../k8s/model.js";
import { type Addr, addrKey, type Family, formatAddr, parseAddr } from "../net/address.js";
import type { ClusterIndex } from "./cluster-index.js";
import { nodeOwnAddresses } from "./cluster-index.js";

/** A resolved endpoint with the address the packet carries. */
export type Endpoint =
  | { readonly kind: "pod"; readonly pod: Pod; readonly addr: Addr }
  | { readonly kind: "node"; readonly node: Node; readonly addr: Addr; readonly viaPod?: Pod }
  | { readonly kind: "external"; readonly addr: Addr };

/** How a caller names an endpoint: a pod as `namespace/name`, or an IP address. */
export type EndpointRef = { readonly pod: string } | { readonly ip: string };

/** An endpoint before the packet's address family is chosen. */
type Candidate =
  | { readonly kind: "pod"; readonly pod: Pod; readonly addrs: readonly Addr[] }
  | { readonly kind: "node"; readonly node: Node; readonly addrs: readonly Addr[]; readonly viaPod?: Pod }
  | { readonly kind: "external"; readonly addrs: readonly Addr[] };

/** Resolves a reference, or returns a message saying why it cannot take part in traffic. */
export function resolveCandidate(index: ClusterIndex, ref: EndpointRef): Candidate | string {
  if ("ip" in ref) {
    const addr = parseAddr(ref.ip);
    if (!addr) return `"${ref.ip}" is not an IP address`;
    const pod = index.targetByAddr.get(addrKey(addr));
    if (pod) return { kind: "pod", pod, addrs: [addr] };
    const node = index.nodeByAddr.get(addrKey(addr));
    if (node) return { kind: "node", node, addrs: [addr] };
    return { kind: "external", addrs: [addr] };
  }
  const pod = index.podsByRef.get(ref.pod);
  if (!pod) return `pod ${ref.pod} is not in the input`;
  switch (pod.nonTarget) {
    case undefined:
      return { kind: "pod", pod, addrs: pod.ips };
    case "host-network": {
      const node = pod.nodeName ? index.snapshot.nodes.get(pod.nodeName) : undefined;
      if (!node)
        return `pod ${ref.pod} uses the host network, and its node ${pod.nodeName ?? "(unscheduled)"} is not in the input`;
      return { kind: "node", node, addrs: nodeOwnAddresses(node), viaPod: pod };
    }
    case "no-ip":
      return `pod ${ref.pod} has no IP address yet, so it neither sends nor receives pod-network traffic`;
    case "terminated":
      return `pod ${ref.pod} has finished (phase Succeeded or Failed) and is not a policy target`;
    case "template":
      return `${ref.pod} is a workload's pod template; only the dry-run view evaluates it`;
  }
}

/**
 * Picks the packet's address family: the first family of the source (primary first) that the
 * destination also has, or `family` when given. Returns a message when there is none.
 */
export function pickEndpoints(
  from: Candidate,
  to: Candidate,
  family?: Family,
): [Endpoint, Endpoint] | string {
  const fams = from.addrs.map((a) => a.family).filter((f) => to.addrs.some((a) => a.family === f));
  const chosen = family ? fams.find((f) => f === family) : fams[0];
  if (!chosen)
    return family ? `no ${family} address at both ends` : "the two ends have no IP family in common";
  const pick = (c: Candidate): Endpoint => {
    const addr = c.addrs.find((a) => a.family === chosen) as Addr;
    switch (c.kind) {
      case "pod":
        return { kind: "pod", pod: c.pod, addr };
      case "node":
        return c.viaPod
          ? { kind: "node", node: c.node, addr, viaPod: c.viaPod }
          : { kind: "node", node: c.node, addr };
      case "external":
        return { kind: "external", addr };
    }
  };
  return [pick(from), pick(to)];
}

/** Short description for reasons: `pod x/a (10.0.0.1)`, `node n1 (192.168.0.1)`, `10.9.9.9`. */
export function describeEndpoint(e: Endpoint): string {
  const ip = formatAddr(e.addr);
  switch (e.kind) {
    case "pod":
      return `pod ${refOf(e.pod)} (${ip})`;
    case "node":
      return e.viaPod
        ? `host-network pod ${refOf(e.viaPod)} on node ${e.node.name} (${ip})`
        : `node ${e.node.name} (${ip})`;
    case "external":
      return ip;
  }
}
