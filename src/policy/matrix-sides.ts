/**
 * The verdict-only fast path of the matrix: for a class, a port and a packet family, the set of
 * classes its egress allows as destinations, and the set its ingress allows as sources — the union
 * of its selecting policies' rules (matrix-peer-sets.ts). Sets are memoised by what they depend on
 * (the selected policies, or the rules whose ports match), so classes selected by the same
 * policies share them. With ClusterNetworkPolicies, each side goes through the tiers as
 * `decideTieredSide` (cnp-evaluate.ts) orders them: the Admin tier's decision, else NetworkPolicy's
 * when it isolates the class, else the Baseline tier's, else allowed (matrix-tiers.ts).
 */
import type { Direction, NetworkPolicy, Rule } from "../k8s/model.js";
import type { Family } from "../net/address.js";
import type { ClusterIndex } from "./cluster-index.js";
import type { TieredPolicies } from "./cnp-evaluate.js";
import { policiesSelecting } from "./evaluate.js";
import type { EntryClass } from "./matrix-classes.js";
import { type ClassSet, type FamilySlot, orMasked, PeerSets } from "./matrix-peer-sets.js";
import { type TierOutcome, TierSets } from "./matrix-tiers.js";
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

/** Builds the (lazy, memoised) allowed sets over `classes`, through `tiers` when given. */
export function sideSets(
  index: ClusterIndex,
  classes: readonly EntryClass[],
  ports: readonly ProbePort[],
  tiers?: TieredPolicies,
): SideSets {
  return new AllowedSets(index, classes, ports, tiers);
}

const NONE: readonly NetworkPolicy[] = [];

/** Word `i` of what a tier leaves allowed: what it accepts, and `below` where it decides nothing. */
const decide = (t: TierOutcome, i: number, below: number): number =>
  (t.accept[i] as number) | (~(t.decided[i] as number) & below);

class AllowedSets implements SideSets {
  private readonly peers: PeerSets;
  private readonly policyId: Map<NetworkPolicy, number>;
  private readonly slots: number;
  // Dense arrays (filled, never holey), so lookups stay fast at 25 M cells.
  private readonly selected: (readonly NetworkPolicy[] | undefined)[][];
  private readonly memo: (ClassSet | undefined)[][];
  private readonly shared = new Map<string, ClassSet>();
  private readonly tiers: TierSets | undefined;
  private readonly ids = new WeakMap<object, number>();
  private nextId = 0;
  private readonly byContent = new Map<string, Uint32Array>();

  constructor(
    private readonly index: ClusterIndex,
    classes: readonly EntryClass[],
    private readonly ports: readonly ProbePort[],
    tiers?: TieredPolicies,
  ) {
    this.peers = new PeerSets(index, classes, ports);
    this.tiers = tiers && new TierSets(index, tiers, this.peers, ports);
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
    return hit !== undefined
      ? hit
      : (memo[at] = this.tiered(c, "egress", pi, slot, this.computeEgress(c, pi, slot)));
  }

  ingress(c: EntryClass, pi: number, slot: FamilySlot): ClassSet {
    const memo = this.memo[1] as (ClassSet | undefined)[];
    const at = c.id * this.slots + pi * 3 + slot;
    const hit = memo[at]; // null (every class) is a result too
    return hit !== undefined
      ? hit
      : (memo[at] = this.tiered(c, "ingress", pi, slot, this.computeIngress(c, pi, slot)));
  }

  /**
   * One side through the tiers: Admin's decision, else (when `np` isolates the class)
   * NetworkPolicy's, else Baseline's, else allowed. `np` itself when no tier selects the class.
   */
  private tiered(c: EntryClass, dir: Direction, pi: number, slot: FamilySlot, np: ClassSet): ClassSet {
    if (!this.tiers) return np;
    const admin = this.tiers.outcome("Admin", dir, c, pi, slot);
    const baseline = np === null ? this.tiers.outcome("Baseline", dir, c, pi, slot) : undefined;
    if (!admin && !baseline) return np;
    const key = `t${this.idOf(admin)},${this.idOf(np)},${this.idOf(baseline)}`;
    const hit = this.shared.get(key);
    if (hit !== undefined) return hit;
    const set = this.peers.empty();
    for (let i = 0; i < set.length; i++) {
      const below = np !== null ? (np[i] as number) : baseline ? decide(baseline, i, 0xffffffff) : 0xffffffff;
      set[i] = admin ? decide(admin, i, below) : below;
    }
    // Classes selected by different policies often end up allowing the same classes: one array
    // for equal sets keeps the per-cell lookups of a large matrix in cache.
    const content = set.join(",");
    const same = this.byContent.get(content) ?? set;
    this.byContent.set(content, same);
    this.shared.set(key, same);
    return same;
  }

  /** A small number per shared set or outcome, for memo keys. */
  private idOf(o: object | null | undefined): string {
    if (o === null) return "*";
    if (o === undefined) return "-";
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.nextId++));
    return String(id);
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
