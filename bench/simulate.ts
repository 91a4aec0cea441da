/**
 * `netguard simulate` at scale (issue #12): the real CLI (`dist/cli/bin.js`) in a fresh process per
 * run, reading a synthetic cluster from a JSON file and writing to /dev/null, with its peak RSS
 * (taken at exit by a preloaded hook). Runs of all cases are interleaved and medians reported, so a
 * noisy neighbour hits every case alike.
 * BENCH_SIMULATE_BIN measures another build (e.g. an older commit's dist/cli/bin.js).
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { syntheticCluster } from "./synthetic.js";

/** One measured command. */
export interface SimulateCase {
  readonly pods: number;
  readonly policies: number;
  /** Extra arguments after `simulate` (the default is `--format json`). */
  readonly args?: readonly string[];
  /** Give up on a run after this long (the old code took minutes, then failed). */
  readonly timeoutMs?: number;
  /**
   * Pods owned by a ReplicaSet per app and namespace (`app-K-rs`, known from the ownerReference
   * alone): ~pods/10 workloads, for `--group-by workload`.
   */
  readonly workloads?: boolean;
}

/** The synthetic cluster, its pods owned per app when `workloads` (see SimulateCase). */
function clusterObjects(c: SimulateCase): Record<string, unknown>[] {
  const objs = syntheticCluster({ pods: c.pods, policies: c.policies });
  if (!c.workloads) return objs;
  return objs.map((o) => {
    if (o.kind !== "Pod") return o;
    const meta = o.metadata as { labels: { app: string } };
    const owner = { apiVersion: "apps/v1", kind: "ReplicaSet", name: `${meta.labels.app}-rs`, uid: "u" };
    return { ...o, metadata: { ...meta, ownerReferences: [{ ...owner, controller: true }] } };
  });
}

/** Medians over the runs of one case. */
export interface SimulateResult {
  readonly pods: number;
  readonly policies: number;
  readonly args: readonly string[];
  readonly workloads: boolean;
  readonly inputMB: number;
  readonly ms: number;
  /** User + system CPU time of the process (all its threads). */
  readonly cpuMs: number;
  readonly peakRssMB: number;
  /** Exit status or failure of the last run, e.g. "exit 0", "timeout", "RangeError: Invalid string length". */
  readonly outcome: string;
  readonly runs: number;
}

const RSS_HOOK = `process.on("exit", () => { const u = process.resourceUsage(); require("fs").writeSync(2, "\\nBENCH_RSS_KB " + u.maxRSS + " BENCH_CPU_US " + (u.userCPUTime + u.systemCPUTime) + "\\n"); });\n`;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Runs every case `runs` times, interleaved; returns one result per case. */
export function simulateBench(cases: readonly SimulateCase[], runs = 3): SimulateResult[] {
  const root = resolve(fileURLToPath(import.meta.url), "../../..");
  const bin = process.env.BENCH_SIMULATE_BIN ?? join(root, "dist/cli/bin.js");
  const dir = mkdtempSync(join(tmpdir(), "netguard-bench-simulate-"));
  try {
    const hook = join(dir, "rss.cjs");
    writeFileSync(hook, RSS_HOOK);
    const inputs = cases.map((c, i) => {
      const file = join(dir, `cluster-${i}.json`);
      const text = JSON.stringify({ apiVersion: "v1", kind: "List", items: clusterObjects(c) });
      writeFileSync(file, text);
      return { file, mb: text.length / 1e6 };
    });
    const samples = cases.map(() => ({
      ms: [] as number[],
      cpu: [] as number[],
      rss: [] as number[],
      outcome: "",
    }));
    for (let r = 0; r < runs; r++) {
      cases.forEach((c, i) => {
        const args = c.args ?? ["--format", "json"];
        process.stderr.write(`bench: simulate ${args.join(" ")}, ${c.pods} pods (run ${r + 1}/${runs})...\n`);
        const s = runOnce(bin, hook, [...args, (inputs[i] as { file: string }).file], c.timeoutMs);
        const acc = samples[i] as { ms: number[]; cpu: number[]; rss: number[]; outcome: string };
        acc.ms.push(s.ms);
        acc.cpu.push(s.cpuMs);
        acc.rss.push(s.rssKB / 1024);
        acc.outcome = s.outcome;
      });
    }
    return cases.map((c, i) => {
      const acc = samples[i] as { ms: number[]; cpu: number[]; rss: number[]; outcome: string };
      return {
        pods: c.pods,
        policies: c.policies,
        args: c.args ?? ["--format", "json"],
        workloads: c.workloads === true,
        inputMB: Math.round((inputs[i] as { mb: number }).mb * 10) / 10,
        ms: median(acc.ms),
        cpuMs: median(acc.cpu),
        peakRssMB: Math.round(median(acc.rss)),
        outcome: acc.outcome,
        runs,
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runOnce(
  bin: string,
  hook: string,
  args: readonly string[],
  timeoutMs = 600_000,
): { ms: number; cpuMs: number; rssKB: number; outcome: string } {
  const devNull = openSync("/dev/null", "w");
  try {
    const t0 = process.hrtime.bigint();
    const p = spawnSync(process.execPath, ["--require", hook, bin, "simulate", ...args], {
      stdio: ["ignore", devNull, "pipe"],
      encoding: "utf8",
      maxBuffer: 1 << 26,
      timeout: timeoutMs,
    });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const err = p.stderr ?? "";
    const rss = /BENCH_RSS_KB (\d+) BENCH_CPU_US (\d+)/.exec(err);
    const thrown = /(\w+Error: [^\n]*)/.exec(err);
    const outcome = p.error
      ? p.signal === "SIGTERM"
        ? "timeout"
        : String(p.error.message)
      : thrown
        ? (thrown[1] as string)
        : `exit ${p.status ?? p.signal}`;
    return { ms, cpuMs: rss ? Number(rss[2]) / 1000 : 0, rssKB: rss ? Number(rss[1]) : 0, outcome };
  } finally {
    closeSync(devNull);
  }
}

/** The Markdown table of docs/benchmarks.md. */
export function simulateTable(results: readonly SimulateResult[]): string[] {
  const r = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  return [
    "| pods | policies | owned by ~pods/10 workloads | command | input (JSON MB) | time (median) | CPU (median) | peak RSS (median) | outcome | runs |",
    "|---:|---:|---|---|---:|---:|---:|---:|---|---:|",
    ...results.map(
      (x) =>
        `| ${x.pods} | ${x.policies} | ${x.workloads ? "yes" : "no"} | \`simulate ${x.args.join(" ")}\` | ${x.inputMB} | ${r(x.ms / 1000)} s | ${r(x.cpuMs / 1000)} s | ${x.peakRssMB} MB | ${x.outcome} | ${x.runs} |`,
    ),
  ];
}
