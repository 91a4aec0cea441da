/**
 * Who is at each end of a connection: a policy-target pod, a node (including host-network pods,
 * whose traffic carries the node's address), or an address outside the cluster's pods and nodes.
 */

import { type Node, type Pod, refOf } from "../k8s/model.js";
import { type Addr, addrKey, type Family, formatAddr, parseAddr } from "../net/address.js";
import type { ClusterIndex } from "./cluster-index.js";
import { nodeOwnAddresses } from "./cluster-index.js";

/**
 * A resolved endpoint with the address the packet carries. A pod's `addr` is absent when its
 * address is unknown (a workload's pod template, a pod written without `status.podIP`): such an
 * end is matched by no ipBlock.
 */
export type Endpoint =
  | { readonly kind: "pod"; readonly pod: Pod; readonly addr?: Addr }
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
 * The families a packet between two ends can have, in order of preference: the source's families
 * (primary first) that the destination also has. An end without any address (a pod whose address
 * is unknown) takes any family: then the other end's families, or `[]` when neither has an address
 * (the packet's family is then unknown, which only ipBlocks could care about, and they match
 * neither end).
 */
export function commonFamilies(from: readonly Addr[], to: readonly Addr[]): Family[] | undefined {
  const fams = (addrs: readonly Addr[]) => [...new Set(addrs.map((a) => a.family))];
  if (from.length === 0) return fams(to);
  if (to.length === 0) return fams(from);
  const common = fams(from).filter((f) => to.some((a) => a.family === f));
  return common.length > 0 ? common : undefined;
}

/**
 * Picks the packet's address family (see commonFamilies), or `family` when given. Returns a
 * message when there is none.
 */
export function pickEndpoints(
  from: Candidate,
  to: Candidate,
  family?: Family,
): [Endpoint, Endpoint] | string {
  const fams = commonFamilies(from.addrs, to.addrs) ?? [];
  const addressless = from.addrs.length === 0 && to.addrs.length === 0;
  const chosen = family ? (addressless ? family : fams.find((f) => f === family)) : fams[0];
  if (!chosen && !addressless)
    return family ? `no ${family} address at both ends` : "the two ends have no IP family in common";
  const pick = (c: Candidate): Endpoint => {
    const addr = c.addrs.find((a) => a.family === chosen);
    switch (c.kind) {
      case "pod":
        return addr ? { kind: "pod", pod: c.pod, addr } : { kind: "pod", pod: c.pod };
      case "node":
        return c.viaPod
          ? { kind: "node", node: c.node, addr: addr as Addr, viaPod: c.viaPod }
          : { kind: "node", node: c.node, addr: addr as Addr };
      case "external":
        return { kind: "external", addr: addr as Addr };
    }
  };
  return [pick(from), pick(to)];
}

/**
 * Short description for reasons: `pod x/a (10.0.0.1)`, `pod x/a (no address)`,
 * `workload x/Deployment/web (no address)`, `node n1 (192.168.0.1)`, `10.9.9.9`.
 */
export function describeEndpoint(e: Endpoint): string {
  switch (e.kind) {
    case "pod":
      return `${e.pod.workload ? "workload" : "pod"} ${refOf(e.pod)} (${e.addr ? formatAddr(e.addr) : "no address"})`;
    case "node":
      return e.viaPod
        ? `host-network pod ${refOf(e.viaPod)} on node ${e.node.name} (${formatAddr(e.addr)})`
        : `node ${e.node.name} (${formatAddr(e.addr)})`;
    case "external":
      return formatAddr(e.addr);
  }
}
