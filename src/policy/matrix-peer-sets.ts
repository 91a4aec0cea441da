/**
 * What one rule matches, as bit sets over class ids (matrix-classes.ts): the classes its peers
 * match per packet family, and the receivers its ports match on a probe port. The spec is
 * rule-match.ts's, applied to every class at once; each set is built once.
 */
import { pushTo } from "../base/multimap.js";
import type { Labels, NetworkPolicy, Peer, Protocol, Rule } from "../k8s/model.js";
import type { Addr, Family } from "../net/address.js";
import type { ClusterIndex } from "./cluster-index.js";
import type { EntryClass } from "./matrix-classes.js";
import type { ProbePort } from "./probe-ports.js";
import { inBlock, portMatches } from "./rule-match.js";
import { selectorMatches } from "./selector.js";

/** A set of class ids; `null` stands for every class (the side is not isolated, or not a pod). */
export type ClassSet = Uint32Array | null;

/** The packet family as an index: IPv4, IPv6, or unknown (both ends without an address). */
export type FamilySlot = 0 | 1 | 2;

const SLOT_FAMILY: readonly (Family | undefined)[] = ["IPv4", "IPv6", undefined];

/** Pods and workloads: what pod selectors and named ports can match (not host-network entries). */
const isPodLike = (c: EntryClass) => c.kind === "pod" || c.kind === "workload";

/** acc |= a & b, where null stands for every class. */
export function orMasked(acc: Uint32Array, a: ClassSet, b: ClassSet): void {
  for (let i = 0; i < acc.length; i++) {
    const x = a === null ? 0xffffffff : (a[i] as number);
    const y = b === null ? 0xffffffff : (b[i] as number);
    acc[i] = (acc[i] as number) | (x & y);
  }
}

/** Adds class `id` to `set`. */
export function add(set: Uint32Array, id: number): void {
  set[id >>> 5] = (set[id >>> 5] as number) | (1 << (id & 31));
}

/** Peer and port sets of the rules of one snapshot over one set of classes. */
export class PeerSets {
  private readonly words: number;
  private readonly byNamespace = new Map<string, EntryClass[]>();
  /** Pod and workload classes by each `name/protocol/port` of their containerPorts. */
  private readonly named = new Map<string, number[]>();
  private readonly ruleIds = new Map<Rule, number>();
  private readonly peers = new Map<Peer, readonly Uint32Array[]>();
  private readonly rules = new Map<string, ClassSet>();
  private readonly ports = new Map<string, ClassSet | undefined>();

  constructor(
    private readonly index: ClusterIndex,
    private readonly classes: readonly EntryClass[],
    private readonly probes: readonly ProbePort[],
  ) {
    this.words = Math.max(1, Math.ceil(classes.length / 32));
    for (const c of classes) {
      if (!isPodLike(c)) continue;
      pushTo(this.byNamespace, c.rep.namespace, c);
      for (const p of c.rep.ports) {
        if (p.name !== undefined) pushTo(this.named, `${p.name}/${p.protocol}/${p.port}`, c.id);
      }
    }
  }

  /** An empty set. */
  empty(): Uint32Array {
    return new Uint32Array(this.words);
  }

  /** Pod and workload classes in a namespace `ns` accepts (by its labels) whose labels `pods` accepts. */
  podClasses(ns: (labels: Labels) => boolean, pods: (labels: Labels) => boolean): Uint32Array {
    const set = this.empty();
    for (const [name, members] of this.byNamespace) {
      const namespace = this.index.namespace(name);
      if (namespace === undefined || !ns(namespace.labels)) continue;
      for (const c of members) if (pods(c.rep.labels)) add(set, c.id);
    }
    return set;
  }

  /** Per family slot: the classes whose first address of that family `inside` accepts (none for slot 2). */
  addressClasses(inside: (a: Addr) => boolean): Uint32Array[] {
    return SLOT_FAMILY.map((f) => {
      const set = this.empty();
      if (f === undefined) return set;
      for (const c of this.classes) {
        const a = c.byFamily[f];
        if (a && inside(a)) add(set, c.id);
      }
      return set;
    });
  }

  /** Pod and workload classes declaring the containerPort `name`/`protocol`/`port`. */
  namedClasses(name: string, protocol: Protocol, port: number): readonly number[] {
    return this.named.get(`${name}/${protocol}/${port}`) ?? [];
  }

  /** A small number for a rule, for memo keys. */
  ruleId(r: Rule): number {
    let id = this.ruleIds.get(r);
    if (id === undefined) this.ruleIds.set(r, (id = this.ruleIds.size));
    return id;
  }

  /** Classes the rule's peers match for a packet of `slot`'s family (null: any endpoint). */
  rulePeers(policy: NetworkPolicy, rule: Rule, slot: FamilySlot): ClassSet {
    if (rule.peers.kind === "any") return null;
    const key = `${this.ruleId(rule)}|${slot}`;
    const hit = this.rules.get(key);
    if (hit !== undefined) return hit;
    const set = this.empty();
    for (const peer of rule.peers.items) orMasked(set, this.peerSet(policy, peer, slot), null);
    this.rules.set(key, set);
    return set;
  }

  /**
   * Receivers whose ports the rule's ports match on probe `pi` (null: every receiver, undefined:
   * none). For egress: the destination's containerPorts name the named ports.
   */
  receivers(rule: Rule, pi: number): ClassSet | undefined {
    if (rule.ports.kind === "any") return null;
    const key = `${this.ruleId(rule)}|${pi}`;
    if (this.ports.has(key)) return this.ports.get(key);
    const probe = this.probes[pi] as ProbePort;
    const items = rule.ports.items;
    let result: ClassSet | undefined;
    if (items.some((p) => p.kind !== "named" && portMatches(p, { receiver: undefined, ...probe }))) {
      result = null;
    } else {
      const set = this.empty();
      let any = false;
      for (const p of items) {
        if (p.kind !== "named" || p.protocol !== probe.protocol) continue;
        for (const id of this.namedClasses(p.name, p.protocol, probe.port)) {
          add(set, id);
          any = true;
        }
      }
      result = any ? set : undefined;
    }
    this.ports.set(key, result);
    return result;
  }

  private peerSet(policy: NetworkPolicy, peer: Peer, slot: FamilySlot): Uint32Array {
    let sets = this.peers.get(peer);
    if (!sets) {
      sets = peer.kind === "pods" ? this.podsPeer(policy, peer) : this.blockPeer(peer);
      this.peers.set(peer, sets);
    }
    return sets[slot] as Uint32Array;
  }

  /** podSelector / namespaceSelector peers match pods and workloads whatever the family. */
  private podsPeer(policy: NetworkPolicy, peer: Extract<Peer, { kind: "pods" }>): Uint32Array[] {
    const set = this.empty();
    const nsSel = peer.namespaces;
    const names =
      nsSel.kind === "own"
        ? [policy.namespace]
        : [...this.byNamespace.keys()].filter((n) => {
            const ns = this.index.namespace(n);
            return ns !== undefined && selectorMatches(nsSel.selector, ns.labels);
          });
    for (const n of names) {
      for (const c of this.byNamespace.get(n) ?? []) {
        if (selectorMatches(peer.pods, c.rep.labels)) add(set, c.id);
      }
    }
    return [set, set, set];
  }

  /** ipBlock peers match the classes whose address of the packet's family is in the block. */
  private blockPeer(peer: Extract<Peer, { kind: "ipBlock" }>): Uint32Array[] {
    return this.addressClasses((a) => inBlock(peer, a));
  }
}
