/**
 * The new-connection rate with the ClusterNetworkPolicies loaded against the same node without
 * them (issue 14: within 10 %), measured side by side in one run: a lab node with the probed pair
 * (cnp-pair.ts), the compiled load generator's client pinned to CPU 0 and its server to CPU 1, and
 * four configurations rotated every round — no tables, conntrack only, netguard with the
 * NetworkPolicies, netguard with the NetworkPolicies and the ClusterNetworkPolicies — each round
 * after a conntrack flush. Medians and ranges over the rounds; the with/without ratio is taken per
 * round (paired), then its median.
 */
import type { ChildProcess } from "node:child_process";
import { Datapath } from "../src/datapath/datapath.js";
import type { NodeRules } from "../src/compile/ir.js";
import { type Direction, refOf, type Snapshot } from "../src/k8s/model.js";
import { buildLab, destroyLab, newLabId } from "../src/lab/topology.js";
import { formatAddr } from "../src/net/address.js";
import { execBackend } from "../src/nft/backend.js";
import { renderNode } from "../src/render/ruleset.js";
import { systemExec } from "../src/sys/exec.js";
import { BENCH_NODE, compileNode } from "./cnp-cluster.js";
import { type ProbePair, probePair, type RuleRef } from "./cnp-pair.js";
import { buildConnRate, connectionRate, startServer } from "./conn-rate.js";
import { CONNTRACK_ONLY } from "./datapath-cost.js";
import { type Spread, spread } from "./stats.js";

/** The configurations, in the table's order. */
export const COST_CONFIGS = [
  "no tables",
  "conntrack only",
  "NetworkPolicies",
  "NetworkPolicies + CNPs",
] as const;

/** What one run measured. */
export interface CostFigures {
  readonly pair: ProbePair;
  /** The compiled Admin tier chains the SYN meets (source egress, destination ingress). */
  readonly chains: { readonly egress: ChainWalk; readonly ingress: ChainWalk };
  readonly rates: readonly Spread[];
  /** Connects that timed out, per configuration, over all rounds (their time is not in the rates). */
  readonly failed: readonly number[];
  /** Per round: with CNPs / without (NetworkPolicies only). */
  readonly ratio: Spread;
  /** Per round: with CNPs / conntrack only, and NetworkPolicies only / conntrack only. */
  readonly ratioToConntrack: { readonly with: Spread; readonly without: Spread };
  /** Per round: microseconds a new connection costs with the CNPs beyond without them (1/rate). */
  readonly addedMicros: Spread;
}

/** One tier chain: its policies, its rules, and how many of them the SYN walks before leaving it. */
export interface ChainWalk {
  readonly name: string;
  readonly policies: number;
  readonly rules: number;
  readonly walked: number;
}

/** The Admin chain of `pod` in `dir` and the rules the SYN walks in it (up to the hit, else all). */
function chainWalk(rules: NodeRules, pod: string, dir: Direction, hit: RuleRef | undefined): ChainWalk {
  const name = rules.pods.find((p) => p.ref === pod)?.tiers?.[dir].admin;
  const chain = rules.tierChains.find((c) => c.name === name);
  if (!name || !chain)
    throw new Error(`${pod} has no ${dir} Admin chain: the compiler and the evaluator disagree`);
  const at = hit
    ? chain.rules.findIndex((r) => r.origin.policy === hit.policy && r.origin.rule === hit.rule)
    : -1;
  return {
    name,
    policies: chain.policies.length,
    rules: chain.rules.length,
    walked: at < 0 ? chain.rules.length : at + 1,
  };
}

/** Options: rounds, seconds per measurement, client worker processes. */
export interface CostOptions {
  readonly rounds: number;
  readonly seconds: number;
  readonly workers: number;
}

/** Runs the measurement; throws when the lab or the generator cannot be built. */
export async function costSideBySide(
  without: Snapshot,
  withCnp: Snapshot,
  o: CostOptions,
): Promise<CostFigures> {
  const pair = probePair(withCnp);
  const bin = await buildConnRate();
  const node = withCnp.nodes.get(BENCH_NODE);
  const cidr = node?.podCIDRs[0];
  if (!node || !cidr) throw new Error(`${BENCH_NODE} has no pod CIDR`);
  const id = newLabId();
  let server: ChildProcess | undefined;
  try {
    const lab = await buildLab(
      systemExec,
      {
        nodes: [
          {
            name: BENCH_NODE,
            nodeIP: "192.168.0.1",
            podCIDR4: `${formatAddr({ family: "IPv4", value: cidr.range.lo })}/${cidr.prefix}`,
          },
        ],
        pods: [pair.a, pair.b].map((p) => ({
          key: refOf(p),
          node: BENCH_NODE,
          ips: p.ips.map(formatAddr),
          ports: [],
        })),
      },
      id,
    );
    const [podA, podB] = lab.pods;
    const nodeNs = lab.nodes[0]?.netns;
    if (!podA || !podB || !nodeNs) throw new Error("lab pods missing");
    const interfaces = new Map(lab.pods.map((p) => [p.key, p.hostVeth]));
    const compiled = [without, withCnp].map((s) => compileNode(s));
    const rulesets = compiled.map((r) => renderNode(r, { interfaces }));
    const ir = compiled[1] as NodeRules;
    const chains = {
      egress: chainWalk(ir, refOf(pair.a), "egress", pair.hits.egress),
      ingress: chainWalk(ir, refOf(pair.b), "ingress", pair.hits.ingress),
    };
    const dp = new Datapath(execBackend(systemExec, { netns: nodeNs }));
    const nft = (script: string) =>
      systemExec("ip", ["netns", "exec", nodeNs, "nft", "-f", "-"], { input: script });
    const setups: Array<() => Promise<unknown>> = [
      async () => (await dp.cleanup(), nft("add table inet ngbench\ndelete table inet ngbench\n")),
      async () => (await dp.cleanup(), nft(CONNTRACK_ONLY)),
      ...rulesets.map((rules) => async () => {
        await dp.cleanup();
        await nft("add table inet ngbench\ndelete table inet ngbench\n");
        const r = await dp.sync(rules);
        if (r.kind === "failed") throw new Error(r.error);
      }),
    ];
    server = await startServer(bin, podB.netns, pair.port, 1);
    const dst = formatAddr(pair.b.ips[0] as (typeof pair.b.ips)[number]);
    const samples = setups.map(() => [] as number[]);
    const failed = setups.map(() => 0);
    for (let round = 0; round < o.rounds; round++) {
      for (let k = 0; k < setups.length; k++) {
        const i = (k + round) % setups.length;
        await (setups[i] as () => Promise<unknown>)();
        await systemExec("ip", ["netns", "exec", nodeNs, "conntrack", "-F"]);
        const x = await connectionRate(bin, podA.netns, dst, pair.port, { ...o, cpu: 0 });
        (samples[i] as number[]).push(x.rate);
        failed[i] = (failed[i] as number) + x.failed;
      }
    }
    return { ...summarise(pair, samples), chains, failed };
  } finally {
    if (server?.pid !== undefined) process.kill(server.pid, "SIGKILL");
    await destroyLab(systemExec, id);
  }
}

function summarise(pair: ProbePair, samples: readonly number[][]): Omit<CostFigures, "chains" | "failed"> {
  const [, conntrack, without, withCnp] = samples as [number[], number[], number[], number[]];
  const per = (f: (r: number) => number) => spread(withCnp.map((_, r) => f(r)));
  return {
    pair,
    rates: samples.map((s) => spread(s)),
    ratio: per((r) => (withCnp[r] as number) / (without[r] as number)),
    ratioToConntrack: {
      with: per((r) => (withCnp[r] as number) / (conntrack[r] as number)),
      without: per((r) => (without[r] as number) / (conntrack[r] as number)),
    },
    addedMicros: per((r) => 1e6 / (withCnp[r] as number) - 1e6 / (without[r] as number)),
  };
}
