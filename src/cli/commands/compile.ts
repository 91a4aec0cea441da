/**
 * `netguard compile`: the nft script the agent would apply on one node.
 */
import type { Command } from "commander";
import { type CompileOptions, runCompile } from "../compile.js";
import { KUBE_VERSION_HELP } from "../kube-version.js";
import type { CommandContext } from "./command.js";

/** Registers `compile <inputs...> --node` (see README "compile"). */
export function registerCompile(program: Command, { io, done }: CommandContext): void {
  program
    .command("compile")
    .description("print the nft script netguard would apply on one node (needs no root)")
    .argument("<inputs...>", "YAML/JSON files, directories (recursive) or - for stdin")
    .requiredOption("-n, --node <name>", "the node to compile for (its pods' spec.nodeName)")
    .option("-f, --format <format>", "nft (the exact script) or ir (the compiler's readable rules)", "nft")
    .option("--kube-version <1.N>", KUBE_VERSION_HELP)
    .action(async (inputs: string[], opts: CompileOptions) => done(await runCompile(io, inputs, opts)));
}
