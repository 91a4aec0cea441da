/**
 * The clusters the ClusterNetworkPolicy benchmarks (issue 14) compare: the synthetic cluster with
 * 250 pods per node and a third of its namespaces without a policy isolating all their pods (so
 * Baseline policies reach some pods), once without and once with the synthetic
 * ClusterNetworkPolicies — everything else identical. Also the single-policy edits the incremental
 * cases apply.
 */
import { compile, compileContext } from "../src/compile/compile.js";
import type { NodeRules } from "../src/compile/ir.js";
import type { Snapshot } from "../src/k8s/model.js";
import { buildSnapshot } from "../src/load/snapshot.js";
import { syntheticCluster } from "./synthetic.js";
import { syntheticClusterPolicies } from "./synthetic-cnp.js";

type Json = Record<string, unknown>;

/** One size: `pods`, NetworkPolicies, ClusterNetworkPolicies. */
export interface CnpSize {
  readonly pods: number;
  readonly policies: number;
  readonly cnps: number;
}

/** The node the benchmarks compile and apply. */
export const BENCH_NODE = "node-000";
/** Pods per node (as in the datapath benchmarks). */
export const PODS_PER_NODE = 250;

/** Both clusters of one size, as raw objects. */
export interface CnpClusters {
  readonly without: Json[];
  readonly with: Json[];
}

/** Builds the pair: `with` is `without` plus the ClusterNetworkPolicies. */
export function cnpClusters(size: CnpSize): CnpClusters {
  const without = syntheticCluster({
    pods: size.pods,
    policies: size.policies,
    podsPerNode: PODS_PER_NODE,
    openEvery: 3,
  });
  const namespaces = without
    .filter((o) => o.kind === "Namespace")
    .map((o) => (o.metadata as Json).name as string);
  return { without, with: [...without, ...syntheticClusterPolicies(size.cnps, namespaces)] };
}

/** Decodes objects with the one decoder; throws on an error (a broken generator). */
export function snapshotOf(objs: readonly Json[]): Snapshot {
  const { snapshot, issues } = buildSnapshot(
    objs.map((value) => ({ value, source: { file: "bench", line: 1 } })),
  );
  const errors = issues.filter((i) => i.severity === "error");
  if (errors.length > 0)
    throw new Error(`synthetic cluster has errors: ${JSON.stringify(errors.slice(0, 3))}`);
  return snapshot;
}

/** Compiles the benchmark node. */
export function compileNode(snapshot: Snapshot): NodeRules {
  return compile(compileContext(snapshot), BENCH_NODE);
}

/** Sizes from BENCH_CNP_SIZES, else BENCH_SIZES ("10000x2000" or "10000x2000x200"), else the issue's. */
export function cnpSizes(): CnpSize[] {
  const text = process.env.BENCH_CNP_SIZES ?? process.env.BENCH_SIZES ?? "10000x2000";
  return text.split(",").map((s) => {
    const [pods, policies, cnps] = s.split("x").map(Number);
    return { pods: pods ?? 10_000, policies: policies ?? 2_000, cnps: cnps ?? 200 };
  });
}

/**
 * The Admin ClusterNetworkPolicy the incremental cases edit: the first (by name) that one of the
 * node's tier chains holds, so the edit reaches the node; `admin-000` when the compiler emits no
 * tier chains (then the edit changes nothing on the node, and the table says so by its commands).
 */
export function editedPolicy(rules: NodeRules): string {
  const held = rules.tierChains.filter((c) => c.tier === "Admin").flatMap((c) => c.policies);
  return [...new Set(held)].sort()[0] ?? "admin-000";
}

/** A copy of the objects with `name`'s spec edited by `edit`. */
export function withEditedCnp(objs: readonly Json[], name: string, edit: (spec: Json) => void): Json[] {
  let found = false;
  const out = objs.map((o) => {
    if (o.kind !== "ClusterNetworkPolicy" || (o.metadata as Json).name !== name) return o;
    found = true;
    const copy = structuredClone(o);
    edit(copy.spec as Json);
    return copy;
  });
  if (!found) throw new Error(`no ClusterNetworkPolicy ${name}`);
  return out;
}

/** `spec.priority` moved to 995: after every other policy of its tier (they use multiples of 10). */
export const lastPriority = (spec: Json): void => {
  spec.priority = 995;
};

/** `spec.ingress[4].action` (the tenant isolation rule) flipped: Deny to Pass, Pass to Deny. */
export const flipIsolation = (spec: Json): void => {
  const rule = (spec.ingress as Json[])[4] as Json;
  rule.action = rule.action === "Deny" ? "Pass" : "Deny";
};

/**
 * The NetworkPolicy edit of the datapath benchmark (there np-0; here ns-000 is one of the open
 * namespaces): np-20, ns-020's default deny selecting 50 of the node's pods, gains an ingress rule.
 */
export function withEditedNp(objs: readonly Json[]): Json[] {
  return objs.map((o) => {
    if (o.kind !== "NetworkPolicy" || (o.metadata as Json).name !== "np-20") return o;
    const copy = structuredClone(o);
    (copy.spec as Json).ingress = [{ from: [{ podSelector: {} }], ports: [{ port: 8443 }] }];
    return copy;
  });
}
