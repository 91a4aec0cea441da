/**
 * One address, one local pod. When two pods of this node claim the same IP (a new sandbox reusing
 * an address while the old Pod object lingers, or a stale CNI registration), the node's address map
 * could give either pod's rules to that address — a new deny-all pod could inherit an old pod's
 * `accept`. The owner is decided here, before compiling: the pod whose CNI ADD (the newest one, if
 * several) reported the address keeps it; without such a registration nobody does, and the address
 * falls under the datapath's drop for unprogrammed pod-CIDR addresses. Never widens: addresses are
 * only ever taken away.
 */
import { byFirst } from "../base/compare.js";
import type { Pod, Snapshot } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import { type Addr, addrKey, formatAddr } from "../net/address.js";

/** What CNI registered for a pod: its addresses and the arrival order of the ADD. */
export interface RegisteredAddrs {
  /** Arrival sequence number of the ADD (larger: newer). */
  readonly seq: number;
  /** `addrKey` of each address the ADD reported. */
  readonly addrs: ReadonlySet<string>;
}

/** Two or more local pods claimed one address. */
export interface AddressConflict {
  /** The address, canonical text. */
  readonly address: string;
  /** The claimants, `namespace/name`, sorted. */
  readonly pods: readonly string[];
  /** The pod that keeps the address (its CNI ADD reported it); undefined: removed from all. */
  readonly owner?: string;
}

/** The snapshot with every local address owned by at most one pod, and the conflicts resolved. */
export interface ResolvedAddresses {
  readonly snapshot: Snapshot;
  readonly conflicts: readonly AddressConflict[];
}

/**
 * Gives each address of a policy-target pod on `node` (status.podIPs, or the CNI ADD's IPs laid over
 * them) to at most one pod. `registered` answers for a pod ref what its CNI registration reported.
 * A pod left without addresses becomes a `no-ip` non-target (NetworkPolicy applies to pods with an IP).
 */
export function resolveAddressConflicts(
  snapshot: Snapshot,
  node: string,
  registered: (ref: string) => RegisteredAddrs | undefined,
): ResolvedAddresses {
  const claims = claimsOnNode(snapshot.pods, node);
  const conflicts: AddressConflict[] = [];
  const lost = new Map<string, Set<string>>(); // ref → addrKeys it loses
  for (const [key, { addr, refs }] of [...claims].sort(byFirst)) {
    if (refs.length < 2) continue;
    const owner = ownerOf(key, refs, registered);
    conflicts.push({ address: formatAddr(addr), pods: refs, ...(owner ? { owner } : {}) });
    for (const ref of refs) {
      if (ref === owner) continue;
      const set = lost.get(ref) ?? new Set<string>();
      set.add(key);
      lost.set(ref, set);
    }
  }
  if (lost.size === 0) return { snapshot, conflicts };
  const pods = snapshot.pods.map((pod) => {
    const gone = lost.get(refOf(pod));
    return gone ? withoutAddrs(pod, gone) : pod;
  });
  return { snapshot: { ...snapshot, pods }, conflicts };
}

function claimsOnNode(pods: readonly Pod[], node: string): Map<string, { addr: Addr; refs: string[] }> {
  const claims = new Map<string, { addr: Addr; refs: string[] }>();
  for (const pod of pods) {
    if (pod.nodeName !== node || pod.nonTarget !== undefined) continue;
    const ref = refOf(pod);
    for (const addr of pod.ips) {
      const key = addrKey(addr);
      const c = claims.get(key) ?? { addr, refs: [] };
      if (!c.refs.includes(ref)) c.refs.push(ref);
      claims.set(key, c);
    }
  }
  for (const c of claims.values()) c.refs.sort();
  return claims;
}

/** The claimant whose newest CNI ADD reported the address, if any. */
function ownerOf(
  key: string,
  refs: readonly string[],
  registered: (ref: string) => RegisteredAddrs | undefined,
): string | undefined {
  let best: { ref: string; seq: number } | undefined;
  for (const ref of refs) {
    const reg = registered(ref);
    if (!reg || !reg.addrs.has(key)) continue;
    if (!best || reg.seq > best.seq) best = { ref, seq: reg.seq };
  }
  return best?.ref;
}

function withoutAddrs(pod: Pod, gone: ReadonlySet<string>): Pod {
  const ips = pod.ips.filter((a) => !gone.has(addrKey(a)));
  return ips.length > 0 ? { ...pod, ips } : { ...pod, ips, nonTarget: "no-ip" };
}
