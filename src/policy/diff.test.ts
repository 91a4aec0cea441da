import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cluster, numRuns, PROBES, randomPolicy } from "../../test/gen/cluster.js";
import { type Json, namespace, pod, policy, snapshotOf } from "../../test/support/objects.js";
import { indexSnapshot } from "./cluster-index.js";
import { diffSnapshots } from "./diff.js";
import { reachabilityMatrix } from "./matrix.js";

const ports = PROBES.map((p) => ({ port: p.port, protocol: p.protocol }));

/** Changed (from, to, port) pairs by brute force over the full matrices. */
function bruteForce(
  before: Json[],
  after: Json[],
  on: typeof ports = ports,
): { allowed: number; denied: number } {
  const b = reachabilityMatrix(indexSnapshot(snapshotOf(before)), on);
  const a = reachabilityMatrix(indexSnapshot(snapshotOf(after)), on);
  const was = new Map(b.results.map((r) => [`${r.from} ${r.to} ${r.protocol}/${r.port}`, r.allowed]));
  let allowed = 0;
  let denied = 0;
  for (const r of a.results) {
    const old = was.get(`${r.from} ${r.to} ${r.protocol}/${r.port}`);
    if (old === undefined || old === r.allowed) continue;
    if (r.allowed) allowed++;
    else denied++;
  }
  return { allowed, denied };
}

describe("diffSnapshots", () => {
  it("counts exactly the pod pairs whose verdict changes when a policy is added, changed or removed", () => {
    fc.assert(
      fc.property(cluster, randomPolicy("changed"), fc.boolean(), (objs, extra, remove) => {
        const before = objs;
        const after = remove
          ? objs.filter((o) => o.kind !== "NetworkPolicy" || (o.metadata as { name: string }).name !== "np0")
          : [...objs, extra];
        const groups = diffSnapshots(snapshotOf(before), snapshotOf(after), ports);
        const sum = (c: string) => groups.filter((g) => g.change === c).reduce((n, g) => n + g.pairs, 0);
        expect({ allowed: sum("newly-allowed"), denied: sum("newly-denied") }).toEqual(
          bruteForce(before, after),
        );
      }),
      { numRuns: numRuns(150) },
    );
  });

  it("counts exactly the changed pairs when pod and namespace labels change too", () => {
    const relabel = (objs: Json[], kind: string, labels: Record<string, string>): Json[] => {
      let done = false;
      return objs.map((o) => {
        if (done || o.kind !== kind) return o;
        done = true;
        return { ...o, metadata: { ...(o.metadata as Json), labels } };
      });
    };
    fc.assert(
      fc.property(
        cluster,
        randomPolicy("changed"),
        fc.constantFrom("Pod", "Namespace"),
        (objs, extra, kind) => {
          const after = relabel(
            [...objs, extra],
            kind,
            kind === "Pod" ? { pod: "b", tier: "be" } : { ns: "x", team: "blue" },
          );
          const groups = diffSnapshots(snapshotOf(objs), snapshotOf(after), ports);
          const sum = (c: string) => groups.filter((g) => g.change === c).reduce((n, g) => n + g.pairs, 0);
          expect({ allowed: sum("newly-allowed"), denied: sum("newly-denied") }).toEqual(
            bruteForce(objs, after),
          );
        },
      ),
      { numRuns: numRuns(150) },
    );
  });

  it("tells apart pods of one workload that an ipBlock's except separates (regression)", () => {
    const base: Json[] = [
      namespace("x"),
      pod("x", "w1", { labels: { app: "w" }, ips: ["10.0.0.10"], ports: [{ containerPort: 80 }] }),
      pod("x", "w2", { labels: { app: "w" }, ips: ["10.0.0.12"], ports: [{ containerPort: 80 }] }),
      pod("x", "c", { labels: { app: "client" }, ips: ["10.0.0.20"], ports: [{ containerPort: 80 }] }),
    ];
    const after: Json[] = [
      namespace("x", { env: "prod" }), // a namespace change too, so the class-based path runs
      ...base.slice(1),
      policy("x", "from-block", {
        podSelector: { matchLabels: { app: "client" } },
        ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/24", except: ["10.0.0.12/32"] } }] }],
      }),
    ];
    const groups = diffSnapshots(snapshotOf(base), snapshotOf(after), [{ port: 80, protocol: "TCP" }]);
    expect(groups).toEqual([
      expect.objectContaining({
        from: { namespace: "x", workload: "w" },
        to: { namespace: "x", workload: "client" },
        change: "newly-denied",
        pairs: 1,
        example: { from: "x/w2", to: "x/c" },
      }),
    ]);
    expect(bruteForce(base, after, [{ port: 80, protocol: "TCP" }])).toEqual({ allowed: 0, denied: 1 });
  });
});
