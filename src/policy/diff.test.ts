import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cluster, numRuns, PROBES, randomPolicy } from "../../test/gen/cluster.js";
import { type Json, namespace, pod, policy, snapshotOf } from "../../test/support/objects.js";
import type { Pod, Protocol, Snapshot } from "../k8s/model.js";
import { indexSnapshot } from "./cluster-index.js";
import { type DiffGroup, diffSnapshots } from "./diff.js";
import { dryRunView } from "./dry-run-view.js";
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

/** Changed (from, to, port) cells by brute force over the full matrices of two snapshots. */
function bruteForceSnapshots(
  before: Snapshot,
  after: Snapshot,
  on: ReadonlyArray<{ port: number; protocol: Protocol }> = ports,
) {
  const b = reachabilityMatrix(indexSnapshot(before), on);
  const a = reachabilityMatrix(indexSnapshot(after), on);
  const was = new Map(b.results.map((r) => [`${r.from} ${r.to} ${r.protocol}/${r.port}`, r.allowed]));
  let allowed = 0;
  let denied = 0;
  for (const r of a.results) {
    const old = was.get(`${r.from} ${r.to} ${r.protocol}/${r.port}`);
    if (old === undefined || old === null || r.allowed === null || old === r.allowed) continue;
    if (r.allowed) allowed++;
    else denied++;
  }
  return { allowed, denied };
}

/** The dry-run view with the pods at `which` turned into workload entries (address-less, `Kind/name`). */
function withWorkloads(objs: Json[], which: readonly number[]): Snapshot {
  const s = dryRunView(snapshotOf(objs)).snapshot;
  const pods: Pod[] = s.pods.map((p, i) =>
    which.includes(i) && !p.nonTarget
      ? {
          namespace: p.namespace,
          name: `Deployment/${p.name}`,
          labels: p.labels,
          ips: [],
          ports: p.ports,
          workload: "Deployment",
        }
      : p,
  );
  return { ...s, pods };
}

const entry = (ns: string, name: string, labels: Record<string, string>): Pod => ({
  namespace: ns,
  name: `Deployment/${name}`,
  labels,
  ips: [],
  ports: [{ port: 80, protocol: "TCP" }],
  workload: "Deployment",
});

const sum = (groups: readonly DiffGroup[], c: DiffGroup["change"]) =>
  groups.filter((g) => g.change === c).reduce((n, g) => n + g.pairs, 0);

describe("diffSnapshots on workloads (issue 12)", () => {
  const TCP80 = [{ port: 80, protocol: "TCP" as const }];

  it("reports a changed template label as a connection change, replica to replica included", () => {
    // web admits web; the new template's label leaves that policy, so the replicas lose each other.
    const base = snapshotOf([
      namespace("x"),
      policy("x", "web-from-web", {
        podSelector: {},
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }],
      }),
    ]);
    const before: Snapshot = { ...base, pods: [entry("x", "web", { app: "web" })] };
    const after: Snapshot = { ...base, pods: [entry("x", "web", { app: "web2" })] };
    const groups = diffSnapshots(before, after, TCP80);
    expect(groups).toEqual([
      {
        from: { namespace: "x", workload: "Deployment/web" },
        to: { namespace: "x", workload: "Deployment/web" },
        port: 80,
        protocol: "TCP",
        change: "newly-denied",
        pairs: 1,
        example: { from: "x/Deployment/web", to: "x/Deployment/web" },
      },
    ]);
    expect(bruteForceSnapshots(before, after, TCP80)).toEqual({ allowed: 0, denied: 1 });
  });

  it("sees a policy change on address-less entries (a chart: workloads, pods without status)", () => {
    const objs: Json[] = [
      namespace("x"),
      pod("x", "pending", { labels: { app: "client" }, ports: [{ containerPort: 80 }] }),
    ];
    const before: Snapshot = { ...dryRunView(snapshotOf(objs)).snapshot };
    const withPolicy = dryRunView(
      snapshotOf([
        ...objs,
        policy("x", "api", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress"] }),
      ]),
    ).snapshot;
    const api = entry("x", "api", { app: "api" });
    const b: Snapshot = { ...before, pods: [...before.pods, api] };
    const a: Snapshot = { ...withPolicy, pods: [...withPolicy.pods, api] };
    const groups = diffSnapshots(b, a, TCP80);
    expect(
      groups.map((g) => [
        `${g.from.namespace}/${g.from.workload}`,
        `${g.to.namespace}/${g.to.workload}`,
        g.change,
        g.pairs,
      ]),
    ).toEqual([
      ["x/Deployment/api", "x/Deployment/api", "newly-denied", 1],
      ["x/client", "x/Deployment/api", "newly-denied", 1],
    ]);
    expect(bruteForceSnapshots(b, a, TCP80)).toEqual({ allowed: 0, denied: 2 });
  });

  it("groups pods by their top-level owner when known", () => {
    const objs: Json[] = [
      namespace("x"),
      pod("x", "api-7f9c8d6b5-abcde", {
        labels: { app: "backend" },
        ips: ["10.0.0.1"],
        ports: [{ containerPort: 80 }],
      }),
      pod("x", "client", { labels: { app: "client" }, ips: ["10.0.0.3"] }),
    ];
    const deny = policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress"] });
    const owned = (s: Snapshot): Snapshot => ({
      ...s,
      pods: s.pods.map((p) => (p.name.startsWith("api-") ? { ...p, owner: "x/Deployment/api" } : p)),
    });
    const groups = diffSnapshots(owned(snapshotOf(objs)), owned(snapshotOf([...objs, deny])), TCP80);
    expect(groups.map((g) => [g.from.workload, g.to.workload])).toEqual([
      ["Deployment/api", "client"],
      ["client", "Deployment/api"],
    ]);
  });

  it("does not merge pods that are alike after a relabelling but differed before", () => {
    const pol = policy("x", "y-from-x", {
      podSelector: { matchLabels: { app: "y" } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: "x" } } }] }],
    });
    const objs = (aLabel: string) => [
      namespace("x"),
      pod("x", "a", { labels: { app: aLabel }, ips: ["10.0.0.1"], ports: [{ containerPort: 80 }] }),
      pod("x", "b", { labels: { app: "y" }, ips: ["10.0.0.2"], ports: [{ containerPort: 80 }] }),
      pod("x", "c", { labels: { app: "y" }, ips: ["10.0.0.3"], ports: [{ containerPort: 80 }] }),
      pol,
    ];
    const before = snapshotOf(objs("x"));
    const after = snapshotOf(objs("y"));
    const groups = diffSnapshots(before, after, TCP80);
    expect({ allowed: sum(groups, "newly-allowed"), denied: sum(groups, "newly-denied") }).toEqual(
      bruteForceSnapshots(before, after, TCP80),
    );
    expect(sum(groups, "newly-denied")).toBe(4);
  });

  it("counts exactly the changed entry pairs when some entries are workloads or have no address", () => {
    fc.assert(
      fc.property(
        cluster,
        randomPolicy("changed"),
        fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 4 }),
        fc.boolean(),
        (objs, extra, which, relabel) => {
          const after = relabel
            ? objs.map((o, i) =>
                i === objs.findIndex((x) => x.kind === "Pod")
                  ? { ...o, metadata: { ...(o.metadata as Json), labels: { pod: "b", tier: "be" } } }
                  : o,
              )
            : objs;
          const b = withWorkloads(objs, which);
          const a = withWorkloads([...after, extra], which);
          const groups = diffSnapshots(b, a, ports);
          expect({ allowed: sum(groups, "newly-allowed"), denied: sum(groups, "newly-denied") }).toEqual(
            bruteForceSnapshots(b, a),
          );
        },
      ),
      { numRuns: numRuns(150) },
    );
  });
});
