/**
 * The agent with ClusterNetworkPolicies (issue 14: event → enforced p99 < 1 s), the `netguard
 * agent` executable against the in-repo API server:
 * - in a lab node with two pods, a probe polls until its result flips after one CNP change: an
 *   Admin `Deny` rule's action flipped to `Pass` and back, and a `Deny` policy's priority moved
 *   above and below an `Accept` policy's; against the same flips of a NetworkPolicy (created and
 *   deleted) in the same run, interleaved;
 * - at 10,000 pods / 2,000 NetworkPolicies / 200 CNPs (cnp-cluster.ts) against the same cluster
 *   without CNPs: first sync, RSS, and API change → the agent's `sync` log line for a NetworkPolicy
 *   change and (with CNPs) a CNP priority change.
 * When the API server or the agent does not handle CNPs, the table says so instead of a figure.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { systemSpawnInNetns } from "../src/lab/agent-process.js";
import { startAgents } from "../src/lab/prober.js";
import { buildLab, destroyLab, newLabId } from "../src/lab/topology.js";
import { systemExec } from "../src/sys/exec.js";
import { startApiServer, type KubeObject } from "../test/support/apiserver/server.js";
import { agentProcess, ready } from "./agent.js";
import { cnpClusters, cnpSizes, editedPolicy, compileNode, snapshotOf } from "./cnp-cluster.js";
import { cnpAgentAtScale } from "./cnp-agent-scale.js";
import { fmt, percentile } from "./stats.js";

const log = (s: string) => process.stderr.write(`bench: cnp agent: ${s}\n`);

/** The Markdown rows of both agent cases. */
export async function cnpAgentBench(changes: number): Promise<string[]> {
  log(`event → enforced in a lab node, ${changes} changes per kind...`);
  const lab = await labLatency(changes).catch((e: unknown) => `not measured: ${(e as Error).message}`);
  const size = cnpSizes()[0];
  const rows = [
    "| agent, lab node: event → enforced | p50 | p99 | max (n) |",
    "|---|---:|---:|---:|",
    ...(typeof lab === "string"
      ? [`| ${lab} | | | |`]
      : [...lab].map(
          ([k, xs]) =>
            `| ${k} | ${fmt(percentile(xs, 50))} ms | ${fmt(percentile(xs, 99))} ms | ${fmt(Math.max(...xs))} ms (${xs.length}) |`,
        )),
    "",
  ];
  if (!size) return rows;
  log(`at ${size.pods} pods / ${size.policies} policies / ${size.cnps} CNPs...`);
  const c = cnpClusters(size);
  const policy = editedPolicy(compileNode(snapshotOf(c.with)));
  return [...rows, ...(await cnpAgentAtScale(c, policy, Math.max(10, Math.round(changes / 2))))];
}

const ns = (name: string): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
const pod = (name: string, ip: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "x" },
  spec: { nodeName: "n1" },
  status: { podIP: ip },
});
const cnp = (name: string, priority: number, action: string): KubeObject => ({
  apiVersion: "policy.networking.k8s.io/v1alpha2",
  kind: "ClusterNetworkPolicy",
  metadata: { name },
  spec: {
    tier: "Admin",
    priority,
    subject: { namespaces: { matchLabels: { "kubernetes.io/metadata.name": "x" } } },
    ingress: [{ name: "all", action, from: [{ namespaces: {} }] }],
  },
});
const denyNp: KubeObject = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "deny", namespace: "x" },
  spec: { podSelector: {} },
};

/** Per kind of change, the milliseconds from the API change to the probe's flip. */
async function labLatency(changes: number): Promise<Map<string, number[]>> {
  const api = await startApiServer({ bookmarkIntervalMs: 0 });
  const id = newLabId();
  const port = 21_000 + Math.floor(Math.random() * 10_000);
  let agent: ChildProcess | undefined;
  try {
    const base = [
      ns("x"),
      { apiVersion: "v1", kind: "Node", metadata: { name: "n1" }, spec: { podCIDR: "10.1.0.0/24" } },
    ];
    for (const o of [...base, pod("a", "10.1.0.10"), pod("b", "10.1.0.11")]) api.create(o);
    // Allowed at first: the Deny policy sits below the Accept one, the flipped rule passes.
    for (const o of [cnp("accept", 20, "Accept"), cnp("deny", 30, "Deny"), cnp("flip", 10, "Pass")])
      api.create(o);
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
      const flip = async (change: () => void, expectOk: boolean): Promise<number> => {
        const t0 = performance.now();
        change();
        while ((await probe()).ok !== expectOk) {
          if (performance.now() - t0 > 10_000)
            throw new Error("the probe never flipped (does the agent enforce CNPs?)");
        }
        return performance.now() - t0;
      };
      if (!(await probe()).ok) throw new Error("the probe is blocked before any change");
      const out = new Map<string, number[]>([
        ["NetworkPolicy created / deleted", []],
        ["CNP rule action Pass ↔ Deny", []],
        ["CNP priority: Deny above / below Accept", []],
      ]);
      const push = (k: string, ms: number) => out.get(k)?.push(ms);
      // Every change starts from the allowed state and is undone right after: two samples each.
      const kinds: Array<[string, (on: boolean) => void]> = [
        [
          "NetworkPolicy created / deleted",
          (on) => (on ? api.create(structuredClone(denyNp)) : api.remove("NetworkPolicy", "x", "deny")),
        ],
        ["CNP rule action Pass ↔ Deny", (on) => api.update(cnp("flip", 10, on ? "Deny" : "Pass"))],
        ["CNP priority: Deny above / below Accept", (on) => api.update(cnp("deny", on ? 5 : 30, "Deny"))],
      ];
      for (let i = 0; i < changes; i += 2) {
        for (const [k, change] of kinds) {
          push(k, await flip(() => change(true), false));
          push(k, await flip(() => change(false), true));
        }
      }
      return out;
    } finally {
      await prober.close();
    }
  } finally {
    agent?.kill("SIGKILL");
    await destroyLab(systemExec, id);
    await api.close();
  }
}

/** VmRSS and VmHWM of a process, in MB. */
export function rssOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb("VmRSS") / 1024), peak: Math.round(kb("VmHWM") / 1024) };
}
