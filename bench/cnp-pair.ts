/**
 * The pod pair the connection-rate benchmark probes: two pods of the benchmark node, a TCP port the
 * destination declares, allowed with and without the ClusterNetworkPolicies, both pods isolated by
 * NetworkPolicies (so the SYN crosses the source's egress chain and the destination's ingress
 * chain in both configurations) and, with the CNPs, selected by Admin policies on both sides that
 * let the packet through to the NetworkPolicy part (Pass or no match): of those, the pair whose
 * SYN walks the most Admin rules. Chosen with the reference evaluators, not the compiled rules.
 */
import type { ClusterNetworkPolicy } from "../src/k8s/cnp-model.js";
import { type Direction, type Labels, type Pod, refOf, type Snapshot } from "../src/k8s/model.js";
import { indexSnapshot } from "../src/policy/cluster-index.js";
import { evaluateTieredQuery, tieredPolicies } from "../src/policy/cnp-evaluate.js";
import type { TieredSide } from "../src/policy/cnp-verdict.js";
import { evaluate } from "../src/policy/evaluate.js";
import { BENCH_NODE } from "./cnp-cluster.js";

/** The chosen pair and what its SYN meets with the CNPs loaded. */
export interface ProbePair {
  readonly a: Pod;
  readonly b: Pod;
  readonly port: number;
  /** Admin rules (as written, before any split by port kind) the SYN walks: egress at a, ingress at b. */
  readonly adminRules: { readonly egress: number; readonly ingress: number };
  /** The Admin policies selecting a (egress) and b (ingress), in evaluation order. */
  readonly adminPolicies: { readonly egress: readonly string[]; readonly ingress: readonly string[] };
  /** The tiered evaluator's reasons, one per direction. */
  readonly reasons: readonly string[];
  /** The Admin rule that ended each side's walk (a Pass), as `policy spec.<dir>[i]`; absent: none matched. */
  readonly hits: { readonly egress?: RuleRef; readonly ingress?: RuleRef };
}

/** A rule of a ClusterNetworkPolicy. */
export interface RuleRef {
  readonly policy: string;
  readonly rule: string;
}

/** Picks the pair in the snapshot with the CNPs (`withCnp`); throws when there is none. */
export function probePair(withCnp: Snapshot): ProbePair {
  const index = indexSnapshot(withCnp);
  const nodeLabels = new Map<string, Labels>([...withCnp.nodes.values()].map((n) => [n.name, n.labels]));
  const tiers = tieredPolicies(withCnp.clusterPolicies, nodeLabels);
  const byName = new Map(withCnp.clusterPolicies.map((c) => [c.name, c]));
  const local = index.targets.filter((p) => p.nodeName === BENCH_NODE);
  let best: ProbePair | undefined;
  for (const a of local) {
    for (const b of local) {
      if (a === b) continue;
      for (const cp of b.ports.filter((p) => p.protocol === "TCP")) {
        const q = { from: { pod: refOf(a) }, to: { pod: refOf(b) }, protocol: "TCP" as const, port: cp.port };
        const v = evaluate(index, q);
        if (typeof v === "string" || !v.allowed) continue;
        if (v.egress.kind !== "pod" || !v.egress.isolated || v.ingress.kind !== "pod" || !v.ingress.isolated)
          continue;
        const t = evaluateTieredQuery(index, tiers, q);
        if (typeof t === "string" || !t.allowed) continue;
        if (t.egress.decidedBy !== "network-policy" || t.ingress.decidedBy !== "network-policy") continue;
        const adminRules = {
          egress: walked(t.egress, "egress", byName),
          ingress: walked(t.ingress, "ingress", byName),
        };
        if (adminRules.egress === 0 || adminRules.ingress === 0) continue;
        const score = adminRules.egress + adminRules.ingress;
        if (best && best.adminRules.egress + best.adminRules.ingress >= score) continue;
        best = {
          a,
          b,
          port: cp.port,
          adminRules,
          adminPolicies: { egress: t.egress.admin.policies, ingress: t.ingress.admin.policies },
          reasons: [t.egress.reason, t.ingress.reason],
          hits: { egress: t.egress.admin.hit, ingress: t.ingress.admin.hit },
        };
      }
    }
  }
  if (!best) throw new Error(`no pair on ${BENCH_NODE} fits the connection-rate benchmark`);
  return best;
}

/** Admin rules consulted on one side: every rule of the policies before the hit, then up to the hit. */
function walked(side: TieredSide, dir: Direction, byName: ReadonlyMap<string, ClusterNetworkPolicy>): number {
  let n = 0;
  for (const name of side.admin.policies) {
    const rules = byName.get(name)?.[dir] ?? [];
    const hit = side.admin.hit;
    if (hit?.policy === name) {
      const at = rules.findIndex((r) => `spec.${dir}[${r.index}]` === hit.rule);
      return n + at + 1;
    }
    n += rules.length;
  }
  return n;
}
