/**
 * `netguard simulate [--port <n>/<PROTO>]... [--format table|json|dot|mermaid] [--group-by
 * workload|none] <file|dir|->...`: the dry-run of a whole input — the verdict for every ordered pair
 * of entries (pods, workloads standing for their replicas, host-network entries) on every probe port,
 * through the ClusterNetworkPolicy tiers around the NetworkPolicies when the input has any.
 */
import { clipName } from "../issue/quote.js";
import { indexSnapshot } from "../policy/cluster-index.js";
import { type EngineFilter, type MatrixEngine, matrixEngine } from "../policy/matrix-engine.js";
import { ownerGroupOf, workloadGroupOf } from "../policy/workload.js";
import { type CliIo, type ExitCode, UsageError } from "./io.js";
import { type DryRunInput, loadForCommand } from "./dry-run-input.js";
import { formatDot, formatMermaid, groupedEdges } from "./graph.js";
import { groupMatrix } from "./group-by.js";
import { groupedJsonChunks } from "./group-json.js";
import { writeGroupedTable } from "./group-table.js";
import { writeEngineTable } from "./matrix-table.js";
import { podFilter } from "./pod-filter.js";
import { declaredPorts, parseProbePort, type ProbePort, sortPorts } from "./probe-port.js";
import { writeMatrixJson } from "./matrix-json.js";
import { tiersNotes } from "./matrix-tiers-note.js";
import { createProgress, type Progress } from "./progress.js";
import { footerLines, graphFooter, jsonExtras, jsonTail, writeChunks } from "./simulate-output.js";

/** Options of `simulate` as parsed from the command line. */
export interface SimulateOptions {
  readonly port: readonly string[];
  readonly format?: string;
  /** Source filters: `namespace`, `namespace/pod` or `namespace/Kind/name` (repeatable; any matches). */
  readonly from?: readonly string[];
  readonly to?: readonly string[];
  /** Read the live cluster (read-only) and lay the inputs over it. */
  readonly kubeconfig?: string;
  /** `workload` or `none`; default: workload for the table when the input holds workloads. */
  readonly groupBy?: string;
  /** No progress on stderr. */
  readonly quiet?: boolean;
  /** The Kubernetes release whose API server validation to mirror (`1.N`). */
  readonly kubeVersion?: string;
}

/** The output formats of simulate. */
type Format = "table" | "json" | "dot" | "mermaid";

const FORMATS: readonly string[] = ["table", "json", "dot", "mermaid"] satisfies Format[];

/** `--format`, defaulting to a table on a terminal and json otherwise. */
function formatOf(io: CliIo, text: string | undefined): Format {
  const format = text ?? (io.stdoutIsTTY ? "table" : "json");
  if (!FORMATS.includes(format))
    throw new UsageError(`--format must be table, json, dot or mermaid, got ${clipName(format)}`);
  return format as Format;
}

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
  const format = formatOf(io, opts.format);
  if (opts.groupBy !== undefined && opts.groupBy !== "workload" && opts.groupBy !== "none")
    throw new UsageError(`--group-by must be workload or none, got ${clipName(opts.groupBy)}`);
  if (inputs.length === 0 && !opts.kubeconfig)
    throw new UsageError("simulate needs at least one file, directory or - for stdin");
  const requested = opts.port.map(parseProbePort);
  const input = await loadForCommand(io, inputs, opts);
  if (input === 1) return 1;
  for (const n of tiersNotes(input.snapshot)) io.err(`netguard: ${n}\n`);
  const ports = requested.length > 0 ? sortPorts(requested) : declaredPorts(input.snapshot);
  if (ports.length === 0)
    throw new UsageError(
      "no pod or workload in the input declares a containerPort; give the ports to probe with --port",
    );
  const engine = buildEngine(input, ports, opts);
  const groupBy = opts.groupBy ?? (format === "table" && input.hasWorkloads ? "workload" : "none");
  await printMatrix(io, input, engine, format, {
    grouped: groupBy === "workload",
    quiet: opts.quiet ?? false,
  });
  return input.failed ? 1 : 0;
}

function buildEngine(input: DryRunInput, ports: readonly ProbePort[], opts: SimulateOptions): MatrixEngine {
  const entries = input.snapshot.pods;
  const from = podFilter("--from", opts.from, entries, input.finished);
  const to = podFilter("--to", opts.to, entries, input.finished);
  const filter: EngineFilter = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
  return matrixEngine(indexSnapshot(input.snapshot), ports, filter);
}

async function printMatrix(
  io: CliIo,
  input: DryRunInput,
  engine: MatrixEngine,
  format: Format,
  how: { readonly grouped: boolean; readonly quiet: boolean },
): Promise<void> {
  const progress = (total: number): Progress =>
    createProgress(io, { total, label: "simulate", quiet: how.quiet });
  const rows = (n: number) => engine.ports.length * n;
  switch (format) {
    case "dot":
    case "mermaid": {
      const g = groupMatrix(engine, workloadGroupOf);
      const edges = groupedEdges(g);
      const names = g.groups.map((x) => x.name);
      const graph = format === "dot" ? formatDot(edges, names) : formatMermaid(edges, names);
      io.out(graph + graphFooter(format === "dot" ? "//" : "%%", input));
      return;
    }
    case "json": {
      if (!how.grouped)
        return writeMatrixJson(io, engine, jsonExtras(input), progress(rows(engine.sources.length)));
      const g = groupMatrix(engine, ownerGroupOf);
      return writeChunks(io, groupedJsonChunks(g, jsonTail(input)), progress(rows(g.rows.length)));
    }
    case "table": {
      const g = how.grouped ? groupMatrix(engine, ownerGroupOf) : undefined;
      const p = progress(rows((g ? g.groups.length : engine.entries.length) + 2));
      await (g ? writeGroupedTable(io, g, p) : writeEngineTable(io, engine, p));
      const footer = footerLines(input);
      if (footer.length > 0) io.out(`\n${footer.join("\n")}\n`);
    }
  }
}
