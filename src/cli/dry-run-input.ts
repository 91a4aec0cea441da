/**
 * The input of the dry-run commands (simulate, explain, diff): read and decoded as the API server
 * stores objects it accepts with a warning (unknown fields dropped), checked as its validation
 * would (`--kube-version`), every issue reported on stderr, then turned into the dry-run view
 * (workloads and pods without status evaluated).
 */
import type { Issue } from "../issue/issue.js";
import { clipName } from "../issue/quote.js";
import { refOf, type Snapshot } from "../k8s/model.js";
import type { RawObject } from "../load/documents.js";
import { loadChecked } from "../load/api-check.js";
import type { InputFs } from "../load/sources.js";
import { type DryRunView, dryRunView } from "../policy/dry-run-view.js";
import { clusterBase } from "./cluster-base.js";
import type { CliIo } from "./io.js";
import { type InputSummary, nothingToEvaluate, summarizeInput } from "./input-summary.js";
import { kubeVersionFlag } from "./kube-version.js";
import { reportIssues } from "./report-issues.js";
import type { KubeVersion } from "../validate/api/versions.js";

/** A loaded, reported input ready to evaluate. */
export interface DryRunInput {
  /** What the commands evaluate (the dry-run view's snapshot). */
  readonly snapshot: Snapshot;
  readonly issues: readonly Issue[];
  /** True when some issue is an error (the command exits 1). */
  readonly failed: boolean;
  readonly summary: InputSummary;
  /** Pod ref -> top-level owner ref, sorted by pod ref. */
  readonly owners: ReadonlyMap<string, string>;
  /** Lines said on stderr and in the JSON `notes` (pods left out, host network). */
  readonly notes: readonly string[];
  /** Pods in phase Succeeded/Failed left out. */
  readonly terminated: number;
  /** Refs of those pods, so a filter or endpoint naming one says why it matches nothing. */
  readonly finished: ReadonlySet<string>;
  readonly hasWorkloads: boolean;
}

/** An InputFs that counts the files (and stdin) it was asked to read. */
function countingFs(fs: InputFs): { fs: InputFs; files: () => number } {
  let files = 0;
  const counted: InputFs = {
    readFile: (path) => {
      files++;
      return fs.readFile(path);
    },
    kind: (path) => fs.kind(path),
    list: (path) => fs.list(path),
    ...(fs.realPath ? { realPath: fs.realPath.bind(fs) } : {}),
    readStdin: () => {
      files++;
      return fs.readStdin();
    },
  };
  return { fs: counted, files: () => files };
}

/**
 * Loads the inputs over `base` (the live cluster's objects, or none) as loadChecked does — unknown
 * fields reported and dropped, NetworkPolicies checked as the API server of `kubeVersion` would —
 * and reports every issue on stderr.
 */
export async function loadDryRun(
  io: CliIo,
  inputs: readonly string[],
  base: readonly RawObject[],
  kubeVersion?: KubeVersion,
): Promise<DryRunInput> {
  const counting = countingFs(io.fs);
  const { snapshot, issues, objects } = await loadChecked(counting.fs, inputs, base, {
    ...(kubeVersion ? { kubeVersion } : {}),
  });
  const failed = reportIssues(io, issues);
  const summary = summarizeInput(counting.files(), objects, base.length);
  const view = dryRunView(snapshot, base.length > 0 ? { overlaid: overlaidWorkloads(snapshot) } : {});
  return {
    snapshot: view.snapshot,
    issues,
    failed,
    summary,
    owners: view.owners,
    notes: viewNotes(view),
    terminated: view.terminated,
    finished: new Set(snapshot.pods.filter((p) => p.nonTarget === "terminated").map((p) => refOf(p))),
    hasWorkloads: view.hasWorkloads,
  };
}

/** Source file of the live cluster's objects (load/live-cluster.ts). */
const CLUSTER_FILE = "<cluster>";

/** Workload entries the input files lay over the live cluster: they replace the live pods under them. */
function overlaidWorkloads(snapshot: Snapshot): Set<string> {
  return new Set(
    snapshot.pods.filter((p) => p.workload && p.source?.file !== CLUSTER_FILE).map((p) => refOf(p)),
  );
}

/** Refs a note lists before it only counts the rest. */
const LISTED = 10;

/** What the view left out or evaluates differently, one sentence each. */
export function viewNotes(view: DryRunView): string[] {
  const notes: string[] = [];
  const n = view.terminated;
  if (n > 0) notes.push(`${n} pod${n === 1 ? "" : "s"} in phase Succeeded/Failed left out`);
  const s = view.superseded;
  if (s > 0)
    notes.push(`${s} live pod${s === 1 ? "" : "s"} left out: the input's workload templates replace them`);
  const host = view.hostNetwork;
  if (host.length > 0) {
    const listed = host
      .slice(0, LISTED)
      .map((ref) => clipName(ref))
      .join(", ");
    const more = host.length > LISTED ? ` and ${host.length - LISTED} more` : "";
    notes.push(
      `host network: ${listed}${more}: their traffic is node traffic (no policy selects them; ` +
        `policies see their node's address)`,
    );
  }
  return notes;
}

/** Says the notes on stderr, one `netguard: ` line each, prefixed with the side of a diff. */
export function reportNotes(io: CliIo, input: DryRunInput, side = ""): void {
  for (const n of input.notes) io.err(`netguard: ${side}${n}\n`);
}

/**
 * The error message when the input holds no pod and no workload to evaluate (empty directory,
 * empty file, policies only), else undefined.
 */
export function emptyInputProblem(input: DryRunInput, side = ""): string | undefined {
  return input.snapshot.pods.length === 0
    ? nothingToEvaluate(input.summary, input.terminated, side)
    : undefined;
}

/** The flags of a dry-run command that say what its inputs are read against. */
export interface DryRunFlags {
  /** Read the live cluster (read-only) and lay the inputs over it. */
  readonly kubeconfig?: string;
  /** `--kube-version`: the Kubernetes release whose API server validation to mirror (`1.N`). */
  readonly kubeVersion?: string;
}

/**
 * `--kube-version` (a note on stderr or a usage error, see kubeVersionFlag), then the live
 * cluster's objects under `--kubeconfig` (none without it): what every side of a command is loaded
 * against.
 */
export async function dryRunBase(
  io: CliIo,
  flags: DryRunFlags,
): Promise<{ readonly base: readonly RawObject[]; readonly kubeVersion: KubeVersion }> {
  const kubeVersion = kubeVersionFlag(io, flags.kubeVersion);
  return { base: await clusterBase(flags.kubeconfig), kubeVersion };
}

/**
 * The input of a one-sided dry-run command (simulate, explain): loaded over the flags' base, its
 * issues and notes said on stderr; exit code 1 (after saying why) when it holds nothing to evaluate.
 */
export async function loadForCommand(
  io: CliIo,
  inputs: readonly string[],
  flags: DryRunFlags,
): Promise<DryRunInput | 1> {
  const { base, kubeVersion } = await dryRunBase(io, flags);
  const input = await loadDryRun(io, inputs, base, kubeVersion);
  reportNotes(io, input);
  const empty = emptyInputProblem(input);
  if (empty) {
    io.err(`netguard: ${empty}\n`);
    return 1;
  }
  return input;
}
