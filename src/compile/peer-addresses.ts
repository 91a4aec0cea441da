/**
 * The addresses a rule's peers (`from` / `to`) stand for, as canonical intervals per family:
 * pod peers become the IPs of the pods they select, ipBlocks their CIDR minus every `except`.
 * Results are memoised per peer definition, since many pods and policies share them.
 */
import { assertNever } from "../base/assert-never.js";
import type { NetworkPolicy, Peer, Pod } from "../k8s/model.js";
import type { Family } from "../net/address.js";
import { type Interval, normalize, subtract } from "../net/interval.js";
import type { ClusterIndex } from "../policy/cluster-index.js";
import { isEmptySelector, selectorKey, selectorMatches } from "../policy/selector.js";
import { AddressIndex } from "./address-index.js";

/** Canonical intervals per family. */
export interface FamilyIntervals {
  readonly v4: readonly Interval[];
  readonly v6: readonly Interval[];
}

/**
 * The namespace a peer's `namespaces: own` refers to: a NetworkPolicy's own namespace. A
 * ClusterNetworkPolicy's peers always name their namespaces (`matching`), so it passes any.
 */
export type PeerOwner = Pick<NetworkPolicy, "namespace">;

/** Canonical identity of a peer within its policy; equal keys select equal addresses. */
export function peerKey(policy: PeerOwner, peer: Peer): string {
  switch (peer.kind) {
    case "pods": {
      const ns =
        peer.namespaces.kind === "own"
          ? `ns=${policy.namespace}`
          : `nsSel={${selectorKey(peer.namespaces.selector)}}`;
      return `pods ${ns} podSel={${selectorKey(peer.pods)}}`;
    }
    case "ipBlock": {
      const ex = peer.except.map((e) => `${e.range.lo}/${e.prefix}`).sort();
      return `block ${peer.cidr.family} ${peer.cidr.range.lo}/${peer.cidr.prefix} except [${ex.join(" ")}]`;
    }
    default:
      return assertNever(peer);
  }
}

/** Resolves peers to addresses, memoising per peer key. One instance per snapshot. */
export class PeerResolver {
  private readonly memo = new Map<string, FamilyIntervals>();
  constructor(private readonly index: ClusterIndex) {}

  /** Addresses of the union of `peers` of a rule of `policy`. */
  resolve(policy: PeerOwner, peers: readonly Peer[]): FamilyIntervals {
    if (peers.length === 1) return this.one(policy, peers[0] as Peer);
    const parts = peers.map((p) => this.one(policy, p));
    return {
      v4: normalize(parts.flatMap((p) => p.v4)),
      v6: normalize(parts.flatMap((p) => p.v6)),
    };
  }

  private readonly podMemo = new Map<string, readonly Pod[]>();

  /** Pods selected by a pod peer, memoised per peer key. */
  selectedPods(policy: PeerOwner, peer: Extract<Peer, { kind: "pods" }>): readonly Pod[] {
    const key = peerKey(policy, peer);
    const hit = this.podMemo.get(key);
    if (hit) return hit;
    const pods = this.scanPods(policy, peer);
    this.podMemo.set(key, pods);
    return pods;
  }

  /**
   * The target pods a peer list can match by selector, or undefined when it has an ipBlock (which
   * matches by address, so any pod may fall inside it).
   */
  candidatePods(policy: PeerOwner, peers: readonly Peer[]): readonly Pod[] | undefined {
    if (peers.some((p) => p.kind !== "pods")) return undefined;
    const out = new Set<Pod>();
    for (const p of peers)
      if (p.kind === "pods") for (const pod of this.selectedPods(policy, p)) out.add(pod);
    return [...out];
  }

  private scanPods(policy: PeerOwner, peer: Extract<Peer, { kind: "pods" }>): Pod[] {
    const out: Pod[] = [];
    for (const ns of this.namespacesOf(policy, peer)) {
      for (const pod of this.index.targetsByNamespace.get(ns) ?? []) {
        if (selectorMatches(peer.pods, pod.labels)) out.push(pod);
      }
    }
    return out;
  }

  private one(policy: PeerOwner, peer: Peer): FamilyIntervals {
    const key = peerKey(policy, peer);
    const hit = this.memo.get(key);
    if (hit) return hit;
    const value = this.compute(policy, peer);
    this.memo.set(key, value);
    return value;
  }

  private compute(policy: PeerOwner, peer: Peer): FamilyIntervals {
    switch (peer.kind) {
      case "pods": {
        const namespaces = this.namespacesOf(policy, peer);
        const size = namespaces.reduce(
          (n, ns) => n + (this.index.targetsByNamespace.get(ns)?.length ?? 0),
          0,
        );
        // A large part of the cluster (a ClusterNetworkPolicy's `namespaces: {}`): one linear pass.
        if (size * 8 > this.index.targets.length) {
          this.byAddress ??= new AddressIndex(this.index.targets);
          return this.byAddress.select(namespaces, peer.pods);
        }
        if (!isEmptySelector(peer.pods)) return podIntervals(this.selectedPods(policy, peer));
        const parts = namespaces.map((ns) => this.namespaceAddresses(ns));
        return { v4: normalize(parts.flatMap((p) => p.v4)), v6: normalize(parts.flatMap((p) => p.v6)) };
      }
      case "ipBlock": {
        const block = subtract(
          [peer.cidr.range],
          normalize(peer.except.filter((e) => e.family === peer.cidr.family).map((e) => e.range)),
        );
        return peer.cidr.family === "IPv4" ? { v4: block, v6: [] } : { v4: [], v6: block };
      }
      default:
        return assertNever(peer);
    }
  }

  private readonly namespaceMemo = new Map<string, FamilyIntervals>();
  private byAddress?: AddressIndex;

  /** The addresses of every target pod of one namespace, computed once. */
  private namespaceAddresses(ns: string): FamilyIntervals {
    const hit = this.namespaceMemo.get(ns);
    if (hit) return hit;
    const value = podIntervals(this.index.targetsByNamespace.get(ns) ?? []);
    this.namespaceMemo.set(ns, value);
    return value;
  }

  private namespacesOf(policy: PeerOwner, peer: Extract<Peer, { kind: "pods" }>): string[] {
    if (peer.namespaces.kind === "own") return [policy.namespace];
    const sel = peer.namespaces.selector;
    return [...this.index.snapshot.namespaces.values()]
      .filter((ns) => selectorMatches(sel, ns.labels))
      .map((ns) => ns.name);
  }
}

/** The addresses of `pods` as canonical intervals per family. */
function podIntervals(pods: readonly Pod[]): FamilyIntervals {
  const v4: Interval[] = [];
  const v6: Interval[] = [];
  for (const pod of pods) {
    for (const a of pod.ips) (a.family === "IPv4" ? v4 : v6).push({ lo: a.value, hi: a.value });
  }
  return { v4: normalize(v4), v6: normalize(v6) };
}

/** Picks one family's intervals. */
export function ofFamily(fi: FamilyIntervals, family: Family): readonly Interval[] {
  return family === "IPv4" ? fi.v4 : fi.v6;
}
