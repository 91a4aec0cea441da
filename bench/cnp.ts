/**
 * The ClusterNetworkPolicy benchmarks of issue 14, each side by side with the same cluster without
 * the CNPs: compile one node, render + full apply, incremental syncs (a NetworkPolicy, a CNP's
 * priority, a CNP rule's action), the new-connection rate, and the agent's event → enforced
 * latency for CNP changes. Prints Markdown tables for docs/benchmarks.md.
 *
 * BENCH_CNP_ROUNDS (default 9): rounds of the compile and apply cases; BENCH_CNP_COST_ROUNDS
 * (default 10), BENCH_CNP_COST_SECONDS (default 2), BENCH_CNP_WORKERS (default 2): the connection
 * rate; BENCH_CNP_AGENT_CHANGES (default 40): the agent cases. Sizes: see cnpSizes.
 */
import { cnpAgentBench } from "./cnp-agent.js";
import { type CnpSize, cnpClusters, cnpSizes, snapshotOf } from "./cnp-cluster.js";
import { compileSideBySide, type NodeShape } from "./cnp-compile.js";
import { COST_CONFIGS, costSideBySide } from "./cnp-cost.js";
import { applySideBySide } from "./cnp-datapath.js";
import { fmtSpread } from "./stats.js";

const num = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const log = (s: string) => process.stderr.write(`bench: cnp: ${s}\n`);

/** Runs every case for every size; returns the Markdown. */
export async function cnpMarkdown(): Promise<string[]> {
  const out: string[] = [];
  for (const size of cnpSizes()) out.push(...(await oneSize(size)), "");
  return out;
}

async function oneSize(size: CnpSize): Promise<string[]> {
  const title = `${size.pods} pods, ${size.policies} NetworkPolicies, ${size.cnps} ClusterNetworkPolicies`;
  log(`${title}: generating and decoding...`);
  const clusters = cnpClusters(size);
  const without = snapshotOf(clusters.without);
  const withCnp = snapshotOf(clusters.with);
  const rounds = num("BENCH_CNP_ROUNDS", 9);
  log(`compile one node, ${rounds} interleaved rounds...`);
  const c = compileSideBySide(without, withCnp, rounds);
  const out = [
    `**${title}** (node-000: ${c.with.shape.pods} pods)`,
    "",
    "| | compile 1 node (cold) | compile 1 node (warm) | render | pods with tiers | tier chains | tier rules | NP rules | chains | sets+maps | elements |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...(["without", "with"] as const).map((k) => {
      const f = c[k];
      return `| ${k} CNPs | ${fmtSpread(f.cold)} | ${fmtSpread(f.warm)} | ${fmtSpread(f.render)} | ${shapeCells(f.shape)} |`;
    }),
    "",
  ];
  log(`render + full apply and incremental syncs (real nft), ${rounds} interleaved rounds...`);
  const a = await applySideBySide(clusters, rounds).catch(
    (e: unknown) => (log(`apply skipped: ${String(e)}`), undefined),
  );
  if (a) {
    out.push(
      "| | full atomic apply | script |",
      "|---|---:|---:|",
      `| without CNPs | ${fmtSpread(a.without.fullApply)} | ${a.without.scriptKB} KB |`,
      `| with CNPs | ${fmtSpread(a.with.fullApply)} | ${a.with.scriptKB} KB |`,
      "",
      "| incremental sync | sync (diff + `nft -f`) | of which `nft -f` | then: drift-baseline listings | commands | compile + render before it |",
      "|---|---:|---:|---:|---:|---:|",
      ...[...a.without.edits, ...a.with.edits].map(
        ([label, f]) =>
          `| ${label} | ${fmtSpread(f.sync)} | ${fmtSpread(f.nftApply)} | ${fmtSpread(f.listing)} | ${f.commands} | ${fmtSpread(f.compileRender)} |`,
      ),
      "",
    );
  } else out.push("(apply and sync skipped: see stderr)", "");
  out.push(
    ...(await costRows(without, withCnp)),
    "",
    ...(await cnpAgentBench(num("BENCH_CNP_AGENT_CHANGES", 40))),
  );
  return out;
}

function shapeCells(s: NodeShape): string {
  return [s.podsWithTiers, s.tierChains, s.tierRules, s.npRules, s.chains, s.sets, s.elements].join(" | ");
}

async function costRows(
  without: Parameters<typeof costSideBySide>[0],
  withCnp: typeof without,
): Promise<string[]> {
  const o = {
    rounds: num("BENCH_CNP_COST_ROUNDS", 10),
    seconds: num("BENCH_CNP_COST_SECONDS", 2),
    workers: num("BENCH_CNP_WORKERS", 2),
  };
  log(`new-connection rate, ${o.rounds} rounds × 4 configurations × ${o.seconds} s...`);
  const x = await costSideBySide(without, withCnp, o).catch(
    (e: unknown) => (log(`cost skipped: ${String(e)}`), undefined),
  );
  if (!x) return ["(connection rate skipped: see stderr)"];
  const p = x.pair;
  const walk = (w: typeof x.chains.egress) =>
    `${w.walked} of the ${w.rules} rules of Admin chain ${w.name} (${w.policies} policies)`;
  return [
    `Pair ${p.a.namespace}/${p.a.name} → ${p.b.namespace}/${p.b.name} port ${p.port}/TCP, allowed by NetworkPolicies on both sides. With the CNPs the SYN walks ${walk(x.chains.egress)} at the source and ${walk(x.chains.ingress)} at the destination, then the NetworkPolicy chains. The evaluator: ${p.reasons.join(" ")}`,
    "",
    `| ${COST_CONFIGS.join(" | ")} | with ÷ without CNPs (per round) | with CNPs ÷ conntrack only | without ÷ conntrack only | added per connection |`,
    `|${"---:|".repeat(COST_CONFIGS.length + 4)}`,
    `| ${x.rates.map((s, i) => `${fmtSpread(s, "/s")}${x.failed[i] ? `, ${x.failed[i]} timed out` : ""}`).join(" | ")} | ${ratio(x.ratio)} | ${ratio(x.ratioToConntrack.with)} | ${ratio(x.ratioToConntrack.without)} | ${fmtSpread(x.addedMicros, " µs")} |`,
  ];
}

const ratio = (s: { median: number; min: number; max: number }) =>
  `${s.median.toFixed(3)} (${s.min.toFixed(3)}-${s.max.toFixed(3)})`;
