/**
 * examples/chart (a rendered Helm chart) and examples/dump (a `kubectl get -A -o yaml` dump during a
 * rollout): `simulate --group-by workload` must reproduce the matrix worked out by hand from the
 * NetworkPolicy spec (expected.txt; the reasoning per cell is in each README), and the JSON must
 * name every pod's top-level owner and say how many finished pods were left out (issue 12).
 */
import { describe, expect, it } from "vitest";
import {
  CHART,
  differences,
  DUMP,
  expectedEdges,
  expectedOf,
  type GroupedResult,
  jsonMarks,
  netguard,
  parseTables,
} from "./dry-run-examples.js";

describe.each([
  ["chart", CHART],
  ["dump", DUMP],
])("examples/%s", (_name, dir) => {
  it("simulate --format table --group-by workload reproduces expected.txt cell for cell", async () => {
    const want = expectedOf(dir);
    const r = await netguard(["simulate", "--format", "table", "--group-by", "workload", dir]);
    expect(r.err).not.toMatch(/(^|: )error: /m);
    expect(r.code).toBe(0);
    const got = parseTables(r.out);
    expect(got.ports).toEqual(want.ports);
    expect(got.groups).toEqual(want.groups);
    expect(differences(got, want)).toEqual([]);
  });

  it("the table groups by workload by default, since the input holds workloads", async () => {
    const grouped = await netguard(["simulate", "--format", "table", "--group-by", "workload", dir]);
    const plain = await netguard(["simulate", "--format", "table", dir]);
    expect(plain.code).toBe(0);
    expect(differences(parseTables(plain.out), expectedOf(dir))).toEqual([]);
    expect(plain.out).toBe(grouped.out);
  });

  it("the grouped JSON gives the same verdicts as the table (true/false/null/mixed)", async () => {
    const want = expectedOf(dir);
    const r = await netguard(["simulate", "--format", "json", "--group-by", "workload", dir]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { groupBy: string; results: GroupedResult[] };
    expect(doc.groupBy).toBe("workload");
    expect(Object.fromEntries(jsonMarks(doc.results))).toEqual(Object.fromEntries(want.cells));
    for (const res of doc.results) {
      if (res.allowed === "mixed") expect(res.split, `${res.from} -> ${res.to}`).toBeDefined();
      if (res.allowed === null) expect(res.note, `${res.from} -> ${res.to}`).toMatch(/host network/);
    }
  });
});

describe("examples/dump: the grouped table is the per-pod matrix merged by owner", () => {
  it("each group cell is the one verdict of its member pairs (two different pods on the diagonal), else ~", async () => {
    const r = await netguard(["simulate", "--format", "json", DUMP]);
    const doc = JSON.parse(r.out) as { results: GroupedResult[]; owners: Record<string, string> };
    const group = (ref: string) => doc.owners[ref] ?? ref;
    const merged = new Map<string, Set<string>>();
    for (const [key, mark] of jsonMarks(doc.results)) {
      const [port, from, to] = key.split(" ") as [string, string, string];
      const [g, h] = [group(from), group(to)];
      if (from === to && g !== from) continue; // a pod of a group to itself says nothing of the group
      const k = `${port} ${g} ${h}`;
      merged.set(k, (merged.get(k) ?? new Set()).add(mark));
    }
    const marks = [...merged].map(([k, s]) => [k, s.size === 1 ? [...s][0] : "~"] as const);
    expect(Object.fromEntries(marks)).toEqual(Object.fromEntries(expectedOf(DUMP).cells));
  });
});

describe("examples/chart: workloads without any pod or address", () => {
  it("a not-evaluated cell has the legend under the table", async () => {
    const r = await netguard(["simulate", "--format", "table", CHART]);
    const legend = r.out.slice(r.out.lastIndexOf("monitoring/DaemonSet/node-exporter"));
    expect(legend).toMatch(/-.*not evaluated/);
  });

  it("the JSON lists one entry per workload, and no owners (a chart has no pods)", async () => {
    const r = await netguard(["simulate", "--format", "json", CHART]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { pods: string[]; owners: Record<string, string> };
    expect(doc.pods).toEqual(expectedOf(CHART).groups);
    expect(doc.owners).toEqual({});
  });
});

/** Every pod of the dump that is not finished, and its top-level owner (`shop/debug` has none). */
const DUMP_OWNERS: Record<string, string> = {
  "jobs/backup-28901294-q7w4n": "jobs/CronJob/backup",
  "jobs/backup-28901294-z8m2c": "jobs/CronJob/backup",
  "kube-system/coredns-5d78c9869d-4gq8x": "kube-system/Deployment/coredns",
  "kube-system/coredns-5d78c9869d-tn6lw": "kube-system/Deployment/coredns",
  "kube-system/kube-proxy-7xk2p": "kube-system/DaemonSet/kube-proxy",
  "kube-system/kube-proxy-9fz4m": "kube-system/DaemonSet/kube-proxy",
  "shop/api-5f6d7c8b9-2xkqz": "shop/Deployment/api",
  "shop/api-5f6d7c8b9-8mlwr": "shop/Deployment/api",
  "shop/db-0": "shop/StatefulSet/db",
  "shop/db-1": "shop/StatefulSet/db",
  "shop/web-6b7f9c8d4-h5jzt": "shop/Deployment/web",
  "shop/web-7c9d5f6b8-qp4rn": "shop/Deployment/web",
};
const FINISHED = "jobs/backup-28901234-xk2p9";
const TERMINATED_LINE = /\b1 pod in phase Succeeded\/Failed left out/;

describe("examples/dump: pods, owners and finished pods", () => {
  it("the JSON has one entry per pod (the finished one left out) and every pod's top-level owner", async () => {
    const r = await netguard(["simulate", "--format", "json", DUMP]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as { pods: string[]; owners: Record<string, string>; notes: string[] };
    expect(doc.pods).toEqual([...Object.keys(DUMP_OWNERS), "shop/debug"].sort());
    const { [FINISHED]: finishedOwner, ...owners } = doc.owners;
    expect(owners).toEqual(DUMP_OWNERS);
    if (finishedOwner !== undefined) expect(finishedOwner).toBe("jobs/CronJob/backup");
    expect(doc.notes.filter((n) => TERMINATED_LINE.test(n))).toHaveLength(1);
  });

  it("the table says once how many finished pods were left out", async () => {
    const r = await netguard(["simulate", "--format", "table", DUMP]);
    expect(r.code).toBe(0);
    expect(`${r.out}\n${r.err}`.split("\n").filter((l) => TERMINATED_LINE.test(l))).toHaveLength(1);
  });

  it("the rollout's mixed cell says which revision may connect", async () => {
    const r = await netguard([
      "simulate",
      "--format",
      "json",
      "--group-by",
      "workload",
      "--port",
      "8080/TCP",
      DUMP,
    ]);
    const doc = JSON.parse(r.out) as { results: GroupedResult[] };
    const cell = doc.results.find((c) => c.from === "shop/Deployment/web" && c.to === "shop/Deployment/api");
    expect(cell?.allowed).toBe("mixed");
    const split = JSON.stringify(cell?.split);
    expect(split).toContain("shop/web-7c9d5f6b8-qp4rn");
    expect(split).toContain("shop/web-6b7f9c8d4-h5jzt");
  });
});

describe("dot and mermaid of the examples draw the hand-worked matrix", () => {
  it("examples/chart as dot", async () => {
    const r = await netguard(["simulate", "--format", "dot", CHART]);
    const edges = [...r.out.matchAll(/^\s*"([^"]+)" -> "([^"]+)" \[label="([^"]*)"\];$/gm)].map(
      ([, from, to, label]) => `${from} -> ${to}: ${label}`,
    );
    expect(edges.sort()).toEqual(expectedEdges(expectedOf(CHART)));
  });

  it("examples/dump as mermaid", async () => {
    const r = await netguard(["simulate", "--format", "mermaid", DUMP]);
    const names = new Map(
      [...r.out.matchAll(/^\s*(n\d+)\["([^"]+)"\]$/gm)].map(([, id, name]) => [id, name]),
    );
    const edges = [...r.out.matchAll(/^\s*(n\d+) -->\|"([^"]*)"\| (n\d+)$/gm)].map(
      ([, from, label, to]) => `${names.get(from as string)} -> ${names.get(to as string)}: ${label}`,
    );
    expect(edges.sort()).toEqual(expectedEdges(expectedOf(DUMP)));
  });
});
