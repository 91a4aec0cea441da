/**
 * `netguard compile --node <name> [--format nft|ir] <file|dir|->...`: prints exactly what the agent
 * would apply on that node — the nft script replacing netguard's tables — or the compiler's IR.
 */
import { compareStrings } from "../base/compare.js";
import { compile } from "../compile/compile.js";
import { formatNodeRules } from "../compile/format-ir.js";
import { loadChecked } from "../load/api-check.js";
import type { Snapshot } from "../k8s/model.js";
import { Transaction } from "../nft/transaction.js";
import { renderNode } from "../render/ruleset.js";
import { namesByCloseness } from "./closest.js";
import { type CliIo, type ExitCode, UsageError } from "./io.js";
import { kubeVersionFlag } from "./kube-version.js";
import { reportIssues } from "./report-issues.js";
import { clipName } from "../issue/quote.js";

/** Options of `compile`. */
export interface CompileOptions {
  readonly node?: string;
  readonly format?: string;
  /** The Kubernetes release whose API server validation to mirror (`1.N`). */
  readonly kubeVersion?: string;
}

/** The nodes an input knows: Node objects and every pod's `spec.nodeName`, sorted. */
export function nodesOf(snapshot: Snapshot): string[] {
  const names = new Set(snapshot.nodes.keys());
  for (const p of snapshot.pods) if (p.nodeName) names.add(p.nodeName);
  return [...names].sort(compareStrings);
}

/** The usage error for a `--node` that is not in the input: the nodes that are, closest first. */
function unknownNode(node: string, known: readonly string[]): UsageError {
  if (known.length === 0)
    return new UsageError(
      `node ${clipName(node)} is not in the input: it has no Node object and no pod with spec.nodeName`,
    );
  const closest = namesByCloseness(node, known).map((n) => clipName(n));
  const listed = closest.length > 20 ? [...closest.slice(0, 20), `… (${closest.length} nodes)`] : closest;
  return new UsageError(
    `node ${clipName(node)} is not in the input; its nodes (closest first): ${listed.join(", ")}`,
  );
}

/**
 * Runs `compile`; exit 1 when the input had errors (the script is still printed for what loaded),
 * 2 on usage errors, including a `--node` the input does not know.
 */
export async function runCompile(
  io: CliIo,
  inputs: readonly string[],
  opts: CompileOptions,
): Promise<ExitCode> {
  const format = opts.format ?? "nft";
  if (format !== "nft" && format !== "ir")
    throw new UsageError(`--format must be nft or ir, got ${clipName(format)}`);
  if (!opts.node) throw new UsageError("compile needs --node <name>");
  if (inputs.length === 0) throw new UsageError("compile needs at least one file, directory or - for stdin");
  const kubeVersion = kubeVersionFlag(io, opts.kubeVersion);
  const { snapshot, issues } = await loadChecked(io.fs, inputs, [], { kubeVersion });
  const failed = reportIssues(io, issues);
  const known = nodesOf(snapshot);
  if (!known.includes(opts.node)) throw unknownNode(opts.node, known);
  const rules = compile(snapshot, opts.node);
  if (format === "ir") {
    io.out(formatNodeRules(rules));
  } else {
    const rs = renderNode(rules);
    io.out(new Transaction().replaceTable(rs.inet).replaceTable(rs.bridge).render());
  }
  return failed ? 1 : 0;
}
