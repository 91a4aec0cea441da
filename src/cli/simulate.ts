/**
 * `netguard simulate [--port <n>/<PROTO>]... [--format table|json] <file|dir|->...`: the dry-run of a
 * whole snapshot — the reference evaluator's verdict for every ordered pair of policy-target pods.
 */
import { loadSnapshot } from "../load/sources.js";
import { indexSnapshot } from "../policy/cluster-index.js";
import { reachabilityMatrix } from "../policy/matrix.js";
import { type CliIo, type ExitCode, UsageError } from "./io.js";
import { formatMatrixTable } from "./matrix-table.js";
import { declaredPorts, parseProbePort, sortPorts } from "./probe-port.js";
import { reportIssues } from "./report-issues.js";

/** Options of `simulate` as parsed from the command line. */
export interface SimulateOptions {
  readonly port: readonly string[];
  readonly format?: string;
}

/** Runs `simulate`; exit 1 when the input had errors (results are still printed for what loaded). */
export async function runSimulate(
  io: CliIo,
  inputs: readonly string[],
  opts: SimulateOptions,
): Promise<ExitCode> {
  const format = opts.format ?? (io.stdoutIsTTY ? "table" : "json");
  if (format !== "table" && format !== "json")
    throw new UsageError(`--format must be table or json, got ${format}`);
  if (inputs.length === 0) throw new UsageError("simulate needs at least one file, directory or - for stdin");
  const requested = opts.port.map(parseProbePort);
  const { snapshot, issues } = await loadSnapshot(io.fs, inputs);
  const failed = reportIssues(io, issues);
  const ports = requested.length > 0 ? sortPorts(requested) : declaredPorts(snapshot);
  const matrix = reachabilityMatrix(indexSnapshot(snapshot), ports);
  io.out(format === "json" ? `${JSON.stringify(matrix)}\n` : formatMatrixTable(matrix));
  return failed ? 1 : 0;
}
