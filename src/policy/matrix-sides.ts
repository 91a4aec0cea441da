/**
 * The verdict-only fast path of the matrix: for a class, a port and a packet family, the set of
 * classes its egress allows as destinations, and the set its ingress allows as sources — bit sets
 * over class ids, built from each rule's peers and ports (the same spec as rule-match.ts, applied to
 * every class at once). Sets are memoised by what they depend on (the selected policies, or the
 * rules whose ports match), so classes selected by the same policies share them.
 */
import type { NetworkPolicy, Peer, Rule } from "../k8s/model.js";
import type { Family } from "../net/address.js";
import type { ClusterIndex } from "./cluster-index.js";
import { policiesSelecting } from "./evaluate.js";
import type { EntryClass } from "./matrix-classes.js";
import type { ProbePort } from "./probe-ports.js";
import { inBlock, portMatches } from "./rule-match.js";
import { selectorMatches } from "./selector.js";

/** A set of class ids; `null` stands for every class (the side is not isolated, or not a pod). */
export type ClassSet = Uint32Array | null;

/** The packet family as an index: IPv4, IPv6, or unknown (both ends without an address). */
export type FamilySlot = 0 | 1 | 2;

/** The slot of a family (undefined: no family). */
export const slotOf = (f: Family | undefined): FamilySlot => (f === "IPv4" ? 0 : f === "IPv6" ? 1 : 2);

/** Whether `id` is in `set`. */
export const hasClass = (set: ClassSet, id: number): boolean =>
  set === null || (((set[id >>> 5] as number) >>> (id & 31)) & 1) === 1;

/** The allowed sets of every class. */
export interface SideSets {
  /** Destinations `c`'s egress allows on port `portIndex`. */
  egress(c: EntryClass, portIndex: number, slot: FamilySlot): ClassSet;
  /** Sources `c`'s ingress allows on port `portIndex`. */
  ingress(c: EntryClass, portIndex: number, slot: FamilySlot): ClassSet;
}

const SLOT_FAMILY: readonly (Family | undefined)[] = ["IPv4", "IPv6", undefined];

/** Builds the (lazy, memoised) allowed sets over `classes`. */
export function sideSets(
  index: ClusterIndex,
  classes: readonly EntryClass[],
  ports: readonly ProbePort[],
): SideSets {
  const words = Math.max(1, Math.ceil(classes.length / 32));
  const empty = () => new Uint32Array(words);
  const byNamespace = new Map<string, EntryClass[]>();
  for (const c of classes) {
    if (c.kind !== "pod" && c.kind !== "workload") continue;
    const list = byNamespace.get(c.rep.namespace);
    if (list) list.push(c);
    else byNamespace.set(c.rep.namespace, [c]);
  }
  const named = namedPorts(classes);
  const policyId = new Map<NetworkPolicy, number>(index.snapshot.policies.map((p, i) => [p, i]));
  const ruleIds = new Map<Rule, number>();
  const ruleId = (r: Rule) => {
    let id = ruleIds.get(r);
    if (id === undefined) ruleIds.set(r, (id = ruleIds.size));
    return id;
  };
  const add = (set: Uint32Array, id: number) => {
    set[id >>> 5] = (set[id >>> 5] as number) | (1 << (id & 31));
  };

  const peerCache = new Map<Peer, ClassSet[]>();
  const peerSet = (policy: NetworkPolicy, peer: Peer, slot: FamilySlot): Uint32Array => {
    let sets = peerCache.get(peer);
    if (!sets) {
      sets = peer.kind === "pods" ? podsPeerSets(policy, peer) : blockSets(peer);
      peerCache.set(peer, sets);
    }
    return sets[slot] as Uint32Array;
  };
  const podsPeerSets = (policy: NetworkPolicy, peer: Extract<Peer, { kind: "pods" }>): ClassSet[] => {
    const set = empty();
    const nsSel = peer.namespaces;
    const nsNames =
      nsSel.kind === "own"
        ? [policy.namespace]
        : [...byNamespace.keys()].filter((n) => {
            const ns = index.namespace(n);
            return ns !== undefined && selectorMatches(nsSel.selector, ns.labels);
          });
    for (const n of nsNames) {
      for (const c of byNamespace.get(n) ?? []) if (selectorMatches(peer.pods, c.rep.labels)) add(set, c.id);
    }
    return [set, set, set];
  };
  const blockSets = (peer: Extract<Peer, { kind: "ipBlock" }>): ClassSet[] =>
    SLOT_FAMILY.map((f) => {
      const set = empty();
      if (f === undefined) return set;
      for (const c of classes) {
        const a = c.byFamily[f];
        if (a && inBlock(peer, a)) add(set, c.id);
      }
      return set;
    });

  /** Classes a rule's peers match (null: any endpoint). */
  const ruleCache = new Map<string, ClassSet>();
  const rulePeers = (policy: NetworkPolicy, rule: Rule, slot: FamilySlot): ClassSet => {
    if (rule.peers.kind === "any") return null;
    const key = `${ruleId(rule)}|${slot}`;
    if (ruleCache.has(key)) return ruleCache.get(key) as ClassSet;
    const set = empty();
    for (const peer of rule.peers.items) orInto(set, peerSet(policy, peer, slot));
    ruleCache.set(key, set);
    return set;
  };

  /** Receivers whose ports an egress rule's ports match (null: every receiver; undefined: none). */
  const portCache = new Map<string, ClassSet | undefined>();
  const egressPorts = (rule: Rule, pi: number): ClassSet | undefined => {
    if (rule.ports.kind === "any") return null;
    const key = `${ruleId(rule)}|${pi}`;
    if (portCache.has(key)) return portCache.get(key);
    const probe = ports[pi] as ProbePort;
    const items = rule.ports.items;
    let result: ClassSet | undefined;
    if (items.some((p) => p.kind !== "named" && portMatches(p, { receiver: undefined, ...probe }))) {
      result = null;
    } else {
      const set = empty();
      let any = false;
      for (const p of items) {
        if (p.kind !== "named" || p.protocol !== probe.protocol) continue;
        for (const id of named.get(`${p.name}/${p.protocol}/${probe.port}`) ?? []) {
          add(set, id);
          any = true;
        }
      }
      result = any ? set : undefined;
    }
    portCache.set(key, result);
    return result;
  };

  // Dense arrays (filled, never holey), so lookups stay fast at 25 M cells.
  const selected: (NetworkPolicy[] | undefined)[][] = [0, 1].map(() =>
    new Array<NetworkPolicy[] | undefined>(classes.length).fill(undefined),
  );
  const selectedOf = (c: EntryClass, dir: 0 | 1): NetworkPolicy[] => {
    const memo = selected[dir] as (NetworkPolicy[] | undefined)[];
    return (memo[c.id] ??= policiesSelecting(index, c.rep, dir === 0 ? "egress" : "ingress"));
  };

  const setCache = new Map<string, ClassSet>();
  const slots = ports.length * 3;
  const egMemo = new Array<ClassSet | undefined>(classes.length * slots).fill(undefined);
  const inMemo = new Array<ClassSet | undefined>(classes.length * slots).fill(undefined);

  const egress = (c: EntryClass, pi: number, slot: FamilySlot): ClassSet => {
    const at = c.id * slots + pi * 3 + slot;
    const hit = egMemo[at];
    if (hit !== undefined) return hit;
    let result: ClassSet = null;
    const sel = c.kind === "pod" || c.kind === "workload" ? selectedOf(c, 0) : [];
    if (sel.length > 0) {
      const key = `e${sel.map((p) => policyId.get(p)).join(",")}|${pi}|${slot}`;
      const cached = setCache.get(key);
      if (cached !== undefined) result = cached;
      else {
        const set = empty();
        for (const policy of sel) {
          for (const rule of policy.egress) {
            const ps = egressPorts(rule, pi);
            if (ps === undefined) continue;
            orMasked(set, rulePeers(policy, rule, slot), ps);
          }
        }
        setCache.set(key, (result = set));
      }
    }
    egMemo[at] = result;
    return result;
  };

  const ingress = (c: EntryClass, pi: number, slot: FamilySlot): ClassSet => {
    const at = c.id * slots + pi * 3 + slot;
    const hit = inMemo[at];
    if (hit !== undefined) return hit;
    let result: ClassSet = null;
    const sel = c.kind === "pod" || c.kind === "workload" ? selectedOf(c, 1) : [];
    if (sel.length > 0) {
      const probe = ports[pi] as ProbePort;
      const rules: [NetworkPolicy, Rule][] = [];
      for (const policy of sel) {
        for (const rule of policy.ingress) {
          if (
            rule.ports.kind === "any" ||
            rule.ports.items.some((p) => portMatches(p, { receiver: c.rep, ...probe }))
          )
            rules.push([policy, rule]);
        }
      }
      const key = `i${rules.map(([, r]) => ruleId(r)).join(",")}|${slot}`;
      const cached = setCache.get(key);
      if (cached !== undefined) result = cached;
      else {
        const set = empty();
        for (const [policy, rule] of rules) orMasked(set, rulePeers(policy, rule, slot), null);
        setCache.set(key, (result = set));
      }
    }
    inMemo[at] = result;
    return result;
  };
  return { egress, ingress };
}

/** Pod and workload classes by each `name/protocol/port` of their containerPorts (for named ports). */
function namedPorts(classes: readonly EntryClass[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const c of classes) {
    if (c.kind !== "pod" && c.kind !== "workload") continue;
    for (const p of c.rep.ports) {
      if (p.name === undefined) continue;
      const key = `${p.name}/${p.protocol}/${p.port}`;
      const list = out.get(key);
      if (!list) out.set(key, [c.id]);
      else if (list[list.length - 1] !== c.id) list.push(c.id);
    }
  }
  return out;
}

function orInto(acc: Uint32Array, set: Uint32Array): void {
  for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) | (set[i] as number);
}

/** acc |= a & b, where null stands for every class. */
function orMasked(acc: Uint32Array, a: ClassSet, b: ClassSet): void {
  for (let i = 0; i < acc.length; i++) {
    const x = a === null ? 0xffffffff : (a[i] as number);
    const y = b === null ? 0xffffffff : (b[i] as number);
    acc[i] = (acc[i] as number) | (x & y);
  }
}
