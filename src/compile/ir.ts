/**
 * The compiler's output for one node: per local pod an ingress and an egress chain of allow rules
 * (the NetworkPolicy tier), the ClusterNetworkPolicy tier chains a pod consults before (Admin) and
 * after (Baseline) it, and the named, shared sets those rules reference. It is shaped for nftables — a verdict map
 * dispatches by pod address into the pod's chain, each rule is one set lookup per family, and a
 * chain that matches nothing drops — but holds no nft syntax. Plain data: print it to read it.
 */
import type { CnpAction, CnpTier } from "../k8s/cnp-model.js";
import type { Direction, Protocol } from "../k8s/model.js";
import type { Addr, Family } from "../net/address.js";
import type { Interval } from "../net/interval.js";

/** Where a rule came from: the policy and the rule's field path (`spec.ingress[1]`). */
export interface Origin {
  readonly policy: string;
  readonly rule: string;
}

/** Peer addresses a rule accepts: anything, or members of one named set per family (absent: none of that family). */
export type AddrMatch =
  { readonly kind: "any" } | { readonly kind: "sets"; readonly v4?: string; readonly v6?: string };

/** Destination ports a rule accepts: anything, or members of a named `protocol . port-range` set. */
export type PortMatch = { readonly kind: "any" } | { readonly kind: "set"; readonly set: string };

/** One allow rule of a pod chain. */
export type IrRule =
  /** Peer address AND port/protocol match. Both `any` means: allow everything. */
  | { readonly kind: "allow"; readonly peers: AddrMatch; readonly ports: PortMatch; readonly origin: Origin }
  /**
   * Egress named ports: `daddr . protocol . port` tuples, one per destination pod inside the rule's
   * peers that declares the named port (the named port resolves against the destination pod).
   */
  | {
      readonly kind: "allow-endpoint-ports";
      readonly v4?: string;
      readonly v6?: string;
      readonly origin: Origin;
    };

/** A pod's decision for one direction. */
export type PodChain =
  /** No policy selects the pod for this direction: everything is allowed. */
  | { readonly kind: "open" }
  /** Isolated: only what one of `rules` allows passes; anything else is dropped. */
  | { readonly kind: "isolated"; readonly policies: readonly string[]; readonly rules: readonly IrRule[] };

/**
 * Destination ports a ClusterNetworkPolicy rule matches: anything, a named `protocol . port-range`
 * set, or (`destinationNamedPort`, resolved against the destination pod) a named set of
 * `daddr . protocol . port` tuples per family — the destination pods that declare the port.
 */
export type TierPortMatch =
  | { readonly kind: "any" }
  | { readonly kind: "set"; readonly set: string }
  | { readonly kind: "endpoints"; readonly v4?: string; readonly v6?: string };

/**
 * One ClusterNetworkPolicy rule (or one part of it: a rule with several port kinds becomes several
 * tier rules with the same action, origin and counter), in evaluation order. The first one whose
 * peer (`peers`, the other end's address) and ports both match decides: `spec.*[].action`
 * "Accept" allows this direction, "Deny" drops, "Pass" skips the rest of the tier.
 * A rule netguard reads fail-closed as "Deny all" has `peers` and `ports` both `any`.
 */
export interface TierRule {
  readonly action: CnpAction;
  readonly peers: AddrMatch;
  readonly ports: TierPortMatch;
  /** The named counter every packet this rule decides is counted in (shared by all tier chains holding the rule). */
  readonly counter: string;
  /** The policy's name and the rule's path (`spec.egress[2]`), with the rule's `name` when it has one. */
  readonly origin: Origin & { readonly name?: string };
}

/**
 * The rules of one tier and direction for every local pod the same ClusterNetworkPolicies select:
 * the rules of `policies` in evaluation order (`spec.priority`, then name), each policy's in list
 * order. Pods share a chain, so a chain's name depends only on which policies it holds, not on their
 * order: a priority change rewrites chain contents, not the pods' chains.
 */
export interface TierChain {
  readonly name: string;
  readonly tier: CnpTier;
  readonly direction: Direction;
  /** The ClusterNetworkPolicies whose rules the chain holds, in evaluation order. */
  readonly policies: readonly string[];
  readonly rules: readonly TierRule[];
}

/** The tier chains (names in `NodeRules.tierChains`) a pod consults in one direction; absent: none selects it. */
export interface PodTiers {
  /** Consulted first; a Pass or no match continues with the NetworkPolicy tier. */
  readonly admin?: string;
  /** Consulted only when no NetworkPolicy isolates the pod in this direction; no match (or Pass) allows. */
  readonly baseline?: string;
}

/** A policy-target pod running on the node. */
export interface LocalPod {
  readonly ref: string;
  readonly addrs: readonly Addr[];
  /** The NetworkPolicy tier's decision per direction. */
  readonly ingress: PodChain;
  readonly egress: PodChain;
  /** The ClusterNetworkPolicy tiers; absent when no ClusterNetworkPolicy selects the pod. */
  readonly tiers?: { readonly ingress: PodTiers; readonly egress: PodTiers };
}

/** A named set of addresses (canonical intervals, `except` already subtracted). */
export interface AddressSet {
  readonly name: string;
  readonly family: Family;
  readonly intervals: readonly Interval[];
}

/** One `protocol . port-range` element. */
export interface PortEntry {
  readonly protocol: Protocol;
  readonly from: number;
  readonly to: number;
}

/** A named set of protocol/port ranges. */
export interface PortSet {
  readonly name: string;
  readonly entries: readonly PortEntry[];
}

/** One `address . protocol . port` element. */
export interface EndpointPortEntry {
  readonly addr: bigint;
  readonly protocol: Protocol;
  readonly port: number;
}

/** A named set of destination-pod address, protocol and port tuples (egress named ports). */
export interface EndpointPortSet {
  readonly name: string;
  readonly family: Family;
  readonly entries: readonly EndpointPortEntry[];
}

/** Everything one node enforces. Sorted by name / ref throughout, so equal input gives equal output. */
export interface NodeRules {
  readonly node: string;
  /** The node's own addresses: its traffic to and from local pods is always allowed. */
  readonly nodeAddresses: readonly Addr[];
  /**
   * The node's pod CIDRs (`spec.podCIDRs`). Fail closed: traffic from or to an address in them that
   * belongs to no pod in `pods` (a pod the agent has not programmed yet) is dropped.
   */
  readonly podCIDRs: ReadonlyArray<{ readonly family: Family; readonly range: Interval }>;
  readonly pods: readonly LocalPod[];
  readonly addressSets: readonly AddressSet[];
  readonly portSets: readonly PortSet[];
  readonly endpointPortSets: readonly EndpointPortSet[];
  /** ClusterNetworkPolicy tier chains, sorted by name; their rules' sets are in the lists above. */
  readonly tierChains: readonly TierChain[];
}
