/**
 * The compiler's output for one node: per local pod an ingress and an egress chain of allow rules,
 * and the named, shared sets those rules reference. It is shaped for nftables — a verdict map
 * dispatches by pod address into the pod's chain, each rule is one set lookup per family, and a
 * chain that matches nothing drops — but holds no nft syntax. Plain data: print it to read it.
 */
import type { Protocol } from "../k8s/model.js";
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

/** A policy-target pod running on the node. */
export interface LocalPod {
  readonly ref: string;
  readonly addrs: readonly Addr[];
  readonly ingress: PodChain;
  readonly egress: PodChain;
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
}
