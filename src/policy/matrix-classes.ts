/**
 * Equivalence classes of matrix entries: entries that no policy can tell apart get the same cell
 * against every other entry. Two entries share a class when they have the same namespace, labels,
 * container ports, kind (pod, workload, host network), address families in order, the same
 * position relative to every ipBlock and ClusterNetworkPolicy `networks` CIDR per family, the same
 * address when it is some Node's (a `nodes` peer matches it), and — only when some host-network
 * entry runs on their node — the same node (the own-node exemption).
 */
import type { Node, Peer, Pod, Snapshot } from "../k8s/model.js";
import { type Addr, addrKey, type Family } from "../net/address.js";
import type { ClusterIndex } from "./cluster-index.js";
import { nodeOwnAddresses } from "./cluster-index.js";
import { commonFamilies } from "./endpoint.js";
import { inBlock } from "./rule-match.js";

/**
 * What an entry is to the evaluator: a pod, a workload entry (all replicas of a template), a
 * host-network entry whose node is in the input (its traffic is that node's), or one whose node
 * is not (not evaluated).
 */
export type EntryKind = "pod" | "workload" | "host" | "host-unknown";

/** One class; `rep` is its first member (in entry order) and stands for all of them. */
export interface EntryClass {
  readonly id: number;
  readonly rep: Pod;
  readonly kind: EntryKind;
  /** The addresses its packets carry: the pod's IPs, or its node's own addresses for a host entry. */
  readonly addrs: readonly Addr[];
  /** Index into FAMILY_LISTS of its address families in order. */
  readonly famSig: number;
  /** The first address of each family (ipBlock membership is decided on it, as pickEndpoints does). */
  readonly byFamily: Readonly<Partial<Record<Family, Addr>>>;
  /** A host entry's node; a pod's node when some evaluated host-network entry runs there. */
  readonly node?: string;
  readonly hostNode?: Node;
}

/** The possible ordered family lists of an entry (and of a packet between two entries). */
export const FAMILY_LISTS: readonly (readonly Family[])[] = [
  [],
  ["IPv4"],
  ["IPv6"],
  ["IPv4", "IPv6"],
  ["IPv6", "IPv4"],
];

function familySig(addrs: readonly Addr[]): number {
  const fams = [...new Set(addrs.map((a) => a.family))];
  return FAMILY_LISTS.findIndex((l) => l.length === fams.length && l.every((f, i) => f === fams[i]));
}

const probe = (fams: readonly Family[]): Addr[] => fams.map((family) => ({ family, value: 0n }));

/** FAMILY_COMBO[a][b]: index into FAMILY_LISTS of the packet families between a and b, -1 for none. */
export const FAMILY_COMBO: readonly (readonly number[])[] = FAMILY_LISTS.map((a) =>
  FAMILY_LISTS.map((b) => {
    const c = commonFamilies(probe(a), probe(b));
    return c ? familySig(probe(c)) : -1;
  }),
);

type IpBlock = Extract<Peer, { kind: "ipBlock" }>;

/**
 * Every distinct ipBlock peer of the snapshot's NetworkPolicies, and every `networks` CIDR of its
 * ClusterNetworkPolicies as a block without `except` ("cluster-internal traffic will be checked
 * against the rule as well": pod addresses included).
 */
function distinctBlocks(snapshot: Snapshot): IpBlock[] {
  const seen = new Map<string, IpBlock>();
  const note = (peer: IpBlock) => {
    const key = JSON.stringify([peer.cidr, peer.except], (_, v: unknown) =>
      typeof v === "bigint" ? v.toString() : v,
    );
    if (!seen.has(key)) seen.set(key, peer);
  };
  for (const p of snapshot.policies) {
    for (const rule of [...p.ingress, ...p.egress]) {
      if (rule.peers.kind !== "list") continue;
      for (const peer of rule.peers.items) if (peer.kind === "ipBlock") note(peer);
    }
  }
  for (const rule of cnpRules(snapshot)) {
    for (const peer of rule.peers) {
      if (peer.kind === "networks")
        for (const cidr of peer.cidrs) note({ kind: "ipBlock", cidr, except: [], index: 0 });
    }
  }
  return [...seen.values()];
}

const cnpRules = (snapshot: Snapshot) => snapshot.clusterPolicies.flatMap((p) => [...p.ingress, ...p.egress]);

/**
 * The Nodes' own addresses (`status.addresses`) when some ClusterNetworkPolicy has a `nodes` peer,
 * which matches exactly those addresses: an entry carrying one is told apart by it.
 */
function nodeAddressKeys(snapshot: Snapshot): ReadonlySet<string> {
  if (!cnpRules(snapshot).some((r) => r.peers.some((p) => p.kind === "nodes"))) return new Set();
  return new Set([...snapshot.nodes.values()].flatMap((n) => n.addresses.map(addrKey)));
}

function kindOf(index: ClusterIndex, pod: Pod): { kind: EntryKind; node?: Node } {
  if (pod.nonTarget === "host-network") {
    const node = pod.nodeName ? index.snapshot.nodes.get(pod.nodeName) : undefined;
    return node ? { kind: "host", node } : { kind: "host-unknown" };
  }
  return { kind: pod.workload ? "workload" : "pod" };
}

function firstByFamily(addrs: readonly Addr[]): Partial<Record<Family, Addr>> {
  const out: Partial<Record<Family, Addr>> = {};
  for (const a of addrs) out[a.family] ??= a;
  return out;
}

const canonical = (o: Readonly<Record<string, string>>) =>
  JSON.stringify(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );

/** The classes of `entries` and the class of each entry. */
export function classifyEntries(
  index: ClusterIndex,
  entries: readonly Pod[],
): { classes: EntryClass[]; classOf: Map<Pod, number> } {
  const blocks = distinctBlocks(index.snapshot);
  const nodeAddrs = nodeAddressKeys(index.snapshot);
  const hostNodes = new Set<string>();
  for (const e of entries) {
    const k = kindOf(index, e);
    if (k.node) hostNodes.add(k.node.name);
  }
  const classes: EntryClass[] = [];
  const classOf = new Map<Pod, number>();
  const byKey = new Map<string, number>();
  for (const pod of entries) {
    const { kind, node } = kindOf(index, pod);
    const addrs = node ? nodeOwnAddresses(node) : kind === "host-unknown" ? [] : pod.ips;
    const byFamily = firstByFamily(addrs);
    const famSig = familySig(addrs);
    const nodeName = node?.name ?? (pod.nodeName && hostNodes.has(pod.nodeName) ? pod.nodeName : undefined);
    const key = classKey(pod, kind, famSig, byFamily, nodeName, { blocks, nodeAddrs });
    let id = byKey.get(key);
    if (id === undefined) {
      id = classes.length;
      byKey.set(key, id);
      classes.push({
        id,
        rep: pod,
        kind,
        addrs,
        famSig,
        byFamily,
        ...(nodeName !== undefined ? { node: nodeName } : {}),
        ...(node ? { hostNode: node } : {}),
      });
    }
    classOf.set(pod, id);
  }
  return { classes, classOf };
}

function classKey(
  pod: Pod,
  kind: EntryKind,
  famSig: number,
  byFamily: Partial<Record<Family, Addr>>,
  node: string | undefined,
  seen: { readonly blocks: readonly IpBlock[]; readonly nodeAddrs: ReadonlySet<string> },
): string {
  switch (kind) {
    case "host":
      return `host\0${node ?? ""}`;
    case "host-unknown":
      // Every cell of such an entry is "not evaluated", with a note naming the node.
      return `host-unknown\0${pod.nodeName ?? ""}`;
    case "pod":
    case "workload": {
      let bits = "";
      for (const f of FAMILY_LISTS[famSig] ?? []) {
        const a = byFamily[f] as Addr;
        for (const b of seen.blocks) bits += inBlock(b, a) ? "1" : "0";
        if (seen.nodeAddrs.has(addrKey(a))) bits += `@${addrKey(a)}`;
        bits += "|";
      }
      const ports = JSON.stringify(pod.ports.map((p) => `${p.name ?? ""}/${p.port}/${p.protocol}`).sort());
      return [kind, pod.namespace, canonical(pod.labels), ports, famSig, bits, node ?? ""].join("\0");
    }
  }
}
