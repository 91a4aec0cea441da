/**
 * Compiling and rendering one node (250 pods) with and without the ClusterNetworkPolicies, side by
 * side: interleaved rounds in this process (the order alternates per round), medians and ranges.
 * "Cold" builds the compile context (the cluster index) too, as the agent does per sync today;
 * "warm" reuses it.
 */
import { compile, compileContext } from "../src/compile/compile.js";
import type { NodeRules } from "../src/compile/ir.js";
import type { Snapshot } from "../src/k8s/model.js";
import { renderNode } from "../src/render/ruleset.js";
import { BENCH_NODE } from "./cnp-cluster.js";
import { type Spread, since, spread } from "./stats.js";

/** The figures of one configuration. */
export interface CompileFigures {
  readonly cold: Spread;
  readonly warm: Spread;
  readonly render: Spread;
  readonly shape: NodeShape;
}

/** What the node's rules hold. */
export interface NodeShape {
  readonly pods: number;
  readonly podsWithTiers: number;
  readonly tierChains: number;
  readonly tierRules: number;
  readonly npRules: number;
  readonly chains: number;
  readonly sets: number;
  readonly elements: number;
}

/** Measures both snapshots over `rounds` interleaved rounds. */
export function compileSideBySide(
  without: Snapshot,
  withCnp: Snapshot,
  rounds: number,
): { without: CompileFigures; with: CompileFigures } {
  const configs = [without, withCnp];
  const samples = configs.map(() => ({ cold: [] as number[], warm: [] as number[], render: [] as number[] }));
  const contexts = configs.map((s) => compileContext(s));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      const s = samples[i] as (typeof samples)[number];
      global.gc?.();
      let t = performance.now();
      compile(compileContext(configs[i] as Snapshot), BENCH_NODE);
      s.cold.push(since(t));
      t = performance.now();
      const rules = compile(contexts[i] as ReturnType<typeof compileContext>, BENCH_NODE);
      s.warm.push(since(t));
      t = performance.now();
      renderNode(rules);
      s.render.push(since(t));
    }
  }
  const figures = (i: number): CompileFigures => {
    const s = samples[i] as (typeof samples)[number];
    const rules = compile(contexts[i] as ReturnType<typeof compileContext>, BENCH_NODE);
    return { cold: spread(s.cold), warm: spread(s.warm), render: spread(s.render), shape: shapeOf(rules) };
  };
  return { without: figures(0), with: figures(1) };
}

/** Counts what one node's rules hold, in the IR and as rendered. */
export function shapeOf(rules: NodeRules): NodeShape {
  const rendered = renderNode(rules).inet;
  const npRules = rules.pods.reduce(
    (n, p) =>
      n +
      (p.ingress.kind === "isolated" ? p.ingress.rules.length : 0) +
      (p.egress.kind === "isolated" ? p.egress.rules.length : 0),
    0,
  );
  return {
    pods: rules.pods.length,
    podsWithTiers: rules.pods.filter((p) => p.tiers !== undefined).length,
    tierChains: rules.tierChains.length,
    tierRules: rules.tierChains.reduce((n, c) => n + c.rules.length, 0),
    npRules,
    chains: rendered.chains.length,
    sets: rendered.sets.length + rendered.maps.length,
    elements:
      rendered.sets.reduce((n, s) => n + s.elements.length, 0) +
      rendered.maps.reduce((n, m) => n + m.elements.size, 0),
  };
}
