/**
 * Names in a lab: namespace names derived from the lab id and spec order, interface names derived
 * from stable identities (pod key, node index) so the same spec gives the same lab.
 */
import { sha256Hex } from "../base/hash.js";

/**
 * A lab id is the prefix of every namespace of the lab (`<id>-wire`, `<id>-n0`, `<id>-p0`). No `-`
 * inside: the id "ngl1" must never be a prefix of another lab's namespaces ("ngl1-x-n0").
 */
export function isLabId(id: string): boolean {
  return /^[a-z][a-z0-9]{0,23}$/.test(id);
}

/** Throws (a caller bug) unless `id` is a lab id: destroyLab deletes by this prefix. */
export function checkLabId(id: string): void {
  if (!isLabId(id)) throw new Error(`"${id}" is not a lab id (lowercase letters and digits, no "-")`);
}

/** Prefix of every network namespace of lab `id`. */
export function labPrefix(id: string): string {
  return `${id}-`;
}

/** The underlay's namespace: a bridge that joins every node's eth0, like the L2 segment between VMs. */
export function wireNetns(id: string): string {
  return `${id}-wire`;
}

/** Namespace of the node at index `i` of the spec. */
export function nodeNetns(id: string, i: number): string {
  return `${id}-n${i}`;
}

/** Namespace of the pod at index `j` of the spec. */
export function podNetns(id: string, j: number): string {
  return `${id}-p${j}`;
}

/** The wire-side end of node `i`'s underlay veth (its peer is the node's `eth0`). */
export function wirePortName(i: number): string {
  return `n${i}`;
}

/**
 * Host-side veth of a pod, attached to `cni0`: `veth` + 8 hex digits of a SHA-256 of the pod key
 * (12 characters, within IFNAMSIZ 15). The CNI bridge plugin picks random `veth…` names; a hash
 * keeps labs reproducible and lets rules name a pod's port before the pod exists.
 */
export function hostVethName(podKey: string): string {
  return `veth${sha256Hex(podKey, 8)}`;
}

/**
 * MAC of node `i`'s `flannel.1`. Flannel publishes each node's VTEP MAC in the node annotation
 * `flannel.alpha.coreos.com/backend-data`; here it is derived from the index, locally administered
 * (0e:…) and unicast.
 */
export function flannelMac(i: number): string {
  const n = i + 1;
  const bytes = [0x0e, 0x6e, 0x67, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}
