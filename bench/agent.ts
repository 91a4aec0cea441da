/**
 * Agent benchmarks (issue #4), with the `netguard agent` executable against the in-repo API server:
 * - event-to-enforced latency in a lab node: a policy is created (or deleted) in the API and a
 *   probe polls until its result flips; p50/p99 over 50 changes;
 * - a 10,000-pod / 2,000-policy cluster: time to first sync, RSS, idle CPU, and the latency of one
 *   pod-label change (API change → the agent's "sync" log line).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { systemSpawnInNetns } from "../src/lab/agent-process.js";
import { startAgents } from "../src/lab/prober.js";
import { buildLab, destroyLab, newLabId } from "../src/lab/topology.js";
import { systemExec } from "../src/sys/exec.js";
import { startApiServer, type ApiServer, type KubeObject } from "../test/support/apiserver/server.js";
import { syntheticCluster } from "./synthetic.js";

// The executable as shipped (dist/, built by `npm run build`, which `npm run bench` runs first);
// BENCH_AGENT_BIN names another build.
const bin =
  process.env.BENCH_AGENT_BIN ??
  join(fileURLToPath(new URL(".", import.meta.url)), "..", "..", "dist", "cli", "bin.js");

/** Starts `netguard agent` for `node` against the API server, applying into `netns`; its stdout lines go to `lines`. */
export function agentProcess(
  api: ApiServer,
  netns: string,
  port: number,
  node: string,
): { child: ChildProcess; lines: (fn: (l: string) => void) => void } {
  const kcDir = mkdtempSync(join(tmpdir(), "netguard-bench-kc-"));
  process.once("exit", () => rmSync(kcDir, { recursive: true, force: true }));
  const kc = api.writeKubeconfig(kcDir);
  const child = spawn(
    process.execPath,
    [
      bin,
      "agent",
      "--node",
      node,
      "--kubeconfig",
      kc,
      "--netns",
      netns,
      "--listen",
      `127.0.0.1:${port}`,
      "--drift-interval",
      "0",
      "--cni-socket",
      "",
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const listeners: Array<(l: string) => void> = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (l) =>
    listeners.forEach((f) => f(l)),
  );
  return { child, lines: (fn) => listeners.push(fn) };
}

/** Waits for the agent's /readyz; resolves with the milliseconds it took. */
export async function ready(port: number, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (
      await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return performance.now() - t0;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("agent not ready");
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] as number;

/** p50/p99 of policy-change → probe-flip over `changes` changes. */
export async function eventLatency(
  changes = 50,
): Promise<{ p50: number; p99: number; max: number; n: number }> {
  const api = await startApiServer({ bookmarkIntervalMs: 0 });
  const id = newLabId();
  const port = 21_000 + Math.floor(Math.random() * 10_000);
  let agent: ChildProcess | undefined;
  try {
    const pods: KubeObject[] = [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } },
      { apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, spec: { podCIDR: "10.1.0.0/24" } },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "a", namespace: "x" },
        spec: { nodeName: "n1" },
        status: { podIP: "10.1.0.10" },
      },
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "b", namespace: "x" },
        spec: { nodeName: "n1" },
        status: { podIP: "10.1.0.11" },
      },
    ];
    for (const o of pods) api.create(o);
    const lab = await buildLab(
      systemExec,
      {
        nodes: [{ name: "n1", nodeIP: "192.168.0.1", podCIDR4: "10.1.0.0/24" }],
        pods: [
          { key: "x/a", node: "n1", ips: ["10.1.0.10"], ports: [{ port: 80, protocol: "TCP" }] },
          { key: "x/b", node: "n1", ips: ["10.1.0.11"], ports: [{ port: 80, protocol: "TCP" }] },
        ],
      },
      id,
    );
    const prober = await startAgents(systemSpawnInNetns, lab, { timeoutMs: 50 });
    try {
      agent = agentProcess(api, lab.nodes[0]?.netns as string, port, "n1").child;
      await ready(port, 15_000);
      const probe = () =>
        prober.probe({ from: "x/b", dst: "10.1.0.10", port: 80, protocol: "TCP", timeoutMs: 50 });
      const samples: number[] = [];
      const deny: KubeObject = {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: "deny", namespace: "x" },
        spec: { podSelector: {} },
      };
      for (let i = 0; i < changes; i++) {
        const create = i % 2 === 0;
        const t0 = performance.now();
        if (create) api.create(deny);
        else api.remove("NetworkPolicy", "x", "deny");
        for (;;) {
          const r = await probe();
          if (r.ok !== create) break;
          if (performance.now() - t0 > 10_000) throw new Error("probe never flipped");
        }
        samples.push(performance.now() - t0);
      }
      return { p50: pct(samples, 50), p99: pct(samples, 99), max: Math.max(...samples), n: samples.length };
    } finally {
      await prober.close();
    }
  } finally {
    agent?.kill("SIGKILL");
    await destroyLab(systemExec, id);
    await api.close();
  }
}

/** First sync, RSS, idle CPU and one label change at 10,000 pods / 2,000 policies. */
export async function agentAtScale(): Promise<{
  firstSyncMs: number;
  rssMB: number;
  peakRssMB: number;
  idleCpuPercent: number;
  labelChangeMs: number;
}> {
  const api = await startApiServer({ bookmarkIntervalMs: 0, historyLimit: 100 });
  const ns = `ngb${Math.floor(Math.random() * 1e6).toString(16)}-agent`;
  const port = 31_000 + Math.floor(Math.random() * 10_000);
  await systemExec("ip", ["netns", "add", ns]);
  let child: ChildProcess | undefined;
  try {
    for (const o of syntheticCluster({ pods: 10_000, policies: 2_000, podsPerNode: 200 })) api.create(o);
    const proc = agentProcess(api, ns, port, "node-000");
    child = proc.child;
    const syncs: number[] = [];
    proc.lines((l) => {
      if (l.includes('"msg":"sync"')) syncs.push(performance.now());
    });
    const firstSyncMs = await ready(port, 60_000);
    await new Promise((r) => setTimeout(r, 2000));
    const stat = () => readFileSync(`/proc/${child?.pid}/stat`, "utf8").split(" ");
    const ticks = () => Number(stat()[13]) + Number(stat()[14]);
    const t0 = ticks();
    await new Promise((r) => setTimeout(r, 5000));
    const idleCpuPercent = ((ticks() - t0) / 100 / 5) * 100;
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    const before = syncs.length;
    const t1 = performance.now();
    api.patchLabels("Pod", "ns-000", "app-0-0", { app: "relabelled" });
    while (syncs.length === before && performance.now() - t1 < 10_000)
      await new Promise((r) => setTimeout(r, 2));
    const labelChangeMs = (syncs[before] ?? Number.NaN) - t1;
    return {
      firstSyncMs,
      rssMB: Math.round(kb("VmRSS") / 1024),
      peakRssMB: Math.round(kb("VmHWM") / 1024),
      idleCpuPercent,
      labelChangeMs,
    };
  } finally {
    child?.kill("SIGKILL");
    await systemExec("ip", ["netns", "del", ns]);
    await api.close();
  }
}
