/**
 * explain, diff and validate --cluster on examples/chart and examples/dump agree with the cells and
 * connections worked out by hand (expected.txt, README).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ExitCode } from "../src/cli/io.js";
import { runCli } from "../src/cli/main.js";
import { CHART, DUMP, expectedOf, netguard } from "./dry-run-examples.js";
import { memoryIo } from "./support/memory-io.js";

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
