import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cluster, numRuns, PROBES } from "../../test/gen/cluster.js";
import type { Pod, Snapshot } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import { type Json, namespace, node, pod, policy, snapshotOf } from "../../test/support/objects.js";
import { indexSnapshot } from "../policy/cluster-index.js";
import { dryRunView } from "../policy/dry-run-view.js";
import { type MatrixEngine, matrixEngine } from "../policy/matrix-engine.js";
import type { ProbePort } from "../policy/probe-ports.js";
import { ownerGroupOf } from "../policy/workload.js";
import { type GroupCell, groupMatrix, ONE_POD } from "./group-by.js";
import { verdictKey } from "./group-split.js";
import { groupedJsonChunks } from "./group-json.js";
import { groupedTableLines } from "./group-table.js";

const TCP = (port: number) => ({ port, protocol: "TCP" as const });

/** The snapshot of `objects` with `owner` set as the dry-run view sets it, plus workload entries. */
function view(objects: Json[], owners: Record<string, string> = {}, workloads: Pod[] = []): Snapshot {
  const s = snapshotOf(objects);
  const pods = s.pods.map((p) => (owners[refOf(p)] ? { ...p, owner: owners[refOf(p)] } : p));
  return { ...s, pods: [...pods, ...workloads] };
}

/** A workload entry as the decoder gives it to the dry-run view: no address, `Kind/name`. */
function workload(
  ns: string,
  kind: "Deployment" | "StatefulSet",
  name: string,
  labels: Record<string, string>,
): Pod {
  return {
    namespace: ns,
    name: `${kind}/${name}`,
    labels,
    ips: [],
    ports: [{ port: 80, protocol: "TCP" }],
    workload: kind,
  };
}

function engineOf(s: Snapshot, ports: readonly ProbePort[] = [TCP(80)], filter = {}): MatrixEngine {
  return matrixEngine(indexSnapshot(s), ports, filter);
}

/** The grouped cell by group names. */
function cellAt(g: ReturnType<typeof groupMatrix>, from: string, to: string, k = 0): GroupCell {
  const i = g.groups.findIndex((x) => x.name === from);
  const j = g.groups.findIndex((x) => x.name === to);
  if (i < 0 || j < 0) throw new Error(`no group ${from} or ${to}`);
  return g.cell(i, j, k);
}

const web = (name: string, ip: string, hash: string, version: string): Json =>
  pod("x", name, {
    labels: { app: "web", version, "pod-template-hash": hash },
    ips: [ip],
    ports: [{ containerPort: 80 }],
  });

/** A rollout: web v1 (2 pods, hash aaa) and v2 (1 pod, hash bbb); db admits only web v2. */
const rollout: Json[] = [
  namespace("x"),
  web("web-aaa-1", "10.0.0.1", "aaa", "v1"),
  web("web-aaa-2", "10.0.0.2", "aaa", "v1"),
  web("web-bbb-1", "10.0.0.3", "bbb", "v2"),
  pod("x", "db-0", { labels: { app: "db" }, ips: ["10.0.0.9"], ports: [{ containerPort: 80 }] }),
  policy("x", "db", {
    podSelector: { matchLabels: { app: "db" } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "web", version: "v2" } } }] }],
  }),
];
const rolloutOwners = {
  "x/web-aaa-1": "x/Deployment/web",
  "x/web-aaa-2": "x/Deployment/web",
  "x/web-bbb-1": "x/Deployment/web",
  "x/db-0": "x/StatefulSet/db",
};

describe("groupMatrix (simulate --group-by workload)", () => {
  it("merges the pods of one owner into one row and column, named by the owner", () => {
    const g = groupMatrix(engineOf(view(rollout, rolloutOwners)), ownerGroupOf);
    expect(g.groups.map((x) => [x.name, x.members])).toEqual([
      ["x/Deployment/web", ["x/web-aaa-1", "x/web-aaa-2", "x/web-bbb-1"]],
      ["x/StatefulSet/db", ["x/db-0"]],
    ]);
    expect(cellAt(g, "x/StatefulSet/db", "x/Deployment/web")).toMatchObject({
      kind: "evaluated",
      allowed: true,
    });
  });

  it("says where members disagree: the two template revisions of a rollout, by pod-template-hash", () => {
    const g = groupMatrix(engineOf(view(rollout, rolloutOwners)), ownerGroupOf);
    const c = cellAt(g, "x/Deployment/web", "x/StatefulSet/db");
    expect(c.kind).toBe("mixed");
    if (c.kind !== "mixed") return;
    expect(
      c.split.map((p) => [
        p.from.name,
        p.from.members,
        p.to.name,
        p.cell.kind === "evaluated" && p.cell.allowed,
      ]),
    ).toEqual([
      ["x/Deployment/web[pod-template-hash=aaa]", ["x/web-aaa-1", "x/web-aaa-2"], "x/StatefulSet/db", false],
      ["x/Deployment/web[pod-template-hash=bbb]", ["x/web-bbb-1"], "x/StatefulSet/db", true],
    ]);
  });

  it("evaluates a group's diagonal replica to replica, never as a pod reaching itself", () => {
    // web admits only db: two web pods cannot talk, though each pod may reach itself.
    const objs = [
      namespace("x"),
      web("web-aaa-1", "10.0.0.1", "aaa", "v1"),
      web("web-aaa-2", "10.0.0.2", "aaa", "v1"),
      policy("x", "web", {
        podSelector: { matchLabels: { app: "web" } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "db" } } }] }],
      }),
    ];
    const g = groupMatrix(engineOf(view(objs, rolloutOwners)), ownerGroupOf);
    expect(cellAt(g, "x/Deployment/web", "x/Deployment/web")).toMatchObject({
      kind: "evaluated",
      allowed: false,
    });
  });

  it("gives a workload entry's diagonal its replica-to-replica cell", () => {
    const s = view(
      [
        namespace("x"),
        policy("x", "api", {
          podSelector: { matchLabels: { app: "api" } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }],
        }),
      ],
      {},
      [
        workload("x", "Deployment", "api", { app: "api" }),
        workload("x", "Deployment", "web", { app: "web" }),
      ],
    );
    const g = groupMatrix(engineOf(s), ownerGroupOf);
    expect(g.groups.map((x) => x.name)).toEqual(["x/Deployment/api", "x/Deployment/web"]);
    expect(cellAt(g, "x/Deployment/api", "x/Deployment/api")).toMatchObject({
      kind: "evaluated",
      allowed: false,
    });
    expect(cellAt(g, "x/Deployment/web", "x/Deployment/api")).toMatchObject({
      kind: "evaluated",
      allowed: true,
    });
    expect(cellAt(g, "x/Deployment/web", "x/Deployment/web")).toMatchObject({
      kind: "evaluated",
      allowed: true,
    });
  });

  it("keeps a plain pod's self cell, and does not evaluate the diagonal of a workload with one pod in the input", () => {
    const s = view(
      [
        namespace("x"),
        pod("x", "solo", { labels: { app: "solo" }, ips: ["10.0.0.5"] }),
        pod("x", "db-0", { labels: { app: "db" }, ips: ["10.0.0.9"] }),
        policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress"] }),
      ],
      { "x/db-0": "x/StatefulSet/db" },
    );
    const g = groupMatrix(engineOf(s), ownerGroupOf);
    expect(cellAt(g, "x/solo", "x/solo")).toMatchObject({ kind: "evaluated", allowed: true });
    expect(cellAt(g, "x/StatefulSet/db", "x/StatefulSet/db")).toMatchObject({ kind: "not-evaluated" });
    expect(g.groups.find((x) => x.name === "x/solo")?.selfCell).toBe(true);
  });

  it("marks rows outside --from as not evaluated, never as denied", () => {
    const s = view(rollout, rolloutOwners);
    const g = groupMatrix(engineOf(s, [TCP(80)], { from: (p: Pod) => p.name === "db-0" }), ownerGroupOf);
    expect(g.rows.map((i) => g.groups[i]?.name)).toEqual(["x/StatefulSet/db"]);
    const c = cellAt(g, "x/Deployment/web", "x/StatefulSet/db");
    expect(c).toMatchObject({ kind: "not-evaluated" });
  });

  it("computes a cell from the groups' classes, not from their member pairs", () => {
    const objs: Json[] = [namespace("x")];
    const owners: Record<string, string> = {};
    for (let i = 0; i < 60; i++) {
      objs.push(pod("x", `a-${i}`, { labels: { app: "a" }, ips: [`10.0.1.${i + 1}`] }));
      objs.push(pod("x", `b-${i}`, { labels: { app: "b" }, ips: [`10.0.2.${i + 1}`] }));
      owners[`x/a-${i}`] = "x/Deployment/a";
      owners[`x/b-${i}`] = "x/Deployment/b";
    }
    const engine = engineOf(view(objs, owners));
    let calls = 0;
    const counting: MatrixEngine = {
      ...engine,
      cell: (f, t, k) => (calls++, engine.cell(f, t, k)),
      classCell: (f, t, k) => (calls++, engine.classCell(f, t, k)),
    };
    const g = groupMatrix(counting, ownerGroupOf);
    for (const i of g.rows) for (const j of g.columns) g.cell(i, j, 0);
    expect(calls).toBe(4);
  });
});

describe("grouped output", () => {
  it("prints ~ for a mixed cell and explains every symbol but . and X under the table", () => {
    const g = groupMatrix(engineOf(view(rollout, rolloutOwners)), ownerGroupOf);
    const text = [...groupedTableLines(g)].join("");
    expect(text).toBe(
      [
        "TCP/80",
        "-                 x/Deployment/web  x/StatefulSet/db",
        "x/Deployment/web  .                 ~",
        "x/StatefulSet/db  .                 -",
        "",
        "-  not evaluated (never read this as denied): one pod of the workload in the input: no pair of two different pods (1 cell)",
        "~  mixed: the members' verdicts differ, as follows",
        "  TCP/80 x/Deployment/web -> x/StatefulSet/db: x/Deployment/web[pod-template-hash=aaa] (2 members) -> x/StatefulSet/db (1 member) denied; x/Deployment/web[pod-template-hash=bbb] (1 member) -> x/StatefulSet/db (1 member) allowed",
        "",
      ].join("\n"),
    );
  });

  it("prints - with its reason for cells outside --from", () => {
    const s = view(rollout, rolloutOwners);
    const g = groupMatrix(engineOf(s, [TCP(80)], { from: (p: Pod) => p.name === "db-0" }), ownerGroupOf);
    const text = [...groupedTableLines(g)].join("");
    expect(text).toContain("x/Deployment/web  -                 -\n");
    expect(text).not.toContain("X");
    expect(text).toContain("-  not evaluated (never read this as denied): filtered out by --from (2 cells)");
  });

  it("writes the JSON contract: groupBy, groups, group names in results, mixed with its split", () => {
    const g = groupMatrix(engineOf(view(rollout, rolloutOwners)), ownerGroupOf);
    const doc = JSON.parse(
      [...groupedJsonChunks(g, { owners: rolloutOwners, notes: [], errors: [] })].join(""),
    ) as Json;
    expect(doc.groupBy).toBe("workload");
    expect(doc.pods).toEqual(["x/db-0", "x/web-aaa-1", "x/web-aaa-2", "x/web-bbb-1"]);
    expect(doc.groups).toEqual([
      { name: "x/Deployment/web", members: ["x/web-aaa-1", "x/web-aaa-2", "x/web-bbb-1"] },
      { name: "x/StatefulSet/db", members: ["x/db-0"] },
    ]);
    expect(doc.owners).toEqual(rolloutOwners);
    const results = doc.results as Json[];
    expect(results).toHaveLength(4);
    expect(results[1]).toEqual({
      from: "x/Deployment/web",
      to: "x/StatefulSet/db",
      port: 80,
      protocol: "TCP",
      allowed: "mixed",
      split: [
        {
          from: { name: "x/Deployment/web[pod-template-hash=aaa]", members: ["x/web-aaa-1", "x/web-aaa-2"] },
          to: { name: "x/StatefulSet/db", members: ["x/db-0"] },
          allowed: false,
          family: "IPv4",
        },
        {
          from: { name: "x/Deployment/web[pod-template-hash=bbb]", members: ["x/web-bbb-1"] },
          to: { name: "x/StatefulSet/db", members: ["x/db-0"] },
          allowed: true,
          family: "IPv4",
        },
      ],
    });
    expect(results[0]).toMatchObject({ from: "x/Deployment/web", to: "x/Deployment/web", allowed: true });
  });

  it("writes null with a note for a cell that was not evaluated", () => {
    const s = view(rollout, rolloutOwners);
    const g = groupMatrix(engineOf(s, [TCP(80)], { to: (p: Pod) => p.name === "db-0" }), ownerGroupOf);
    const doc = JSON.parse([...groupedJsonChunks(g)].join("")) as { results: Json[] };
    // Only destinations are columns of the results; the diagonal of db (one pod) is not evaluated.
    expect(doc.results.map((r) => [r.from, r.to, r.allowed])).toEqual([
      ["x/Deployment/web", "x/StatefulSet/db", "mixed"],
      ["x/StatefulSet/db", "x/StatefulSet/db", null],
    ]);
    expect(doc.results[1]?.note).toBe(ONE_POD);
  });
});

describe("groupMatrix on a kubectl dump through the dry-run view", () => {
  const owned = (o: Json, kind: string, name: string): Json => ({
    ...o,
    metadata: {
      ...(o.metadata as Json),
      ownerReferences: [{ apiVersion: "apps/v1", kind, name, uid: `uid-${name}`, controller: true }],
    },
  });
  const tmpl = (labels: Record<string, string>) => ({
    metadata: { labels },
    spec: { containers: [{ name: "c", image: "registry.invalid/web", ports: [{ containerPort: 80 }] }] },
  });
  const rs = (hash: string, version: string): Json =>
    owned(
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: { name: `web-${hash}`, namespace: "x" },
        spec: {
          selector: { matchLabels: { app: "web", "pod-template-hash": hash } },
          template: tmpl({ app: "web", version, "pod-template-hash": hash }),
        },
      },
      "Deployment",
      "web",
    );

  it("merges a Deployment's pods across its ReplicaSets and splits the cell by revision", () => {
    const objs: Json[] = [
      namespace("x"),
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "x" },
        spec: { selector: { matchLabels: { app: "web" } }, template: tmpl({ app: "web", version: "v2" }) },
      },
      rs("aaa", "v1"),
      rs("bbb", "v2"),
      owned(web("web-aaa-1", "10.0.0.1", "aaa", "v1"), "ReplicaSet", "web-aaa"),
      owned(web("web-bbb-1", "10.0.0.3", "bbb", "v2"), "ReplicaSet", "web-bbb"),
      ...rollout.slice(4),
    ];
    const v = dryRunView(snapshotOf(objs));
    const g = groupMatrix(engineOf(v.snapshot), ownerGroupOf);
    expect(g.groups.map((x) => [x.name, x.members])).toEqual([
      ["x/Deployment/web", ["x/web-aaa-1", "x/web-bbb-1"]],
      ["x/db-0", ["x/db-0"]],
    ]);
    const c = cellAt(g, "x/Deployment/web", "x/db-0");
    expect(c.kind === "mixed" && c.split.map((p) => p.from.name)).toEqual([
      "x/Deployment/web[pod-template-hash=aaa]",
      "x/Deployment/web[pod-template-hash=bbb]",
    ]);
  });
});

describe("groupMatrix against every member pair", () => {
  it("is one verdict exactly when all member pairs agree, and mixed with exactly their verdicts otherwise", () => {
    fc.assert(
      fc.property(
        cluster,
        fc.array(fc.integer({ min: -1, max: 2 }), { minLength: 8, maxLength: 8 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { maxLength: 2 }),
        (objs, ownerOf, asWorkload) => {
          const s = dryRunView(snapshotOf(objs)).snapshot;
          const pods: Pod[] = s.pods.map((p, i) => {
            const o = ownerOf[i] ?? -1;
            if (asWorkload.includes(i) && !p.nonTarget)
              return { ...p, name: `Deployment/${p.name}`, ips: [], workload: "Deployment" };
            return o >= 0 ? { ...p, owner: `${p.namespace}/Deployment/w${o}` } : p;
          });
          const engine = engineOf({ ...s, pods }, PROBES.slice(0, 2));
          const g = groupMatrix(engine, ownerGroupOf);
          const byRef = new Map([...engine.sources, ...engine.destinations].map((p) => [refOf(p), p]));
          for (const i of g.rows) {
            for (const j of g.columns) {
              const G = g.groups[i] as (typeof g.groups)[number];
              const H = g.groups[j] as (typeof g.groups)[number];
              const src = G.members.flatMap((m) => engine.sources.filter((p) => refOf(p) === m));
              const dst = H.members.flatMap((m) => engine.destinations.filter((p) => refOf(p) === m));
              for (let k = 0; k < engine.ports.length; k++) {
                const keys = new Set<string>();
                for (const a of src)
                  for (const b of dst) {
                    const self = a === b && (a.workload !== undefined || (G.selfCell && i === j));
                    if (a !== b || self) keys.add(verdictKey(engine.cell(a, b, k)));
                  }
                const c = g.cell(i, j, k);
                if (keys.size === 0) expect(c.kind).toBe("not-evaluated");
                else if (keys.size === 1) expect(c.kind !== "mixed" && verdictKey(c)).toBe([...keys][0]);
                else {
                  expect(c.kind).toBe("mixed");
                  if (c.kind === "mixed") {
                    expect(new Set(c.split.map((p) => verdictKey(p.cell)))).toEqual(keys);
                    for (const p of c.split)
                      expect([...p.from.members, ...p.to.members].every((m) => byRef.has(m))).toBe(true);
                  }
                }
              }
            }
          }
        },
      ),
      { numRuns: numRuns(100) },
    );
  });
});

describe("sub-group names", () => {
  it("names the members of a DaemonSet and a Deployment by node when only the node tells them apart", () => {
    const objs: Json[] = [
      namespace("x"),
      node("n1", "192.168.0.1", ["10.1.0.0/24"]),
      node("n2", "192.168.0.2", ["10.2.0.0/24"]),
      pod("x", "proxy-a", { labels: { app: "proxy" }, node: "n1", hostNetwork: true, ips: ["192.168.0.1"] }),
      pod("x", "proxy-b", { labels: { app: "proxy" }, node: "n2", hostNetwork: true, ips: ["192.168.0.2"] }),
      pod("x", "api-a", {
        labels: { app: "api" },
        node: "n1",
        ips: ["10.1.0.5"],
        ports: [{ containerPort: 80 }],
      }),
      pod("x", "api-b", {
        labels: { app: "api" },
        node: "n2",
        ips: ["10.2.0.5"],
        ports: [{ containerPort: 80 }],
      }),
      policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress"] }),
    ];
    const owners = {
      "x/proxy-a": "x/DaemonSet/proxy",
      "x/proxy-b": "x/DaemonSet/proxy",
      "x/api-a": "x/Deployment/api",
      "x/api-b": "x/Deployment/api",
    };
    const g = groupMatrix(engineOf(view(objs, owners)), ownerGroupOf);
    const c = cellAt(g, "x/DaemonSet/proxy", "x/Deployment/api");
    // A pod's own node may always reach it (kubelet probes); the other node may not.
    expect(
      c.kind === "mixed" && c.split.map((p) => `${p.from.name} -> ${p.to.name} ${verdictKey(p.cell)}`),
    ).toEqual([
      "x/DaemonSet/proxy[node=n1] -> x/Deployment/api[node=n1] a",
      "x/DaemonSet/proxy[node=n1] -> x/Deployment/api[node=n2] d",
      "x/DaemonSet/proxy[node=n2] -> x/Deployment/api[node=n1] d",
      "x/DaemonSet/proxy[node=n2] -> x/Deployment/api[node=n2] a",
    ]);
  });
});
