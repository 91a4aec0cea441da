/**
 * `netguard simulate`: the dry-run matrix of every ordered pair of pods and workloads.
 */
import type { Command } from "commander";
import { KUBE_VERSION_HELP } from "../kube-version.js";
import { runSimulate, type SimulateOptions } from "../simulate.js";
import { collect, type CommandContext } from "./command.js";

/** Registers `simulate [inputs...]` with its options (see README "simulate"). */
export function registerSimulate(program: Command, { io, done }: CommandContext): void {
  program
    .command("simulate")
    .description(
      "dry-run: evaluate every ordered pair of pods and workloads in the input against its NetworkPolicies and ClusterNetworkPolicies",
    )
    .argument("[inputs...]", "YAML/JSON files, directories (recursive) or - for stdin")
    .option(
      "-p, --port <port/proto>",
      "probe port, e.g. 80/TCP or 53/UDP (repeatable; default: every declared containerPort)",
      collect,
      [],
    )
    .option(
      "-f, --format <format>",
      "table, json, dot or mermaid (default: table on a terminal, json otherwise)",
    )
    .option("--from <ns|ns/pod|ns/Kind/name>", "only these sources (repeatable)", collect, [])
    .option("--to <ns|ns/pod|ns/Kind/name>", "only these destinations (repeatable)", collect, [])
    .option("--kubeconfig <file>", "read the live cluster (read-only) and lay the inputs over it")
    .option(
      "-g, --group-by <what>",
      "workload (one row per top-level owner or workload) or none (default: workload for the table when the input holds workloads)",
    )
    .option("-q, --quiet", "no progress on stderr (shown only on a terminal, for long runs)")
    .option("--kube-version <1.N>", KUBE_VERSION_HELP)
    .action(async (inputs: string[], opts: SimulateOptions) => done(await runSimulate(io, inputs, opts)));
}
