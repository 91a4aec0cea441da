/**
 * diff with ClusterNetworkPolicies reports exactly the pod pairs whose `evaluateTiered` verdict
 * changes, group by group: when only ClusterNetworkPolicies change (a priority, an action, or a
 * whole new set), and when NetworkPolicies, pods and namespaces change as well.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cluster, numRuns, PROBES, randomPolicy } from "../../test/gen/cluster.js";
import { randomCnps, withClusterPolicies } from "../../test/support/cnp-arbitraries.js";
import { type Json, snapshotOf } from "../../test/support/objects.js";
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import { refOf, type Snapshot } from "../k8s/model.js";
import { type ClusterIndex, indexSnapshot } from "./cluster-index.js";
import { evaluateTieredQuery, snapshotTiers } from "./cnp-evaluate.js";
import { diffSnapshots, diffWorkloadOf } from "./diff.js";

const ports = PROBES.map((p) => ({ port: p.port, protocol: p.protocol }));

const snap = (objs: Json[], cnps: ClusterNetworkPolicy[]) => withClusterPolicies(snapshotOf(objs), cnps);

function allowed(index: ClusterIndex, from: string, to: string, p: (typeof ports)[number]): boolean {
  const v = evaluateTieredQuery(index, snapshotTiers(index.snapshot), {
    from: { pod: from },
    to: { pod: to },
    ...p,
  });
  return typeof v !== "string" && v.allowed;
}

const groupKey = (from: string, to: string, port: string, change: string) =>
  `${from} ${to} ${port} ${change}`;

/** Changed pairs per group by brute force: every ordered pair of pods in both snapshots, evaluateTiered. */
function bruteForce(before: Snapshot, after: Snapshot): Map<string, number> {
  const [b, a] = [indexSnapshot(before), indexSnapshot(after)];
  const pods = a.targets.filter((p) => {
    const old = b.podsByRef.get(refOf(p));
    return old !== undefined && !old.nonTarget;
  });
  const out = new Map<string, number>();
  const name = (p: (typeof pods)[number]) => {
    const w = diffWorkloadOf(p);
    return `${w.namespace}/${w.workload}`;
  };
  for (const s of pods) {
    for (const d of pods) {
      if (s === d && !s.workload) continue;
      for (const p of ports) {
        const now = allowed(a, refOf(s), refOf(d), p);
        if (allowed(b, refOf(s), refOf(d), p) === now) continue;
        const key = groupKey(
          name(s),
          name(d),
          `${p.protocol}/${p.port}`,
          now ? "newly-allowed" : "newly-denied",
        );
        out.set(key, (out.get(key) ?? 0) + 1);
      }
    }
  }
  return new Map([...out].sort());
}

function reported(before: Snapshot, after: Snapshot): Map<string, number> {
  const groups = diffSnapshots(before, after, ports);
  const out = new Map<string, number>();
  for (const g of groups) {
    const key = groupKey(
      `${g.from.namespace}/${g.from.workload}`,
      `${g.to.namespace}/${g.to.workload}`,
      `${g.protocol}/${g.port}`,
      g.change,
    );
    out.set(key, (out.get(key) ?? 0) + g.pairs);
  }
  return new Map([...out].sort());
}

/** The policies after one edit: a priority moved, an action changed, or one policy dropped. */
const edited = (cnps: ClusterNetworkPolicy[]) =>
  fc
    .tuple(
      fc.nat(),
      fc.constantFrom("priority", "action", "drop" as const),
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom("Accept" as const, "Deny" as const, "Pass" as const),
    )
    .map(([i, what, priority, action]) => {
      if (cnps.length === 0) return cnps;
      const k = i % cnps.length;
      if (what === "drop") return cnps.filter((_, j) => j !== k);
      return cnps.map((p, j) => {
        if (j !== k) return p;
        if (what === "priority") return { ...p, priority };
        const flip = (rs: ClusterNetworkPolicy["egress"]) =>
          rs.map((r, n) => (n === 0 ? { ...r, action } : r));
        return { ...p, ingress: flip(p.ingress), egress: flip(p.egress) };
      });
    });

describe("diff with ClusterNetworkPolicies", () => {
  it("reports exactly the pairs evaluateTiered turns, per group, when one ClusterNetworkPolicy is edited", () => {
    fc.assert(
      fc.property(
        cluster,
        randomCnps(undefined, 4).chain((cnps) => fc.tuple(fc.constant(cnps), edited(cnps))),
        (objs, [before, after]) => {
          const [b, a] = [snap(objs, before), snap(objs, after)];
          expect(reported(b, a)).toEqual(bruteForce(b, a));
        },
      ),
      { numRuns: numRuns(150) },
    );
  });

  it("reports exactly the pairs evaluateTiered turns when a NetworkPolicy is added under unchanged tiers", () => {
    fc.assert(
      fc.property(cluster, randomPolicy("changed"), randomCnps(), (objs, extra, cnps) => {
        const [b, a] = [snap(objs, cnps), snap([...objs, extra], cnps)];
        expect(reported(b, a)).toEqual(bruteForce(b, a));
      }),
      { numRuns: numRuns(100) },
    );
  });

  it("reports exactly the pairs evaluateTiered turns when pods, namespaces and every policy change", () => {
    fc.assert(
      fc.property(cluster, cluster, randomCnps(), randomCnps(), (objsB, objsA, before, after) => {
        const [b, a] = [snap(objsB, before), snap(objsA, after)];
        expect(reported(b, a)).toEqual(bruteForce(b, a));
      }),
      { numRuns: numRuns(100) },
    );
  });
});
