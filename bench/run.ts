/**
 * `npm run bench`: measures the core on synthetic clusters (see synthetic.ts) and prints a Markdown
 * table for docs/benchmarks.md. Each size is written to a temporary file and measured in its own
 * process, which reads the file as the CLI would, so peak RSS is that size's own.
 * Benchmarks are not tests: nothing here fails on a slow machine.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { compile, compileAll, compileContext } from "../src/compile/compile.js";
import { refOf } from "../src/k8s/model.js";
import { parseDocuments } from "../src/load/documents.js";
import { buildSnapshot } from "../src/load/snapshot.js";
import { indexSnapshot } from "../src/policy/cluster-index.js";
import { evaluate } from "../src/policy/evaluate.js";
import { datapathBench } from "./datapath.js";
import { datapathCost } from "./datapath-cost.js";
import { agentAtScale, eventLatency } from "./agent.js";
import { cnpMarkdown } from "./cnp.js";
import { cniBinaryBench } from "./cni.js";
import { diffBench, validateBench, validateCliBench } from "./validate.js";
import { type SimulateCase, simulateBench, simulateTable } from "./simulate.js";
import { syntheticCluster } from "./synthetic.js";
import { yamlReadersMarkdown } from "./yaml-readers.js";

interface Result {
  pods: number;
  policies: number;
  jsonMB: number;
  loadJsonMs: number;
  loadYamlMs: number;
  evaluate100x100Ms: number;
  loadJsonPlusMatrixMs: number;
  compileOneNodeColdMs: number;
  compileOneNodeWarmMs: number;
  compileAllMs: number;
  nodePods: number;
  nodeRules: number;
  nodeSets: number;
  nodeSetElements: number;
  peakRssMB: number;
}

const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Writes the synthetic cluster as one JSON List and as multi-document YAML; returns the paths. */
function generate(pods: number, policies: number): { json: string; yaml: string } {
  const dir = mkdtempSync(join(tmpdir(), "netguard-bench-"));
  const objs = syntheticCluster({ pods, policies });
  const json = join(dir, "cluster.json");
  const yaml = join(dir, "cluster.yaml");
  writeFileSync(json, JSON.stringify({ apiVersion: "v1", kind: "List", items: objs }, null, 1));
  writeFileSync(yaml, objs.map((o) => stringify(o)).join("---\n"));
  return { json, yaml };
}

/** Measures one size in this process: load from the file, evaluate, compile; peak RSS before YAML. */
function child(pods: number, policies: number, jsonPath: string, yamlPath: string): Result {
  const json = readFileSync(jsonPath, "utf8");
  let t = process.hrtime.bigint();
  const loaded = buildSnapshot(parseDocuments("cluster.json", json).objects);
  const loadJsonMs = ms(t);
  if (loaded.issues.some((i) => i.severity === "error"))
    throw new Error(JSON.stringify(loaded.issues.slice(0, 3)));

  t = process.hrtime.bigint();
  const index = indexSnapshot(loaded.snapshot);
  const step = Math.max(1, Math.floor(index.targets.length / 100));
  const sample = index.targets.filter((_, i) => i % step === 0).slice(0, 100);
  let allowed = 0;
  for (const a of sample) {
    for (const b of sample) {
      const v = evaluate(index, {
        from: { pod: refOf(a) },
        to: { pod: refOf(b) },
        protocol: "TCP",
        port: 8080,
      });
      if (typeof v !== "string" && v.allowed) allowed++;
    }
  }
  const evaluate100x100Ms = ms(t);
  if (allowed === 0) throw new Error("benchmark cluster allows nothing: generator is broken");

  const nodeName = "node-000";
  const cold: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = process.hrtime.bigint();
    compile(compileContext(loaded.snapshot), nodeName);
    cold.push(ms(t));
  }
  const ctx = compileContext(loaded.snapshot);
  compile(ctx, nodeName);
  t = process.hrtime.bigint();
  const rules = compile(ctx, "node-001");
  const compileOneNodeWarmMs = ms(t);

  t = process.hrtime.bigint();
  compileAll(loaded.snapshot);
  const compileAllMs = ms(t);

  const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
  const yaml = readFileSync(yamlPath, "utf8");
  t = process.hrtime.bigint();
  buildSnapshot(parseDocuments("cluster.yaml", yaml).objects);
  const loadYamlMs = ms(t);

  const nodeRules = rules.pods.reduce(
    (n, p) =>
      n +
      (p.ingress.kind === "isolated" ? p.ingress.rules.length : 0) +
      (p.egress.kind === "isolated" ? p.egress.rules.length : 0),
    0,
  );
  const nodeSetElements =
    rules.addressSets.reduce((n, s) => n + s.intervals.length, 0) +
    rules.portSets.reduce((n, s) => n + s.entries.length, 0) +
    rules.endpointPortSets.reduce((n, s) => n + s.entries.length, 0);
  return {
    pods,
    policies,
    jsonMB: Math.round((json.length / 1e6) * 10) / 10,
    loadJsonMs,
    loadYamlMs,
    evaluate100x100Ms,
    loadJsonPlusMatrixMs: loadJsonMs + evaluate100x100Ms,
    compileOneNodeColdMs: median(cold),
    compileOneNodeWarmMs,
    compileAllMs,
    nodePods: rules.pods.length,
    nodeRules,
    nodeSets: rules.addressSets.length + rules.portSets.length + rules.endpointPortSets.length,
    nodeSetElements,
    peakRssMB,
  };
}

async function datapathTable(): Promise<string[]> {
  const sizes = (process.env.BENCH_DATAPATH_SIZES ?? "10000x2000,20000x2000,10000x4000")
    .split(",")
    .map((s) => s.split("x").map(Number));
  const rows: string[] = [];
  for (const [p, n] of sizes) {
    process.stderr.write(`bench: datapath, ${p} pods, ${n} policies, 250 pods on the node...\n`);
    const x = await datapathBench(p as number, n as number);
    if (!x) return ["(datapath benchmarks skipped: see stderr)"];
    rows.push(
      `| ${x.pods} | ${x.policies} | ${r(x.renderMs)} ms | ${r(x.fullApplyMs)} ms | ${r(x.remotePodMs)} ms (${x.remotePodCommands} cmds) | ${r(x.policyChangeMs)} ms (${x.policyChangeCommands} cmds) | ${x.chains} | ${x.sets} | ${x.elements} | ${x.scriptKB} KB |`,
    );
  }
  return [
    "| pods | policies | render | full atomic apply | sync: remote pod added | sync: policy changed | chains | sets+maps | elements | script |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows,
  ];
}

async function costTable(): Promise<string[]> {
  process.stderr.write("bench: datapath cost (new TCP connections per second between two lab pods)...\n");
  const c = await datapathCost(2).catch((e: unknown) => {
    process.stderr.write(`datapath cost skipped: ${(e as Error).message}\n`);
    return undefined;
  });
  if (!c) return ["(datapath cost skipped: see stderr)"];
  return [
    "| pair (port) | no tables | conntrack only | netguard ruleset | ratio to conntrack only | ratio to no tables |",
    "|---|---:|---:|---:|---:|---:|",
    `| ${c.pair} (${c.port}) | ${c.bare.toFixed(0)}/s | ${c.conntrackOnly.toFixed(0)}/s | ${c.withRules.toFixed(0)}/s | ${c.ratio.toFixed(2)} | ${c.ratioToBare.toFixed(2)} |`,
  ];
}

async function agentTable(): Promise<string[]> {
  process.stderr.write("bench: agent event-to-enforced latency (50 policy changes in a lab node)...\n");
  const lat = await eventLatency(50).catch(
    (e: unknown) => (process.stderr.write(`agent latency skipped: ${(e as Error).message}\n`), undefined),
  );
  process.stderr.write("bench: agent at 10,000 pods / 2,000 policies...\n");
  const big = await agentAtScale().catch(
    (e: unknown) => (process.stderr.write(`agent scale skipped: ${(e as Error).message}\n`), undefined),
  );
  return [
    "| event → enforced p50 | p99 | max (n) | first sync at 10k pods | RSS | peak RSS | idle CPU | one pod-label change |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|",
    `| ${lat ? `${r(lat.p50)} ms | ${r(lat.p99)} ms | ${r(lat.max)} ms (${lat.n})` : "skipped | | "} | ${big ? `${r(big.firstSyncMs)} ms | ${big.rssMB} MB | ${big.peakRssMB} MB | ${big.idleCpuPercent.toFixed(1)} % | ${r(big.labelChangeMs)} ms` : "skipped | | | |"} |`,
  ];
}

async function cniTable(): Promise<string[]> {
  process.stderr.write("bench: CNI plugin executable (npm run build:cni output)...\n");
  const c = await cniBinaryBench().catch(
    (e: unknown) => (process.stderr.write(`cni bench skipped: ${(e as Error).message}\n`), undefined),
  );
  return [
    "| CNI executable size | cold start (VERSION, median of 5) |",
    "|---:|---:|",
    c ? `| ${c.sizeMB.toFixed(1)} MB | ${r(c.coldStartMs)} ms |` : "| skipped (run npm run build:cni) | |",
  ];
}

async function validateTable(): Promise<string[]> {
  process.stderr.write(
    "bench: validate 10,000 policies; diff of two 2,000-policy sets over 10,000 pods...\n",
  );
  const v = await validateBench();
  const c = validateCliBench();
  const d = diffBench();
  return [
    "| validate: policies | YAML | in process | `netguard validate` (YAML) | JSON List | `netguard validate` (JSON) | diff: policies changed | pods | time | groups (pod pairs) |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    `| ${v.policies} | ${v.mb.toFixed(1)} MB | ${r(v.ms)} ms | ${r(c.yamlMs)} ms | ${c.jsonMb.toFixed(1)} MB | ${r(c.jsonMs)} ms | 10 of 2000 | 10000 | ${r(d.ms)} ms | ${d.groups} (${d.pairs}) |`,
  ];
}

/**
 * `simulate --format json` (issue #12 targets: 1,000 pods with their 6 declared ports < 2 s and
 * < 400 MB; 5,000 pods, 25 M cells, < 30 s and < 1 GB), plus 5,000 pods on all 6 ports (150 M
 * cells, 17 GB of json), and the `--group-by workload` table of 10,000 pods / 2,000 policies
 * owned by ~1,000 workloads (target < 5 s). BENCH_SIMULATE_SIZES="1000x200,..." with BENCH_SIMULATE_ARGS replaces the
 * cases; BENCH_SIMULATE_RUNS sets the run count (default 3).
 */
function simulateTableRows(): string[] {
  const json = ["--format", "json"];
  const extra = (process.env.BENCH_SIMULATE_ARGS ?? "").split(" ").filter(Boolean);
  const cases: SimulateCase[] = process.env.BENCH_SIMULATE_SIZES
    ? process.env.BENCH_SIMULATE_SIZES.split(",")
        .map((s) => s.split("x").map(Number))
        .map(([pods, policies]) => ({
          pods: pods as number,
          policies: policies as number,
          args: [...json, ...extra],
        }))
    : [
        { pods: 1000, policies: 200, args: json },
        { pods: 5000, policies: 1000, args: [...json, "--port", "8080/TCP"] },
        { pods: 5000, policies: 1000, args: json },
        {
          pods: 10000,
          policies: 2000,
          workloads: true,
          args: ["--group-by", "workload", "--format", "table"],
        },
      ];
  return simulateTable(simulateBench(cases, Number(process.env.BENCH_SIMULATE_RUNS ?? 3)));
}

/** The YAML readers compared (issue 13); BENCH_YAML_ROUNDS sets the rounds (default 5). */
function yamlTable(): string[] {
  process.stderr.write("bench: YAML readers (fast reader or library, yaml and js-yaml)...\n");
  return yamlReadersMarkdown(Number(process.env.BENCH_YAML_ROUNDS ?? 5));
}

const r = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === "--child") {
    process.stdout.write(
      JSON.stringify(child(Number(args[1]), Number(args[2]), String(args[3]), String(args[4]))),
    );
    return;
  }
  // BENCH_ONLY=simulate: just the simulate table (no root, no lab).
  if (process.env.BENCH_ONLY === "simulate") {
    process.stdout.write(`${simulateTableRows().join("\n")}\n`);
    return;
  }
  // BENCH_ONLY=cnp: just the ClusterNetworkPolicy benchmarks (issue 14; root for the datapath parts).
  if (process.env.BENCH_ONLY === "cnp") {
    process.stdout.write(`${(await cnpMarkdown()).join("\n")}\n`);
    return;
  }
  // BENCH_SIZES="10000x2000,20000x2000" picks sizes; the default is the issue's size and its doublings.
  const sizes = (process.env.BENCH_SIZES ?? "10000x2000,20000x2000,10000x4000,20000x4000")
    .split(",")
    .map((s) => s.split("x").map(Number));
  const self = fileURLToPath(import.meta.url);
  const results: Result[] = sizes.map(([p, n]) => {
    process.stderr.write(`bench: ${p} pods, ${n} policies...\n`);
    const files = generate(p as number, n as number);
    const out = execFileSync(
      process.execPath,
      [self, "--child", String(p), String(n), files.json, files.yaml],
      {
        encoding: "utf8",
        maxBuffer: 1 << 24,
      },
    );
    rmSync(dirname(files.json), { recursive: true, force: true });
    return JSON.parse(out) as Result;
  });
  const rows = [
    "| pods | policies | input (JSON MB) | load JSON | load YAML | 100×100 matrix | load JSON + matrix | compile 1 node (cold) | compile 1 node (warm) | compile all nodes | peak RSS |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...results.map(
      (x) =>
        `| ${x.pods} | ${x.policies} | ${x.jsonMB} | ${r(x.loadJsonMs)} ms | ${r(x.loadYamlMs)} ms | ${r(x.evaluate100x100Ms)} ms | ${r(x.loadJsonPlusMatrixMs)} ms | ${r(x.compileOneNodeColdMs)} ms | ${r(x.compileOneNodeWarmMs)} ms | ${r(x.compileAllMs)} ms | ${x.peakRssMB} MB |`,
    ),
    "",
    "| pods | policies | pods on node-001 | rules on node-001 | sets on node-001 | set elements on node-001 |",
    "|---:|---:|---:|---:|---:|---:|",
    ...results.map(
      (x) =>
        `| ${x.pods} | ${x.policies} | ${x.nodePods} | ${x.nodeRules} | ${x.nodeSets} | ${x.nodeSetElements} |`,
    ),
  ];
  process.stdout.write(
    `${rows.join("\n")}\n\n${(await datapathTable()).join("\n")}\n\n${(await costTable()).join("\n")}\n\n${(await agentTable()).join("\n")}\n\n${(await cniTable()).join("\n")}\n\n${(await validateTable()).join("\n")}\n\n${simulateTableRows().join("\n")}\n\n${yamlTable().join("\n")}\n\n${(await cnpMarkdown()).join("\n")}\n`,
  );
}

void main();
