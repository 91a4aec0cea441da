/**
 * The verdict-only fast path of the matrix: for a class, a port and a packet family, the set of
 * classes its egress allows as destinations, and the set its ingress allows as sources — the union
 * of its selecting policies' rules (matrix-peer-sets.ts). Sets are memoised by what they depend on
 * (the selected policies, or the rules whose ports match), so classes selected by the same
 * policies share them.
 */
import type { NetworkPolicy, Rule } from "../k8s/model.js";
import type { Family } from "../net/address.js";
import type { ClusterIndex } from "./cluster-index.js";
import { policiesSelecting } from "./evaluate.js";
import type { EntryClass } from "./matrix-classes.js";
import { type ClassSet, type FamilySlot, orMasked, PeerSets } from "./matrix-peer-sets.js";
import type { ProbePort } from "./probe-ports.js";
import { portMatches } from "./rule-match.js";

export type { ClassSet, FamilySlot } from "./matrix-peer-sets.js";

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

/** Builds the (lazy, memoised) allowed sets over `classes`. */
export function sideSets(
  index: ClusterIndex,
  classes: readonly EntryClass[],
  ports: readonly ProbePort[],
): SideSets {
  return new AllowedSets(index, classes, ports);
}

const NONE: readonly NetworkPolicy[] = [];

class AllowedSets implements SideSets {
  private readonly peers: PeerSets;
  private readonly policyId: Map<NetworkPolicy, number>;
  private readonly slots: number;
  // Dense arrays (filled, never holey), so lookups stay fast at 25 M cells.
  private readonly selected: (readonly NetworkPolicy[] | undefined)[][];
  private readonly memo: (ClassSet | undefined)[][];
  private readonly shared = new Map<string, ClassSet>();

  constructor(
    private readonly index: ClusterIndex,
    classes: readonly EntryClass[],
    private readonly ports: readonly ProbePort[],
  ) {
    this.peers = new PeerSets(index, classes, ports);
    this.policyId = new Map(index.snapshot.policies.map((p, i) => [p, i]));
    this.slots = ports.length * 3;
    const n = classes.length;
    this.selected = [0, 1].map(() => new Array<readonly NetworkPolicy[] | undefined>(n).fill(undefined));
    this.memo = [0, 1].map(() => new Array<ClassSet | undefined>(n * this.slots).fill(undefined));
  }

  egress(c: EntryClass, pi: number, slot: FamilySlot): ClassSet {
    const memo = this.memo[0] as (ClassSet | undefined)[];
    const at = c.id * this.slots + pi * 3 + slot;
    const hit = memo[at]; // null (every class) is a result too
    return hit !== undefined ? hit : (memo[at] = this.computeEgress(c, pi, slot));
  }

  ingress(c: EntryClass, pi: number, slot: FamilySlot): ClassSet {
    const memo = this.memo[1] as (ClassSet | undefined)[];
    const at = c.id * this.slots + pi * 3 + slot;
    const hit = memo[at]; // null (every class) is a result too
    return hit !== undefined ? hit : (memo[at] = this.computeIngress(c, pi, slot));
  }

  /** Policies selecting the class for egress (0) or ingress (1); none for host-network entries. */
  private selectedOf(c: EntryClass, dir: 0 | 1): readonly NetworkPolicy[] {
    if (c.kind !== "pod" && c.kind !== "workload") return NONE;
    const memo = this.selected[dir] as (readonly NetworkPolicy[] | undefined)[];
    return (memo[c.id] ??= policiesSelecting(this.index, c.rep, dir === 0 ? "egress" : "ingress"));
  }

  private computeEgress(c: EntryClass, pi: number, slot: FamilySlot): ClassSet {
    const sel = this.selectedOf(c, 0);
    if (sel.length === 0) return null;
    const key = `e${sel.map((p) => this.policyId.get(p)).join(",")}|${pi}|${slot}`;
    const hit = this.shared.get(key);
    if (hit !== undefined) return hit;
    const set = this.peers.empty();
    for (const policy of sel) {
      for (const rule of policy.egress) {
        const receivers = this.peers.receivers(rule, pi);
        if (receivers !== undefined) orMasked(set, this.peers.rulePeers(policy, rule, slot), receivers);
      }
    }
    this.shared.set(key, set);
    return set;
  }

  private computeIngress(c: EntryClass, pi: number, slot: FamilySlot): ClassSet {
    const sel = this.selectedOf(c, 1);
    if (sel.length === 0) return null;
    const probe = this.ports[pi] as ProbePort;
    const rules: [NetworkPolicy, Rule][] = [];
    for (const policy of sel) {
      for (const rule of policy.ingress) {
        const ports = rule.ports;
        if (ports.kind === "any" || ports.items.some((p) => portMatches(p, { receiver: c.rep, ...probe })))
          rules.push([policy, rule]);
      }
    }
    const key = `i${rules.map(([, r]) => this.peers.ruleId(r)).join(",")}|${slot}`;
    const hit = this.shared.get(key);
    if (hit !== undefined) return hit;
    const set = this.peers.empty();
    for (const [policy, rule] of rules) orMasked(set, this.peers.rulePeers(policy, rule, slot), null);
    this.shared.set(key, set);
    return set;
  }
}
