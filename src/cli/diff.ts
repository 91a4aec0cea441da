/**
 * `netguard diff --before <inputs...> --after <inputs...> [--port p]... [--format text|json|markdown]
 * [--fail-on denied|any]`: the connections a change opens or closes, grouped by workload — through the
 * ClusterNetworkPolicy tiers when either side has any (a new priority or action is a connection change).
 */
import { clipName } from "../issue/quote.js";
import type { Issue } from "../issue/issue.js";
import { type DiffGroup, diffSnapshots } from "../policy/diff.js";
import { type DryRunInput, dryRunBase, emptyInputProblem, loadDryRun, reportNotes } from "./dry-run-input.js";
import { errorEntries, errorFooter } from "./input-errors.js";
import { type CliIo, type ExitCode, UsageError } from "./io.js";
import { tiersNotes } from "./matrix-tiers-note.js";
import { declaredPorts, parseProbePort, sortPorts } from "./probe-port.js";

/** Options of `diff`. */
export interface DiffOptions {
  readonly before?: readonly string[];
  readonly after?: readonly string[];
  readonly port: readonly string[];
  readonly format?: string;
  readonly failOn?: string;
  /** The live cluster (read-only) is the base of both sides; --before becomes optional. */
  readonly kubeconfig?: string;
  /** The Kubernetes release whose API server validation to mirror (`1.N`). */
  readonly kubeVersion?: string;
}

/**
 * Runs `diff`. Exit 1 when `--fail-on` matches a change, on input errors (the output names the
 * policies with errors), or when either side holds no pod and no workload (nothing was compared,
 * so no gate may pass); else 0.
 */
export async function runDiff(io: CliIo, opts: DiffOptions): Promise<ExitCode> {
  const format = opts.format ?? "text";
  if (!["text", "json", "markdown"].includes(format))
    throw new UsageError(`--format must be text, json or markdown, got ${clipName(format)}`);
  if (opts.failOn && opts.failOn !== "denied" && opts.failOn !== "any")
    throw new UsageError("--fail-on must be denied or any");
  if (!opts.after?.length || (!opts.before?.length && !opts.kubeconfig)) {
    throw new UsageError(
      "diff needs --after inputs, and --before inputs unless --kubeconfig gives the current state",
    );
  }
  const requested = opts.port.map(parseProbePort);
  const { base, kubeVersion } = await dryRunBase(io, opts);
  const before = await loadDryRun(io, opts.before ?? [], base, kubeVersion);
  const after = await loadDryRun(io, opts.after, base, kubeVersion);
  if (!bothSidesHold(io, before, after)) return 1;
  const ports =
    requested.length > 0
      ? sortPorts(requested)
      : sortPorts([...declaredPorts(before.snapshot), ...declaredPorts(after.snapshot)]);
  if (ports.length === 0)
    throw new UsageError(
      "no pod or workload on either side declares a containerPort; give the ports to compare with --port",
    );
  const groups = diffSnapshots(before.snapshot, after.snapshot, ports);
  const issues = [...before.issues, ...after.issues];
  io.out(
    format === "json"
      ? `${JSON.stringify({ changes: groups, summary: totals(groups), notes: sideNotes(before, after), errors: errorEntries(issues) }, null, 2)}\n`
      : format === "markdown"
        ? markdown(groups) + markdownErrors(issues)
        : text(groups) +
          errorFooter(issues)
            .map((l) => `${l}\n`)
            .join(""),
  );
  const denied = groups.some((g) => g.change === "newly-denied");
  if (before.failed || after.failed) return 1;
  if (opts.failOn === "any" && groups.length > 0) return 1;
  if (opts.failOn === "denied" && denied) return 1;
  return 0;
}

/** Says each side's notes; false (after saying why) when a side has nothing to compare. */
function bothSidesHold(io: CliIo, before: DryRunInput, after: DryRunInput): boolean {
  reportNotes(io, before, "--before: ");
  reportNotes(io, after, "--after: ");
  for (const n of tierSideNotes(before, after)) io.err(`netguard: ${n}\n`);
  const problems = [emptyInputProblem(before, " in --before"), emptyInputProblem(after, " in --after")];
  for (const p of problems) if (p) io.err(`netguard: ${p}\n`);
  if (problems.every((p) => p === undefined)) return true;
  io.err("netguard: nothing was compared, so no connection change can be reported (--fail-on cannot pass)\n");
  return false;
}

/** Each side's notes (pods left out, host network, tiers), prefixed with the side, for the json output. */
function sideNotes(before: DryRunInput, after: DryRunInput): string[] {
  return [
    ...before.notes.map((n) => `--before: ${n}`),
    ...after.notes.map((n) => `--after: ${n}`),
    ...tierSideNotes(before, after),
  ];
}

/** How many ClusterNetworkPolicies each side's matrix went through, prefixed with the side. */
function tierSideNotes(before: DryRunInput, after: DryRunInput): string[] {
  return [
    ...tiersNotes(before.snapshot).map((n) => `--before: ${n}`),
    ...tiersNotes(after.snapshot).map((n) => `--after: ${n}`),
  ];
}

/** A warning under the markdown table naming the policies with errors. */
function markdownErrors(issues: readonly Issue[]): string {
  const lines = errorFooter(issues);
  return lines.length > 0 ? `\n> **Warning:** ${lines.join(" — ")}\n` : "";
}

function totals(groups: readonly DiffGroup[]): { newlyAllowed: number; newlyDenied: number } {
  const sum = (c: DiffGroup["change"]) =>
    groups.filter((g) => g.change === c).reduce((n, g) => n + g.pairs, 0);
  return { newlyAllowed: sum("newly-allowed"), newlyDenied: sum("newly-denied") };
}

const w = (x: DiffGroup["from"]) => `${x.namespace}/${x.workload}`;

function text(groups: readonly DiffGroup[]): string {
  if (groups.length === 0) return "no connection changes\n";
  const t = totals(groups);
  const lines = groups.map(
    (g) =>
      `${g.change === "newly-allowed" ? "+ allowed" : "- denied "}  ${w(g.from)} -> ${w(g.to)}  ${g.protocol}/${g.port}  (${g.pairs} pod pair${g.pairs === 1 ? "" : "s"}, e.g. ${g.example.from} -> ${g.example.to})`,
  );
  return `${lines.join("\n")}\n${t.newlyAllowed} pod pair(s) newly allowed, ${t.newlyDenied} newly denied\n`;
}

function markdown(groups: readonly DiffGroup[]): string {
  if (groups.length === 0) return "**netguard:** no connection changes.\n";
  const t = totals(groups);
  const rows = groups.map(
    (g) =>
      `| ${g.change === "newly-allowed" ? "➕ allowed" : "➖ denied"} | \`${w(g.from)}\` | \`${w(g.to)}\` | ${g.protocol}/${g.port} | ${g.pairs} |`,
  );
  return [
    `**netguard:** ${t.newlyAllowed} pod pair(s) newly allowed, ${t.newlyDenied} newly denied.`,
    "",
    "| change | from | to | port | pod pairs |",
    "|---|---|---|---|---:|",
    ...rows,
    "",
  ].join("\n");
}
