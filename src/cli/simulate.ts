/**
 * `netguard simulate [--port <n>/<PROTO>]... [--format table|json|dot|mermaid] <file|dir|->...`: the
 * dry-run of a whole input — the reference evaluator's verdict for every ordered pair of entries
 * (pods, and workloads standing for their replicas) on every probe port.
 */
import { indexSnapshot } from "../policy/cluster-index.js";
import { reachabilityMatrix } from "../policy/matrix.js";
import { type CliIo, type ExitCode, UsageError } from "./io.js";
import { clusterBase } from "./cluster-base.js";
import { type DryRunInput, emptyInputProblem, loadDryRun, reportNotes } from "./dry-run-input.js";
import { formatDot, formatMermaid, workloadEdges } from "./graph.js";
import { podFilter } from "./pod-filter.js";
import { declaredPorts, parseProbePort, type ProbePort, sortPorts } from "./probe-port.js";
import { graphFooter, matrixJson, tableWithFooter } from "./simulate-output.js";

/** Options of `simulate` as parsed from the command line. */
export interface SimulateOptions {
  readonly port: readonly string[];
  readonly format?: string;
  /** Source filters: `namespace`, `namespace/pod` or `namespace/Kind/name` (repeatable; any matches). */
  readonly from?: readonly string[];
  readonly to?: readonly string[];
  /** Read the live cluster (read-only) and lay the inputs over it. */
  readonly kubeconfig?: string;
  /** No progress on stderr. */
  readonly quiet?: boolean;
}

const FORMATS = ["table", "json", "dot", "mermaid"];

/**
 * Runs `simulate`. Exit 1 when the input had errors (results are still printed for what loaded,
 * naming the policies with errors) or holds nothing to evaluate; 2 on usage errors, including a
 * `--from`/`--to` that matches nothing.
 */
export async function runSimulate(
  io: CliIo,
  inputs: readonly string[],
  opts: SimulateOptions,
): Promise<ExitCode> {
  const format = opts.format ?? (io.stdoutIsTTY ? "table" : "json");
  if (!FORMATS.includes(format))
    throw new UsageError(`--format must be table, json, dot or mermaid, got ${format}`);
  if (inputs.length === 0 && !opts.kubeconfig)
    throw new UsageError("simulate needs at least one file, directory or - for stdin");
  const requested = opts.port.map(parseProbePort);
  const input = await loadDryRun(io, inputs, await clusterBase(opts.kubeconfig));
  const empty = emptyInputProblem(input);
  if (empty) {
    reportNotes(io, input);
    io.err(`netguard: ${empty}\n`);
    return 1;
  }
  const ports = requested.length > 0 ? sortPorts(requested) : declaredPorts(input.snapshot);
  if (ports.length === 0)
    throw new UsageError(
      "no pod or workload in the input declares a containerPort; give the ports to probe with --port",
    );
  if (format !== "table") reportNotes(io, input);
  printMatrix(io, input, ports, format, opts);
  return input.failed ? 1 : 0;
}

function printMatrix(
  io: CliIo,
  input: DryRunInput,
  ports: readonly ProbePort[],
  format: string,
  opts: SimulateOptions,
): void {
  const index = indexSnapshot(input.snapshot);
  const entries = input.snapshot.pods;
  const from = podFilter("--from", opts.from, entries);
  const to = podFilter("--to", opts.to, entries);
  const matrix = reachabilityMatrix(index, ports, {
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    hostNetwork: true,
  });
  switch (format) {
    case "dot":
    case "mermaid": {
      const edges = workloadEdges(matrix, index.podsByRef);
      const graph = format === "dot" ? formatDot(edges) : formatMermaid(edges);
      io.out(graph + graphFooter(format === "dot" ? "//" : "%%", input));
      return;
    }
    case "json":
      io.out(matrixJson(matrix, input));
      return;
    default:
      io.out(tableWithFooter(matrix, input));
  }
}
