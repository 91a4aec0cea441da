/**
 * examples/chart (a rendered Helm chart) and examples/dump (a `kubectl get -A -o yaml` dump during a
 * rollout): `simulate --group-by workload` must reproduce the matrix worked out by hand from the
 * NetworkPolicy spec (expected.txt; the reasoning per cell is in each README), and the JSON must
 * name every pod's top-level owner and say how many finished pods were left out (issue 12).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CliIo, ExitCode } from "../src/cli/io.js";
import { runCli } from "../src/cli/main.js";
import { nodeInputFs } from "../src/load/node-fs.js";
import { memoryIo } from "./support/memory-io.js";

const examples = join(import.meta.dirname, "..", "examples");
const CHART = join(examples, "chart");
const DUMP = join(examples, "dump");

/** The CLI run in process on the real files, stdout and stderr captured. */
async function netguard(argv: readonly string[]): Promise<{ code: ExitCode; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = {
    fs: nodeInputFs,
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
  };
  const code = await runCli(io, argv);
  return { code, out, err };
}

const MARKS = new Set([".", "X", "-", "~"]);

/** A workload-grouped table: `PROTO/port`, a header row of group names, one row per group. */
interface GroupedTables {
  readonly ports: string[];
  readonly groups: string[];
  /** "TCP/80 from to" → mark. */
  readonly cells: Map<string, string>;
}

/**
 * Parses the tables of `simulate --format table` (or expected.txt): blocks headed `PROTO/port`;
 * rows end at the first line that is not one (the legend and footer follow the tables).
 */
function parseTables(text: string): GroupedTables {
  const lines = text.split("\n");
  const ports: string[] = [];
  let groups: string[] = [];
  const cells = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const port = (lines[i] ?? "").trim();
    if (!/^(TCP|UDP|SCTP)\/\d+$/.test(port)) continue;
    const header = (lines[i + 1] ?? "").trim().split(/\s+/);
    if (header[0] !== "-") throw new Error(`table ${port}: header row must start with '-'`);
    const names = header.slice(1);
    if (ports.length > 0 && names.join(" ") !== groups.join(" "))
      throw new Error(`table ${port}: other columns than the first table`);
    groups = names;
    ports.push(port);
    for (let r = i + 2; r < lines.length; r++) {
      const [from, ...marks] = (lines[r] ?? "").trim().split(/\s+/);
      if (
        !from ||
        !names.includes(from) ||
        marks.length !== names.length ||
        !marks.every((m) => MARKS.has(m))
      )
        break;
      marks.forEach((m, c) => cells.set(`${port} ${from} ${names[c]}`, m));
    }
  }
  return { ports, groups, cells };
}

function expectedOf(dir: string): GroupedTables {
  const t = parseTables(readFileSync(join(dir, "expected.txt"), "utf8"));
  expect(t.cells.size).toBe(t.ports.length * t.groups.length ** 2);
  return t;
}

/** The differing cells, as lines a reader can check against the README. */
function differences(got: GroupedTables, want: GroupedTables): string[] {
  const out: string[] = [];
  for (const [key, mark] of want.cells) {
    const g = got.cells.get(key);
    if (g !== mark) out.push(`${key}: expected ${mark}, got ${g ?? "(missing)"}`);
  }
  for (const key of got.cells.keys()) if (!want.cells.has(key)) out.push(`${key}: not expected`);
  return out;
}

interface GroupedResult {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
  readonly allowed: boolean | null | "mixed";
  readonly note?: string;
  readonly split?: unknown;
}

/** The grouped JSON's cells as table marks. */
function jsonMarks(results: readonly GroupedResult[]): Map<string, string> {
  const mark = (a: GroupedResult["allowed"]) => (a === "mixed" ? "~" : a === null ? "-" : a ? "." : "X");
  return new Map(results.map((r) => [`${r.protocol}/${r.port} ${r.from} ${r.to}`, mark(r.allowed)]));
}

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

interface Explained {
  readonly allowed: boolean;
}

describe("explain agrees with the hand-worked cells", () => {
  it("examples/chart: every evaluated cell, workload to workload (self cells replica to replica)", async () => {
    const want = expectedOf(CHART);
    const disagree: string[] = [];
    for (const [key, mark] of want.cells) {
      if (mark === "-") continue;
      const [port, from, to] = key.split(" ") as [string, string, string];
      const [protocol, number] = port.split("/") as [string, string];
      const probe = `${number}/${protocol}`;
      const r = await netguard(["explain", "--from", from, "--to", to, "-p", probe, "-f", "json", CHART]);
      const got = r.code === 0 ? ((JSON.parse(r.out) as Explained).allowed ? "." : "X") : `exit ${r.code}`;
      if (got !== mark) disagree.push(`${key}: expected ${mark}, explain says ${got}`);
    }
    expect(disagree).toEqual([]);
  });

  it.each<[string, string, string, boolean, RegExp?]>([
    // the rollout: only the new revision may reach the api
    ["shop/web-7c9d5f6b8-qp4rn", "shop/api-5f6d7c8b9-8mlwr", "8080/TCP", true],
    ["shop/web-6b7f9c8d4-h5jzt", "shop/api-5f6d7c8b9-8mlwr", "8080/TCP", false],
    // the backup's ipBlock holds db-0's address; db-1 has none, so no ipBlock matches it
    ["jobs/backup-28901294-z8m2c", "shop/db-0", "5432/TCP", true],
    ["jobs/backup-28901294-z8m2c", "shop/db-1", "5432/TCP", false, /no address/],
    // host network is node traffic: a pod and its own node may always talk
    ["kube-system/kube-proxy-7xk2p", "shop/db-0", "5432/TCP", true, /own node/],
    ["kube-system/kube-proxy-7xk2p", "shop/db-1", "5432/TCP", false],
    ["jobs/backup-28901294-q7w4n", "kube-system/kube-proxy-7xk2p", "8080/TCP", true, /own node/],
    ["jobs/backup-28901294-q7w4n", "kube-system/kube-proxy-9fz4m", "8080/TCP", false],
    // replication between the db replicas, and nothing reaches the debug pod
    ["shop/db-1", "shop/db-0", "5432/TCP", true],
    ["shop/api-5f6d7c8b9-2xkqz", "shop/debug", "8080/TCP", false],
  ])("examples/dump: %s -> %s on %s", async (from, to, port, allowed, says) => {
    const text = await netguard(["explain", "--from", from, "--to", to, "-p", port, DUMP]);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(allowed ? /: ALLOWED/ : /: DENIED/);
    if (says) expect(text.out).toMatch(says);
  });
});

interface DiffChange {
  readonly from: { readonly namespace: string; readonly workload: string };
  readonly to: { readonly namespace: string; readonly workload: string };
  readonly port: number;
  readonly protocol: string;
  readonly change: string;
}

/** `diff --before b --after a` on in-memory copies of an example, the after side edited. */
async function diffOf(
  dir: string,
  file: string,
  edit: (text: string) => string,
  extra: readonly string[] = [],
): Promise<{ code: ExitCode; changes: string[] }> {
  const files: Record<string, string> = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".yaml"))) {
    const text = readFileSync(join(dir, f), "utf8");
    const after = f === file ? edit(text) : text;
    if (f === file) expect(after, "the edit changes the file").not.toBe(text);
    files[`b/${f}`] = text;
    files[`a/${f}`] = after;
  }
  const io = memoryIo(files);
  const code = await runCli(io, ["diff", "--before", "b", "--after", "a", "-f", "json", ...extra]);
  const doc = JSON.parse(io.stdout()) as { changes: DiffChange[] };
  const name = (e: DiffChange["from"]) => `${e.namespace}/${e.workload}`;
  const changes = doc.changes.map(
    (c) => `${c.change} ${name(c.from)} -> ${name(c.to)} ${c.protocol}/${c.port}`,
  );
  return { code, changes: changes.sort() };
}

describe("diff of the examples, worked out by hand", () => {
  it("examples/dump: allowing every web revision opens web -> api for the old revision only", async () => {
    const r = await diffOf(DUMP, "cluster.yaml", (t) =>
      t.replace("            app: web\n            version: v2\n", "            app: web\n"),
    );
    expect(r.changes).toEqual(["newly-allowed shop/Deployment/web -> shop/Deployment/api TCP/8080"]);
    expect(r.code).toBe(0);
  });

  it("examples/chart: a changed template label is a connection change, and --fail-on denied fails", async () => {
    // the api's pods no longer carry component=api: the api policy, the frontend's egress and
    // postgres' peer select them no more; default-deny still does
    const r = await diffOf(
      CHART,
      "rendered.yaml",
      (t) =>
        t.replace(
          "      labels:\n        app.kubernetes.io/name: store\n        app.kubernetes.io/instance: store\n        app.kubernetes.io/component: api\n",
          "      labels:\n        app.kubernetes.io/name: store\n        app.kubernetes.io/instance: store\n        app.kubernetes.io/component: backend\n",
        ),
      ["--fail-on", "denied"],
    );
    expect(r.changes).toEqual([
      "newly-denied monitoring/Deployment/prometheus -> store/Deployment/api TCP/9090",
      "newly-denied store/Deployment/api -> data/StatefulSet/postgres TCP/5432",
      "newly-denied store/Deployment/frontend -> store/Deployment/api TCP/3000",
    ]);
    expect(r.code).toBe(1);
  });
});

/** The graph edges expected.txt implies: ports with `.`, or `~` as "(some)"; no pod-to-itself edge. */
function expectedEdges(t: GroupedTables): string[] {
  const edges: string[] = [];
  for (const from of t.groups) {
    for (const to of t.groups) {
      if (from === to && from.split("/").length === 2) continue;
      const ports = t.ports.flatMap((p) => {
        const mark = t.cells.get(`${p} ${from} ${to}`);
        return mark === "." ? [p] : mark === "~" ? [`${p} (some)`] : [];
      });
      if (ports.length > 0) edges.push(`${from} -> ${to}: ${ports.join(", ")}`);
    }
  }
  return edges.sort();
}

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

describe("validate --cluster understands workloads", () => {
  it("examples/chart: every policy selects a workload; only the DNS peer (kube-system is not in the chart) selects nothing", async () => {
    const r = await netguard(["validate", "--cluster", CHART, CHART]);
    expect(r.code).toBe(0);
    const lints = r.out
      .split("\n")
      .filter((l) => /\[(selects-no-pod|peer-selects-nothing)\]$/.test(l))
      .map((l) => l.replace(/^.*?warning: NetworkPolicy (\S+): (\S+):.*\[(\S+)\]$/, "$1 $2 $3"));
    expect(lints).toEqual(["store/allow-dns spec.egress[0].to[0] peer-selects-nothing"]);
  });
});
