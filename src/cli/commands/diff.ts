/**
 * `netguard diff`: the connections a manifest change opens or closes.
 */
import type { Command } from "commander";
import { type DiffOptions, runDiff } from "../diff.js";
import { KUBE_VERSION_HELP } from "../kube-version.js";
import { collect, type CommandContext } from "./command.js";

/** Registers `diff --before --after` with its options (see README "diff"). */
export function registerDiff(program: Command, { io, done }: CommandContext): void {
  program
    .command("diff")
    .description("the connections a change opens or closes, grouped by namespace and workload")
    .option("--before <inputs...>", "the current manifests (files, directories or -)")
    .option("--kubeconfig <file>", "the live cluster (read-only) as the base of both sides")
    .requiredOption("--after <inputs...>", "the changed manifests")
    .option(
      "-p, --port <port/proto>",
      "port to compare (repeatable; default: every declared containerPort)",
      collect,
      [],
    )
    .option("-f, --format <format>", "text, json or markdown (for a pull-request comment)", "text")
    .option("--fail-on <what>", "exit 1 when connections are newly denied (denied) or change at all (any)")
    .option("--kube-version <1.N>", KUBE_VERSION_HELP)
    .action(async (opts: DiffOptions) => done(await runDiff(io, opts)));
}
