/**
 * `netguard validate`: API-server checks and lints of NetworkPolicy and ClusterNetworkPolicy
 * manifests, for CI.
 */
import type { Command } from "commander";
import { runValidate, type ValidateCliOptions } from "../validate.js";
import { collect, type CommandContext } from "./command.js";

/** Registers `validate <inputs...>` with its options (see README "validate"). */
export function registerValidate(program: Command, { io, done }: CommandContext): void {
  program
    .command("validate")
    .description(
      "validate NetworkPolicy and ClusterNetworkPolicy manifests for CI: API-server checks (errors) and lints (warnings)",
    )
    .argument(
      "<inputs...>",
      "YAML/JSON files, directories (recursive) or - for stdin (Helm/kustomize output works)",
    )
    .option("-f, --format <format>", "text, json, sarif or github", "text")
    .option("--strict", "warnings fail too")
    .option(
      "--kube-version <1.N>",
      "the Kubernetes release whose API server to mirror (default: the newest tracked)",
    )
    .option(
      "--cluster <inputs>",
      "Pods/Namespaces/Nodes and the policies already applied, for cluster-aware lints (repeatable)",
      collect,
      [],
    )
    .option(
      "--kubeconfig <file>",
      "read Pods, Namespaces, Nodes and policies from the live cluster (read-only) for cluster-aware lints",
    )
    .action(async (inputs: string[], opts: ValidateCliOptions) => done(await runValidate(io, inputs, opts)));
}
