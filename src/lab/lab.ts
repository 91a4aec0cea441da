/**
 * A built lab: which namespace plays which node or pod, and the addresses the datapath will see.
 * Re-exported by topology.ts; kept apart so the pure planner and the prober need not import it.
 */
import type { LabPortSpec } from "./spec.js";

/** A node namespace, as a Flannel node: `eth0` on the underlay, `cni0` bridge, `flannel.1` VTEP. */
export interface LabNode {
  readonly name: string;
  readonly netns: string;
  /** Address on `eth0` (the node's InternalIP), also flannel.1's `local` VTEP address. */
  readonly nodeIP: string;
  /** First host address of podCIDR4, on `cni0`: the pods' default gateway. */
  readonly gateway4: string;
  /** First host address of podCIDR6, on `cni0`. */
  readonly gateway6?: string;
  readonly podCIDR4: string;
  readonly podCIDR6?: string;
  /** MAC of `flannel.1`, as Flannel publishes it in the node's backend-data annotation. */
  readonly flannelMac: string;
}

/** A pod namespace: `eth0` is one end of a veth whose other end (`hostVeth`) is a `cni0` port. */
export interface LabPod {
  readonly key: string;
  /** Name of the node (LabNode.name) the pod runs on. */
  readonly node: string;
  readonly netns: string;
  /** Host-side veth name in the node namespace, attached to cni0. */
  readonly hostVeth: string;
  /** Canonical addresses on the pod's eth0, as in the spec's order. */
  readonly ips: readonly string[];
  /** Declared container ports; the probe agent listens on the TCP and UDP ones. */
  readonly ports: readonly LabPortSpec[];
}

/** Everything one buildLab call created; every namespace name starts with `${id}-`. */
export interface Lab {
  readonly id: string;
  readonly wireNetns: string;
  readonly nodes: readonly LabNode[];
  readonly pods: readonly LabPod[];
}
