/**
 * The ClusterNetworkPolicy tiers on the matrix's fast path: for a class, a direction, a probe port
 * and a packet family, what one tier (Admin or Baseline) decides for every other class at once, as
 * bit sets over class ids. It is `walkTier` (cnp-tier.ts) applied to all classes together: the
 * policies selecting the class by ascending `spec.priority` (then name), each policy's rules of the
 * direction in written order, "the first rule that matches decides"; Pass ends the tier undecided.
 * The fail-closed readings are cnp-match.ts's: an Accept rule with an `unsupported` peer matches
 * nothing, a Deny or Pass rule with one is "Deny all"; a policy whose subject is `unknown` selects
 * every pod, its Accept rules match nothing and its Deny and Pass rules deny. matrix-sides.ts
 * combines the outcomes with the NetworkPolicy sets as `decideTieredSide` does.
 */
import type { ClusterNetworkPolicy, CnpAction, CnpPeer, CnpRule, CnpTier } from "../k8s/cnp-model.js";
import type { Direction, Snapshot } from "../k8s/model.js";
import { addrKey } from "../net/address.js";
import { assertNever } from "../base/assert-never.js";
import type { ClusterIndex } from "./cluster-index.js";
import { snapshotTiers, type TieredPolicies } from "./cnp-evaluate.js";
import {
  type CnpMatchContext,
  cnpPortMatches,
  inNetworks,
  selectedNodeAddresses,
  subjectSelects,
} from "./cnp-match.js";
import type { EntryClass } from "./matrix-classes.js";
import { add, type ClassSet, type FamilySlot, orMasked, type PeerSets } from "./matrix-peer-sets.js";
import type { ProbePort } from "./probe-ports.js";
import type { RuleInput } from "./rule-match.js";
import { selectorMatches } from "./selector.js";

/** What one tier decides for one class, direction, port and family, over the other classes. */
export interface TierOutcome {
  /** Classes the tier accepts. */
  readonly accept: Uint32Array;
  /** Classes the tier decides (accepts or denies); the others go on (Pass, or no rule matched). */
  readonly decided: Uint32Array;
}

/**
 * The tiers of a snapshot (`snapshotTiers`), or undefined when it has no ClusterNetworkPolicy: then
 * the matrix is NetworkPolicy's alone, computed exactly as before tiers existed.
 */
export function matrixTiers(snapshot: Snapshot): TieredPolicies | undefined {
  return snapshot.clusterPolicies.length === 0 ? undefined : snapshotTiers(snapshot);
}

/** A rule with its fail-closed reading applied once: `all` matches every packet. */
interface FastRule {
  readonly id: number;
  readonly action: CnpAction;
  readonly all: boolean;
  readonly rule: CnpRule;
}

/** The rules of one policy and direction as the walk reads them (rules matching nothing dropped). */
function fastRules(policy: ClusterNetworkPolicy, direction: Direction, ids: { next: number }): FastRule[] {
  const out: FastRule[] = [];
  for (const rule of direction === "ingress" ? policy.ingress : policy.egress) {
    const unsupported = rule.peers.some((p) => p.kind === "unsupported");
    const unknown = policy.subject.kind === "unknown";
    if ((unsupported || unknown) && rule.action === "Accept") continue;
    const action: CnpAction = unsupported || unknown ? "Deny" : rule.action;
    out.push({ id: ids.next++, action, all: unsupported, rule });
  }
  return out;
}

/** A policy of a tier with its rules of one direction. */
interface TierPolicy {
  readonly policy: ClusterNetworkPolicy;
  readonly rules: readonly FastRule[];
}

const DIRS: readonly Direction[] = ["egress", "ingress"];
const TIERS: readonly CnpTier[] = ["Admin", "Baseline"];

/** The tier outcomes of every class, built lazily and shared by what they depend on. */
export class TierSets {
  /** Per tier and direction: each policy in tier order with its fast rules (none: left out). */
  private readonly ordered = new Map<string, TierPolicy[]>();
  private readonly selected = new Map<string, TierPolicy[]>();
  private readonly peerMemo = new Map<CnpPeer, readonly Uint32Array[]>();
  private readonly ruleMemo = new Map<string, Uint32Array>();
  private readonly recvMemo = new Map<string, ClassSet | undefined>();
  private readonly shared = new Map<string, TierOutcome>();
  private readonly ctx: CnpMatchContext;

  constructor(
    private readonly index: ClusterIndex,
    tiers: TieredPolicies,
    private readonly peers: PeerSets,
    private readonly ports: readonly ProbePort[],
  ) {
    this.ctx = { index, nodeLabels: tiers.nodeLabels };
    const ids = { next: 0 };
    for (const tier of TIERS) {
      const policies = tier === "Admin" ? tiers.admin : tiers.baseline;
      for (const dir of DIRS) {
        const list = policies.map((policy) => ({ policy, rules: fastRules(policy, dir, ids) }));
        this.ordered.set(
          `${tier}|${dir}`,
          list.filter((p) => p.rules.length > 0),
        );
      }
    }
  }

  /**
   * What `tier` decides for class `c`'s `dir` side on port `pi` and family `slot`; undefined when no
   * policy of the tier selects `c` with a rule of that direction (or `c` is not a pod: "host-networked
   * pods are not included in subject selection").
   */
  outcome(
    tier: CnpTier,
    dir: Direction,
    c: EntryClass,
    pi: number,
    slot: FamilySlot,
  ): TierOutcome | undefined {
    if (c.kind !== "pod" && c.kind !== "workload") return undefined;
    const sel = this.selectedOf(tier, dir, c);
    if (sel.length === 0) return undefined;
    const probe = this.ports[pi] as ProbePort;
    // Ingress: the class itself is the receiver, so each rule's ports match it or not.
    const rules =
      dir === "egress"
        ? sel.flatMap((p) => p.rules)
        : sel.flatMap((p) =>
            p.rules.filter((r) => r.all || portsMatch(r.rule, { receiver: c.rep, ...probe })),
          );
    const key = `${dir}|${rules.map((r) => r.id).join(",")}|${dir === "egress" ? pi : ""}|${slot}`;
    let out = this.shared.get(key);
    if (!out) this.shared.set(key, (out = this.walk(rules, dir, pi, slot)));
    return out;
  }

  /** The policies of the tier whose `spec.subject` selects the class, in tier order. */
  private selectedOf(tier: CnpTier, dir: Direction, c: EntryClass): readonly TierPolicy[] {
    const key = `${tier}|${dir}|${c.id}`;
    let sel = this.selected.get(key);
    if (!sel) {
      const all = this.ordered.get(`${tier}|${dir}`) ?? [];
      sel = all.filter((p) => subjectSelects(this.index, p.policy.subject, c.rep));
      this.selected.set(key, sel);
    }
    return sel;
  }

  /** The first matching rule decides, class by class: `remaining` holds the classes not yet matched. */
  private walk(rules: readonly FastRule[], dir: Direction, pi: number, slot: FamilySlot): TierOutcome {
    const accept = this.peers.empty();
    const decided = this.peers.empty();
    const remaining = this.peers.empty().fill(0xffffffff);
    for (const r of rules) {
      const m = this.matchSet(r, dir, pi, slot);
      if (m === undefined) continue;
      let left = 0;
      for (let i = 0; i < remaining.length; i++) {
        const mi = m === null ? 0xffffffff : (m[i] as number);
        const hit = mi & (remaining[i] as number);
        if (r.action !== "Pass") decided[i] = (decided[i] as number) | hit;
        if (r.action === "Accept") accept[i] = (accept[i] as number) | hit;
        left |= remaining[i] = (remaining[i] as number) & ~mi;
      }
      if (left === 0) break;
    }
    return { accept, decided };
  }

  /** The classes a rule matches as the other end (null: all; undefined: none). */
  private matchSet(r: FastRule, dir: Direction, pi: number, slot: FamilySlot): ClassSet | undefined {
    if (r.all) return null;
    const recv = dir === "egress" ? this.receivers(r, pi) : null;
    if (recv === undefined) return undefined;
    const key = `${r.id}|${slot}`;
    let peers = this.ruleMemo.get(key);
    if (!peers) {
      peers = this.peers.empty();
      for (const p of r.rule.peers) orMasked(peers, this.peerSet(p)[slot] as Uint32Array, null);
      this.ruleMemo.set(key, peers);
    }
    if (recv === null) return peers;
    const both = this.peers.empty();
    orMasked(both, peers, recv);
    return both;
  }

  /** Destinations an egress rule's `protocols` match on probe `pi` (named ports name theirs). */
  private receivers(r: FastRule, pi: number): ClassSet | undefined {
    const protocols = r.rule.protocols;
    if (protocols.kind === "any") return null;
    const key = `${r.id}|${pi}`;
    if (this.recvMemo.has(key)) return this.recvMemo.get(key);
    const probe = this.ports[pi] as ProbePort;
    let result: ClassSet | undefined;
    if (
      protocols.items.some((p) => p.kind === "range" && cnpPortMatches(p, { receiver: undefined, ...probe }))
    )
      result = null;
    else {
      const set = this.peers.empty();
      let any = false;
      for (const p of protocols.items) {
        if (p.kind !== "named") continue;
        for (const id of this.peers.namedClasses(p.name, probe.protocol, probe.port)) {
          add(set, id);
          any = true;
        }
      }
      result = any ? set : undefined;
    }
    this.recvMemo.set(key, result);
    return result;
  }

  /** The classes one peer matches, per family slot (see `cnpPeerMatches`). */
  private peerSet(peer: CnpPeer): readonly Uint32Array[] {
    let sets = this.peerMemo.get(peer);
    if (sets) return sets;
    switch (peer.kind) {
      case "namespaces":
      case "pods": {
        const pods = peer.kind === "pods" ? peer.pods : undefined;
        const set = this.peers.podClasses(
          (labels) => selectorMatches(peer.namespaces, labels),
          (labels) => pods === undefined || selectorMatches(pods, labels),
        );
        sets = [set, set, set];
        break;
      }
      case "networks":
        sets = this.peers.addressClasses((a) => inNetworks(peer.cidrs, a));
        break;
      case "nodes": {
        const addrs = selectedNodeAddresses(this.ctx, peer.nodes);
        sets = this.peers.addressClasses((a) => addrs.has(addrKey(a)));
        break;
      }
      case "unsupported":
        sets = [0, 1, 2].map(() => this.peers.empty());
        break;
      default:
        return assertNever(peer);
    }
    this.peerMemo.set(peer, sets);
    return sets;
  }
}

type PortInput = Pick<RuleInput, "receiver" | "protocol" | "port">;

/** Whether a rule's `protocols` match a packet to `receiver` (absent `protocols`: every packet). */
function portsMatch(rule: CnpRule, input: PortInput): boolean {
  return rule.protocols.kind === "any" || rule.protocols.items.some((p) => cnpPortMatches(p, input));
}
