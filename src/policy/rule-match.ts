/**
 * Whether one NetworkPolicy rule allows one packet, written as the spec reads:
 * a rule allows traffic when some peer matches the other end (or the rule has no peers) AND some port
 * entry matches (or the rule has no ports).
 */
import { assertNever } from "../base/assert-never.js";
import type { NetworkPolicy, Peer, Pod, PortSpec, Protocol, Rule } from "../k8s/model.js";
import type { Addr } from "../net/address.js";
import type { ClusterIndex } from "./cluster-index.js";
import type { Endpoint } from "./endpoint.js";
import { selectorMatches } from "./selector.js";

/** The packet as a rule sees it: the other end, and the pod that owns named ports (the receiver). */
export interface RuleInput {
  readonly peer: Endpoint;
  /** The pod receiving the traffic: the selected pod for ingress, the destination pod (if any) for egress. */
  readonly receiver: Pod | undefined;
  readonly protocol: Protocol;
  readonly port: number;
}

/** Indexes (into `from`/`to` and `ports`) of what matched, or undefined when the rule does not allow it. */
export interface RuleHit {
  readonly peer?: number;
  readonly port?: number;
}

/** Applies one rule of `policy` to a packet. */
export function matchRule(
  index: ClusterIndex,
  policy: NetworkPolicy,
  rule: Rule,
  input: RuleInput,
): RuleHit | undefined {
  let peer: number | undefined;
  if (rule.peers.kind === "list") {
    const hit = rule.peers.items.find((p) => peerMatches(index, policy, p, input.peer));
    if (!hit) return undefined;
    peer = hit.index;
  }
  let port: number | undefined;
  if (rule.ports.kind === "list") {
    const hit = rule.ports.items.find((p) => portMatches(p, input));
    if (!hit) return undefined;
    port = hit.index;
  }
  return { ...(peer !== undefined ? { peer } : {}), ...(port !== undefined ? { port } : {}) };
}

/**
 * NetworkPolicyPeer: `podSelector` alone selects pods in the policy's namespace; `namespaceSelector`
 * alone all pods in matching namespaces; both together pods matching both; `ipBlock` any address in
 * `cidr` outside every `except` — pod addresses included.
 */
export function peerMatches(
  index: ClusterIndex,
  policy: NetworkPolicy,
  peer: Peer,
  other: Endpoint,
): boolean {
  switch (peer.kind) {
    case "pods": {
      if (other.kind !== "pod") return false;
      const pod = other.pod;
      if (peer.namespaces.kind === "own") {
        if (pod.namespace !== policy.namespace) return false;
      } else {
        const ns = index.namespace(pod.namespace);
        if (!ns || !selectorMatches(peer.namespaces.selector, ns.labels)) return false;
      }
      return selectorMatches(peer.pods, pod.labels);
    }
    case "ipBlock":
      // An end whose address is unknown (a pod template, a pod without status.podIP) is in no block.
      return other.addr !== undefined && inBlock(peer, other.addr);
    default:
      return assertNever(peer);
  }
}

/** Whether `addr` is inside the block's `cidr` and outside every `except`. */
export function inBlock(peer: Extract<Peer, { kind: "ipBlock" }>, addr: Addr): boolean {
  const within = (c: typeof peer.cidr) =>
    c.family === addr.family && addr.value >= c.range.lo && addr.value <= c.range.hi;
  return within(peer.cidr) && !peer.except.some(within);
}

/**
 * NetworkPolicyPort: the protocol must match; then a number or `port`..`endPort` range, no port
 * (every port of the protocol), or a named port resolved against the receiving pod's containerPorts
 * with the same name and protocol. A named port never matches when the receiver is not a pod.
 */
export function portMatches(
  spec: PortSpec,
  input: Pick<RuleInput, "receiver" | "protocol" | "port">,
): boolean {
  if (spec.protocol !== input.protocol) return false;
  switch (spec.kind) {
    case "protocol":
      return true;
    case "range":
      return input.port >= spec.from && input.port <= spec.to;
    case "named":
      return (
        input.receiver?.ports.some(
          (p) => p.name === spec.name && p.protocol === spec.protocol && p.port === input.port,
        ) ?? false
      );
    default:
      return assertNever(spec);
  }
}
