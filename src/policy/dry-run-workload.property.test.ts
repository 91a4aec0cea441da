/**
 * Metamorphic laws of the dry-run of workloads (issue 12, "Tests and examples"):
 * - replacing a workload by k ≥ 2 pods written with its template (no status) gives the same verdict
 *   for every pair of distinct entries: the workload's row and column are each replica's, and its
 *   self cell is the cell of one replica to another;
 * - adding an unrelated workload changes no existing cell.
 * Both run the real path: decoder, dry-run view, matrix engine.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cluster, NAMESPACES, numRuns, PROBES } from "../../test/gen/cluster.js";
import { type Json, snapshotOf } from "../../test/support/objects.js";
import { type Pod, refOf, type WorkloadKind } from "../k8s/model.js";
import { indexSnapshot } from "./cluster-index.js";
import { dryRunView } from "./dry-run-view.js";
import { type Cell, type MatrixEngine, matrixEngine } from "./matrix-engine.js";
import type { ProbePort } from "./probe-ports.js";

const PORTS: ProbePort[] = PROBES.map(({ port, protocol }) => ({ port, protocol }));

type PortJson = { name?: string; containerPort: number; protocol?: string };

/** Container ports of templates, named ones overlapping the cluster generator's names. */
const TEMPLATE_PORTS: PortJson[] = [
  { name: "http", containerPort: 80 },
  { name: "http", containerPort: 8080 },
  { name: "alt", containerPort: 81 },
  { name: "dns", containerPort: 53, protocol: "UDP" },
  { containerPort: 443 },
];

interface WorkloadShape {
  readonly kind: WorkloadKind;
  readonly ns: string;
  readonly labels: Record<string, string>;
  readonly ports: PortJson[];
  readonly hostNetwork: boolean;
}

const KINDS: WorkloadKind[] = [
  "Deployment",
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "ReplicationController",
];

const portList = fc
  .uniqueArray(fc.integer({ min: 0, max: TEMPLATE_PORTS.length - 1 }), { maxLength: 2 })
  .map((ix) => {
    const ports = ix.map((i) => TEMPLATE_PORTS[i] as PortJson);
    // one name per protocol, as the API server requires
    return ports.filter(
      (p, i) => !ports.slice(0, i).some((q) => q.name === p.name && q.protocol === p.protocol),
    );
  });

const workloadShape = (hostNetwork: fc.Arbitrary<boolean>): fc.Arbitrary<WorkloadShape> =>
  fc.record({
    kind: fc.constantFrom(...KINDS),
    ns: fc.constantFrom(...NAMESPACES),
    labels: fc.record(
      { pod: fc.constantFrom("a", "b", "c"), tier: fc.constantFrom("fe", "be") },
      { requiredKeys: [] },
    ),
    ports: portList,
    hostNetwork,
  });

function apiVersionOf(kind: WorkloadKind): string {
  if (kind === "Job" || kind === "CronJob") return "batch/v1";
  return kind === "ReplicationController" ? "v1" : "apps/v1";
}

/** The workload object as a user writes it (selectors match the template, as the API requires). */
function workloadJson(w: WorkloadShape, name: string): Json {
  const labels = { app: name, ...w.labels };
  const podSpec = {
    ...(w.hostNetwork ? { hostNetwork: true } : {}),
    ...(w.kind === "Job" || w.kind === "CronJob" ? { restartPolicy: "OnFailure" } : {}),
    containers: [{ name: "main", image: "registry.invalid/app", ports: w.ports }],
  };
  const template = { metadata: { labels }, spec: podSpec };
  const selector = { matchLabels: { app: name } };
  const apiVersion = apiVersionOf(w.kind);
  const spec: Json =
    w.kind === "CronJob"
      ? { schedule: "*/5 * * * *", jobTemplate: { spec: { template } } }
      : w.kind === "Job"
        ? { template }
        : w.kind === "ReplicationController"
          ? { selector: { app: name }, template }
          : { selector, template, ...(w.kind === "StatefulSet" ? { serviceName: name } : {}) };
  return { apiVersion, kind: w.kind, metadata: { name, namespace: w.ns }, spec };
}

/**
 * A pod written with the template of `entry` (its decoded labels and ports), without status;
 * `owner` adds the controller ownerReference a real replica has.
 */
function replicaJson(w: WorkloadShape, entry: Pod, name: string, owner?: string): Json {
  const ownerReferences = owner
    ? [{ apiVersion: apiVersionOf(w.kind), kind: w.kind, name: owner, uid: `uid-${owner}`, controller: true }]
    : undefined;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: entry.namespace,
      labels: { ...entry.labels },
      ...(owner ? { ownerReferences } : {}),
    },
    spec: { containers: [{ name: "main", image: "registry.invalid/app", ports: w.ports }] },
  };
}

function engineOf(objects: Json[]): {
  engine: MatrixEngine;
  byRef: Map<string, Pod>;
  owners: ReadonlyMap<string, string>;
} {
  const view = dryRunView(snapshotOf(objects));
  const engine = matrixEngine(indexSnapshot(view.snapshot), PORTS);
  const byRef = new Map([...engine.sources, ...engine.destinations].map((p) => [refOf(p), p]));
  return { engine, byRef, owners: view.owners };
}

/** Every cell of the engine, by `port from to`. */
function allCells(m: ReturnType<typeof engineOf>): Map<string, Cell> {
  const out = new Map<string, Cell>();
  for (const pi of PORTS.keys())
    for (const from of m.engine.entries)
      for (const to of m.engine.entries) out.set(`${pi} ${from} ${to}`, cellOf(m, from, to, pi));
  return out;
}

function cellOf(m: ReturnType<typeof engineOf>, from: string, to: string, pi: number): Cell {
  const a = m.byRef.get(from);
  const b = m.byRef.get(to);
  if (!a || !b) throw new Error(`no entry ${a ? to : from}`);
  return m.engine.cell(a, b, pi);
}

describe("the dry-run of workloads", () => {
  it("a workload and k ≥ 2 pods of its template get the same verdicts for every pair of distinct entries", () => {
    fc.assert(
      fc.property(
        cluster,
        workloadShape(fc.constant(false)),
        fc.integer({ min: 2, max: 3 }),
        (objs, w, k) => {
          const withWorkload = engineOf([...objs, workloadJson(w, "w")]);
          const wRef = `${w.ns}/${w.kind}/w`;
          const entry = withWorkload.byRef.get(wRef);
          expect(entry, `${wRef} is an entry`).toBeDefined();
          const names = Array.from({ length: k }, (_, i) => `w-${i}`);
          const withPods = engineOf([...objs, ...names.map((n) => replicaJson(w, entry as Pod, n))]);
          const replicas = names.map((n) => `${w.ns}/${n}`);
          const others = withWorkload.engine.entries.filter((e) => e !== wRef);
          expect(withPods.engine.entries).toEqual([...others, ...replicas].sort());
          // the other entry an entry of the workload side stands for, per replica
          const asPod = (ref: string, replica: string) => (ref === wRef ? replica : ref);
          for (const [pi, p] of PORTS.entries()) {
            for (const from of withWorkload.engine.entries) {
              for (const to of withWorkload.engine.entries) {
                if (from === to && from !== wRef) continue; // a pod's self cell is its own business
                const want = cellOf(withWorkload, from, to, pi);
                const pairs =
                  from === wRef && to === wRef
                    ? replicas.flatMap((a) => replicas.filter((b) => b !== a).map((b) => [a, b] as const))
                    : replicas.map((r) => [asPod(from, r), asPod(to, r)] as const);
                for (const [a, b] of pairs) {
                  expect(
                    cellOf(withPods, a, b, pi),
                    `${p.protocol}/${p.port} ${from} -> ${to} as ${a} -> ${b}`,
                  ).toEqual(want);
                }
              }
            }
          }
        },
      ),
      { numRuns: numRuns(60) },
    );
  });

  it("adding an unrelated workload changes no existing cell", () => {
    fc.assert(
      fc.property(
        cluster,
        fc.array(workloadShape(fc.boolean()), { maxLength: 2 }),
        workloadShape(fc.boolean()),
        (objs, base, added) => {
          const before = [...objs, ...base.map((w, i) => workloadJson(w, `base${i}`))];
          const a = engineOf(before);
          const b = engineOf([...before, workloadJson(added, "added")]);
          expect(b.engine.entries).toEqual([...a.engine.entries, `${added.ns}/${added.kind}/added`].sort());
          for (const pi of PORTS.keys()) {
            for (const from of a.engine.entries) {
              for (const to of a.engine.entries) {
                expect(cellOf(b, from, to, pi), `${from} -> ${to} port ${pi}`).toEqual(
                  cellOf(a, from, to, pi),
                );
              }
            }
          }
        },
      ),
      { numRuns: numRuns(60) },
    );
  });
  it("a workload whose pods are in the input adds no entry and changes no cell: its pods stand for it", () => {
    fc.assert(
      fc.property(
        cluster,
        workloadShape(fc.constant(false)),
        fc.integer({ min: 1, max: 3 }),
        (objs, w, k) => {
          const template = engineOf([...objs, workloadJson(w, "w")]).byRef.get(`${w.ns}/${w.kind}/w`) as Pod;
          const pods = Array.from({ length: k }, (_, i) => replicaJson(w, template, `w-${i}`, "w"));
          const podsOnly = engineOf([...objs, ...pods]);
          const both = engineOf([...objs, workloadJson(w, "w"), ...pods]);
          expect(both.engine.entries).toEqual(podsOnly.engine.entries);
          expect([...both.owners]).toEqual([...podsOnly.owners]);
          expect(both.owners.get(`${w.ns}/w-0`)).toBe(`${w.ns}/${w.kind}/w`);
          expect(Object.fromEntries(allCells(both))).toEqual(Object.fromEntries(allCells(podsOnly)));
        },
      ),
      { numRuns: numRuns(40) },
    );
  });
});
