/**
 * What an input held, for the message of a command that found nothing to evaluate: how many files
 * were read and how many objects of each kind (as written, before decoding), so "empty directory", "empty file" and "policies
 * only" each read as what they are instead of an empty, clean-looking result.
 */
import { byFirst } from "../base/compare.js";
import { clipName } from "../issue/quote.js";
import { WORKLOAD_KINDS } from "../k8s/model.js";
import type { RawObject } from "../load/documents.js";

/** Files read and objects by kind (`metadata`-less and unreadable objects are not counted). */
export interface InputSummary {
  readonly files: number;
  /** Kind -> number of objects, in byte order of the kind. */
  readonly kinds: ReadonlyMap<string, number>;
  /** ClusterNetworkPolicies by `spec.tier` as written (Admin, Baseline, or what else was written), in byte order. */
  readonly tiers: ReadonlyMap<string, number>;
  /** Objects read from the live cluster (`--kubeconfig`). */
  readonly fromCluster: number;
}

/**
 * Counts the objects read (as parsed, before decoding) by their `kind`; `fromCluster` is how many
 * objects the live cluster (`--kubeconfig`) added under them.
 */
export function summarizeInput(files: number, objects: readonly RawObject[], fromCluster = 0): InputSummary {
  const counts = new Map<string, number>();
  const tiers = new Map<string, number>();
  const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const o of objects) {
    const v = o.value as { kind?: unknown; spec?: { tier?: unknown } } | null;
    const k = typeof v?.kind === "string" && v.kind !== "" ? v.kind : "object without kind";
    add(counts, k);
    if (k === "ClusterNetworkPolicy") add(tiers, tierOf(v?.spec?.tier));
  }
  return {
    files,
    kinds: new Map([...counts.entries()].sort(byFirst)),
    tiers: new Map([...tiers.entries()].sort(byFirst)),
    fromCluster,
  };
}

/** `spec.tier` as written, for counting: a tier the API does not know is counted under its own text. */
function tierOf(tier: unknown): string {
  if (tier === "Admin" || tier === "Baseline") return tier;
  return typeof tier === "string" && tier !== "" ? `tier ${tier}` : "no tier";
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * `2 files with 3 objects (2 NetworkPolicy, 1 Service)`, `1 file with 4 objects (3
 * ClusterNetworkPolicy (2 Admin, 1 Baseline), 1 NetworkPolicy)`, `1 file with no objects`, `no files`.
 */
export function describeInput(s: InputSummary): string {
  const cluster = s.fromCluster > 0 ? ` over ${plural(s.fromCluster, "object")} of the live cluster` : "";
  if (s.files === 0) return `no files (no .yaml, .yml or .json file in the inputs)${cluster}`;
  const total = [...s.kinds.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return `${plural(s.files, "file")} with no objects${cluster}`;
  const byKind = [...s.kinds.entries()]
    .map(([k, n]) => `${n} ${clipName(k)}${k === "ClusterNetworkPolicy" ? tierCounts(s) : ""}`)
    .join(", ");
  return `${plural(s.files, "file")} with ${plural(total, "object")} (${byKind})${cluster}`;
}

/** ` (2 Admin, 1 Baseline)`: the ClusterNetworkPolicies by tier. */
function tierCounts(s: InputSummary): string {
  const parts = [...s.tiers.entries()].map(([t, n]) => `${n} ${clipName(t)}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/**
 * The message for an input with nothing to evaluate: what was read and what is missing.
 * `terminated` pods were read but left out (phase Succeeded/Failed).
 */
export function nothingToEvaluate(s: InputSummary, terminated: number, side = ""): string {
  const gone =
    terminated > 0
      ? `; ${plural(terminated, "pod")} in phase Succeeded/Failed ${terminated === 1 ? "was" : "were"} left out`
      : "";
  return (
    `nothing to evaluate${side}: read ${describeInput(s)}, but no Pod and no workload ` +
    `(${WORKLOAD_KINDS.join(", ")})${gone}`
  );
}
