/**
 * `netguard simulate [--port <n>/<PROTO>]... [--format table|json] <file|dir|->...`: the dry-run of a
 * whole snapshot — the reference evaluator's verdict for every ordered pair of policy-target pods.
 */
import { type Pod, refOf } from "../k8s/model.js";
import { loadSnapshot } from "../load/sources.js";
import { indexSnapshot } from "../policy/cluster-index.js";
import { reachabilityMatrix } from "../policy/matrix.js";
import { type CliIo, type ExitCode, UsageError } from "./io.js";
import { clusterBase } from "./cluster-base.js";
import { formatDot, formatMermaid, workloadEdges } from "./graph.js";
import { formatMatrixTable } from "./matrix-table.js";
import { declaredPorts, parseProbePort, sortPorts } from "./probe-port.js";
import { reportIssues } from "./report-issues.js";

/** Options of `simulate` as parsed from the command line. */
export interface SimulateOptions {
  readonly port: readonly string[];
  readonly format?: string;
  /** Source filters: `namespace` or `namespace/pod` (repeatable; any matches). */
  readonly from?: readonly string[];
  readonly to?: readonly string[];
  /** Read the live cluster (read-only) and lay the inputs over it. */
  readonly kubeconfig?: string;
}

/** A pod filter from `namespace` or `namespace/pod` patterns; undefined when none are given. */
function podFilter(patterns: readonly string[] | undefined): ((pod: Pod) => boolean) | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  return (pod) => patterns.some((p) => (p.includes("/") ? p === refOf(pod) : p === pod.namespace));
}

/** Runs `simulate`; exit 1 when the input had errors (results are still printed for what loaded). */
export async function runSimulate(
  io: CliIo,
  inputs: readonly string[],
  opts: SimulateOptions,
): Promise<ExitCode> {
  const format = opts.format ?? (io.stdoutIsTTY ? "table" : "json");
  if (!["table", "json", "dot", "mermaid"].includes(format))
    throw new UsageError(`--format must be table, json, dot or mermaid, got ${format}`);
  if (inputs.length === 0 && !opts.kubeconfig)
    throw new UsageError("simulate needs at least one file, directory or - for stdin");
  const requested = opts.port.map(parseProbePort);
  const { snapshot, issues } = await loadSnapshot(io.fs, inputs, await clusterBase(opts.kubeconfig));
  const failed = reportIssues(io, issues);
  const ports = requested.length > 0 ? sortPorts(requested) : declaredPorts(snapshot);
  const index = indexSnapshot(snapshot);
  const from = podFilter(opts.from);
  const to = podFilter(opts.to);
  const filter = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
  const matrix = reachabilityMatrix(index, ports, filter);
  if (format === "dot" || format === "mermaid") {
    const edges = workloadEdges(matrix, index.podsByRef);
    io.out(format === "dot" ? formatDot(edges) : formatMermaid(edges));
  } else {
    io.out(format === "json" ? `${JSON.stringify(matrix)}\n` : formatMatrixTable(matrix));
  }
  return failed ? 1 : 0;
}
