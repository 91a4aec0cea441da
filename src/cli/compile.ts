/**
 * `netguard compile --node <name> [--format nft|ir] <file|dir|->...`: prints exactly what the agent
 * would apply on that node — the nft script replacing netguard's tables — or the compiler's IR.
 */
import { compile } from "../compile/compile.js";
import { formatNodeRules } from "../compile/format-ir.js";
import { loadSnapshot } from "../load/sources.js";
import { Transaction } from "../nft/transaction.js";
import { renderNode } from "../render/ruleset.js";
import { type CliIo, type ExitCode, UsageError } from "./io.js";
import { reportIssues } from "./report-issues.js";

/** Options of `compile`. */
export interface CompileOptions {
  readonly node?: string;
  readonly format?: string;
}

/** Runs `compile`; exit 1 when the input had errors (the script is still printed for what loaded). */
export async function runCompile(
  io: CliIo,
  inputs: readonly string[],
  opts: CompileOptions,
): Promise<ExitCode> {
  const format = opts.format ?? "nft";
  if (format !== "nft" && format !== "ir") throw new UsageError(`--format must be nft or ir, got ${format}`);
  if (!opts.node) throw new UsageError("compile needs --node <name>");
  if (inputs.length === 0) throw new UsageError("compile needs at least one file, directory or - for stdin");
  const { snapshot, issues } = await loadSnapshot(io.fs, inputs);
  const failed = reportIssues(io, issues);
  const rules = compile(snapshot, opts.node);
  if (format === "ir") {
    io.out(formatNodeRules(rules));
  } else {
    const rs = renderNode(rules);
    io.out(new Transaction().replaceTable(rs.inet).replaceTable(rs.bridge).render());
  }
  return failed ? 1 : 0;
}
