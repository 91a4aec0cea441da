/**
 * The agent at scale with and without ClusterNetworkPolicies (see cnp-agent.ts): each cluster in
 * its own API server and agent (applying into a scratch network namespace), one after the other;
 * then alternating changes, each waited for in the agent's `sync` log line (which says what the
 * sync did) with a pause after it so changes are not coalesced.
 */
import type { ChildProcess } from "node:child_process";
import { systemExec } from "../src/sys/exec.js";
import { type KubeObject, startApiServer } from "../test/support/apiserver/server.js";
import { agentProcess, ready } from "./agent.js";
import { rssOf } from "./cnp-agent.js";
import { type CnpClusters, lastPriority, withEditedCnp, withEditedNp } from "./cnp-cluster.js";
import { fmt, percentile } from "./stats.js";

type Json = Record<string, unknown>;

interface SyncLine {
  readonly at: number;
  readonly result: string;
  readonly commands?: number;
}

/** One change kind: the object as it is and as edited (applied alternately). */
interface Toggle {
  readonly label: string;
  readonly states: readonly [KubeObject, KubeObject];
}

const named = (objs: readonly Json[], kind: string, name: string): KubeObject => {
  const o = objs.find((x) => x.kind === kind && (x.metadata as Json).name === name);
  if (!o) throw new Error(`no ${kind} ${name}`);
  return o;
};

/** A copy without a resourceVersion (PUT then replaces whatever is current). */
function fresh(o: KubeObject): KubeObject {
  const copy = structuredClone(o);
  if (copy.metadata) delete copy.metadata.resourceVersion;
  return copy;
}

/** Markdown rows: one per cluster and change kind. */
export async function cnpAgentAtScale(c: CnpClusters, policy: string, changes: number): Promise<string[]> {
  const np = (objs: Json[]): Toggle => ({
    label: "NetworkPolicy np-20 changed",
    states: [named(objs, "NetworkPolicy", "np-20"), named(withEditedNp(objs), "NetworkPolicy", "np-20")],
  });
  const cnp: Toggle = {
    label: `CNP ${policy} priority ↔ 995`,
    states: [
      named(c.with, "ClusterNetworkPolicy", policy),
      named(withEditedCnp(c.with, policy, lastPriority), "ClusterNetworkPolicy", policy),
    ],
  };
  const rows = [
    "| agent at scale | first sync | RSS / peak | change | API → sync line p50 | p99 | max (n) | sync result (commands) |",
    "|---|---:|---:|---|---:|---:|---:|---|",
  ];
  for (const [label, objs, toggles] of [
    ["without CNPs", c.without, [np(c.without)]],
    ["with CNPs", c.with, [np(c.with), cnp]],
  ] as const) {
    process.stderr.write(`bench: cnp agent at scale, ${label}...\n`);
    const r = await oneAgent(objs, toggles, changes).catch((e: unknown) => (e as Error).message);
    if (typeof r === "string") rows.push(`| ${label} | not measured: ${r} | | | | | | |`);
    else rows.push(...r.map((x) => `| ${label} | ${x}`));
  }
  return rows;
}

async function oneAgent(
  objs: readonly Json[],
  toggles: readonly Toggle[],
  changes: number,
): Promise<string[]> {
  const api = await startApiServer({ bookmarkIntervalMs: 0 });
  const netns = `ngb${Math.floor(Math.random() * 1e6).toString(16)}-cnpagent`;
  const port = 31_000 + Math.floor(Math.random() * 10_000);
  let child: ChildProcess | undefined;
  await systemExec("ip", ["netns", "add", netns]);
  try {
    for (const o of objs) api.create(structuredClone(o));
    const proc = agentProcess(api, netns, port, "node-000");
    child = proc.child;
    const syncs: SyncLine[] = [];
    proc.lines((l) => {
      if (!l.includes('"msg":"sync"')) return;
      const j = JSON.parse(l) as { result: string; commands?: number };
      syncs.push({ at: performance.now(), result: j.result, commands: j.commands });
    });
    const firstSync = await ready(port, 120_000);
    await new Promise((r) => setTimeout(r, 1000));
    const mem = rssOf(child.pid as number);
    const samples = toggles.map(() => ({ ms: [] as number[], results: new Map<string, number>() }));
    for (let i = 0; i < changes; i++) {
      for (const [k, t] of toggles.entries()) {
        const s = samples[k] as (typeof samples)[number];
        const before = syncs.length;
        const t0 = performance.now();
        api.update(fresh(t.states[(i + 1) % 2] as KubeObject));
        while (syncs.length === before && performance.now() - t0 < 10_000)
          await new Promise((r) => setTimeout(r, 1));
        const line = syncs[before];
        if (!line) throw new Error(`no sync within 10 s of a change (${t.label})`);
        s.ms.push(line.at - t0);
        const key = `${line.result}${line.commands === undefined ? "" : ` (${line.commands})`}`;
        s.results.set(key, (s.results.get(key) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    const peak = rssOf(child.pid as number).peak;
    return toggles.map((t, k) => {
      const s = samples[k] as (typeof samples)[number];
      const results = [...s.results].map(([r, n]) => `${n}× ${r}`).join(", ");
      return `${fmt(firstSync)} ms | ${mem.rss} / ${peak} MB | ${t.label} | ${fmt(percentile(s.ms, 50))} ms | ${fmt(percentile(s.ms, 99))} ms | ${fmt(Math.max(...s.ms))} ms (${s.ms.length}) | ${results} |`;
    });
  } finally {
    child?.kill("SIGKILL");
    await systemExec("ip", ["netns", "del", netns]);
    await api.close();
  }
}
