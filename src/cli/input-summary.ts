/**
 * What an input held, for the message of a command that found nothing to evaluate: how many files
 * were read and how many objects of each kind, so "empty directory", "empty file" and "policies
 * only" each read as what they are instead of an empty, clean-looking result.
 */
import type { Issue } from "../diag/issue.js";
import { type Snapshot, WORKLOAD_KINDS } from "../k8s/model.js";
import { compareRefs } from "../load/snapshot.js";

/** Files read and objects by kind (`metadata`-less and unreadable objects are not counted). */
export interface InputSummary {
  readonly files: number;
  /** Kind -> number of objects, in byte order of the kind. */
  readonly kinds: ReadonlyMap<string, number>;
}

/**
 * Counts the objects of a decoded snapshot (before the dry-run view) and the kinds netguard
 * skipped (their `skipped-kind` warnings). A workload entry counts as its kind, a pod as `Pod`.
 */
export function summarizeInput(files: number, snapshot: Snapshot, issues: readonly Issue[]): InputSummary {
  const counts = new Map<string, number>();
  const add = (kind: string, n = 1) => {
    if (n > 0) counts.set(kind, (counts.get(kind) ?? 0) + n);
  };
  for (const pod of snapshot.pods) add(pod.workload ?? "Pod");
  add("NetworkPolicy", snapshot.policies.length);
  add("Namespace", [...snapshot.namespaces.values()].filter((n) => n.declared).length);
  add("Node", snapshot.nodes.size);
  for (const i of issues) if (i.code === "skipped-kind" && i.object) add(i.object.kind);
  return {
    files,
    kinds: new Map([...counts.entries()].sort(([a], [b]) => compareRefs(a, b))),
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** `2 files with 3 objects (2 NetworkPolicy, 1 Service)`, `1 file with no objects`, `no files`. */
export function describeInput(s: InputSummary): string {
  if (s.files === 0) return "no files (no .yaml, .yml or .json file in the inputs)";
  const total = [...s.kinds.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return `${plural(s.files, "file")} with no objects`;
  const byKind = [...s.kinds.entries()].map(([k, n]) => `${n} ${k}`).join(", ");
  return `${plural(s.files, "file")} with ${plural(total, "object")} (${byKind})`;
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
