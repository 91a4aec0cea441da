/**
 * `netguard explain`: the verdict on one connection and the policy and rule that decided it.
 */
import type { Command } from "commander";
import { type ExplainOptions, runExplain } from "../explain.js";
import { KUBE_VERSION_HELP } from "../kube-version.js";
import type { CommandContext } from "./command.js";

/** Registers `explain [inputs...] --from --to --port` (see README "explain"). */
export function registerExplain(program: Command, { io, done }: CommandContext): void {
  program
    .command("explain")
    .description("explain one connection: the verdict and which policy and rule allowed it, or that none did")
    .argument("[inputs...]", "YAML/JSON files, directories (recursive) or - for stdin")
    .requiredOption("--from <endpoint>", "source: namespace/pod, namespace/Kind/name or an IP address")
    .requiredOption("--to <endpoint>", "destination: namespace/pod, namespace/Kind/name or an IP address")
    .requiredOption("-p, --port <port/proto>", "destination port, e.g. 80/TCP")
    .option("-f, --format <format>", "text or json", "text")
    .option("--kubeconfig <file>", "read the live cluster (read-only) and lay the inputs over it")
    .option("--kube-version <1.N>", KUBE_VERSION_HELP)
    .action(async (inputs: string[], opts: ExplainOptions) => done(await runExplain(io, inputs, opts)));
}
