/**
 * `netguard validate [--format text|json|sarif|github] [--strict] [--kube-version 1.N]
 * [--cluster <inputs>]... <inputs...>`: CI validation of NetworkPolicy and ClusterNetworkPolicy
 * manifests — what the API server would reject (errors: for ClusterNetworkPolicy the CRD's limits
 * and CEL rules, and `domainNames`, which netguard does not support) and what is probably not what
 * the author meant (warnings). The ClusterNetworkPolicy lints see the cluster after applying the
 * input (`--cluster`, `--kubeconfig`, or the input itself when it holds pods or Nodes).
 * Exit 0 without errors (warnings fail only with --strict), 1 on errors, 2 on usage or I/O problems.
 */
import { readFileSync } from "node:fs";
import { validateNetworkPolicy } from "../validate/api/validate-network-policy.js";
import { formatGithub, formatJson, formatSarif, formatText, summary } from "../validate/report.js";
import { validateManifests } from "../validate/run.js";
import { clusterBase } from "./cluster-base.js";
import { type CliIo, type ExitCode, UsageError } from "./io.js";
import { kubeVersionFlag } from "./kube-version.js";

/** Options of `validate`. */
export interface ValidateCliOptions {
  readonly format?: string;
  readonly strict?: boolean;
  readonly kubeVersion?: string;
  readonly cluster: readonly string[];
  readonly kubeconfig?: string;
}

/** Runs `validate`. */
export async function runValidate(
  io: CliIo,
  inputs: readonly string[],
  opts: ValidateCliOptions,
): Promise<ExitCode> {
  const format = opts.format ?? "text";
  if (!["text", "json", "sarif", "github"].includes(format))
    throw new UsageError(`--format must be text, json, sarif or github, got ${format}`);
  if (inputs.length === 0) throw new UsageError("validate needs at least one file, directory or - for stdin");
  const kubeVersion = kubeVersionFlag(io, opts.kubeVersion);
  const { report, ioProblem } = await validateManifests(
    io.fs,
    { manifests: inputs, cluster: opts.cluster, clusterBase: await clusterBase(opts.kubeconfig) },
    (obj) => validateNetworkPolicy(obj, { kubeVersion }),
  );
  switch (format) {
    case "json":
      io.out(formatJson(report));
      break;
    case "sarif":
      io.out(formatSarif(report, version()));
      break;
    case "github":
      io.out(formatGithub(report));
      io.err(formatText(report, false).split("\n").slice(-2).join("\n"));
      break;
    default:
      io.out(formatText(report, io.stdoutIsTTY));
  }
  if (ioProblem) return 2;
  const s = summary(report);
  return s.errors > 0 || (opts.strict && s.warnings > 0) ? 1 : 0;
}

function version(): string {
  return (
    JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
  ).version;
}
