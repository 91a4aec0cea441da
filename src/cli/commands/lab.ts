/**
 * `netguard lab run|up|apply|probe|down`: a Flannel-like cluster in network namespaces (root).
 */
import type { Command } from "commander";
import { type LabOptions, runLabApply, runLabDown, runLabProbe, runLabRun, runLabUp } from "../lab.js";
import { collect, type CommandContext } from "./command.js";

const PORT_FLAGS = "-p, --port <port/proto>";
const PORT_HELP = "probe port (repeatable; default: every declared containerPort)";
const INPUTS_HELP = "YAML/JSON files, directories or - for stdin";
const LAB_HELP = "the lab (default: the only one up)";
const TIMEOUT_HELP = "probe timeout in milliseconds";

/** Registers `lab` with its subcommands, in the order of a lab's life: run, up, apply, probe, down. */
export function registerLab(program: Command, ctx: CommandContext): void {
  const lab = program
    .command("lab")
    .description(
      "a Flannel-like cluster in network namespaces, proving enforcement with real packets (root)",
    );
  registerLabRun(lab, ctx);
  registerLabUp(lab, ctx);
  registerLabApply(lab, ctx);
  registerLabProbe(lab, ctx);
  registerLabDown(lab, ctx);
}

/** `lab run`: build, enforce, probe, compare, tear down in one go. */
function registerLabRun(lab: Command, { io, done }: CommandContext): void {
  lab
    .command("run")
    .description(
      "build a lab from the input, enforce its policies, probe every pod pair, compare with the evaluator, tear down",
    )
    .argument("<inputs...>", INPUTS_HELP)
    .option(PORT_FLAGS, PORT_HELP, collect, [])
    .option("-f, --format <format>", "table or json (default: table on a terminal, json otherwise)")
    .option("--timeout <ms>", TIMEOUT_HELP, "800")
    .action(async (inputs: string[], opts: LabOptions) => done(await runLabRun(io, inputs, opts)));
}

/** `lab up`: build a lab and leave it running. */
function registerLabUp(lab: Command, { io, done }: CommandContext): void {
  lab
    .command("up")
    .description("build a lab and enforce the input's policies; leave it running and print its id")
    .argument("<inputs...>", INPUTS_HELP)
    .option(PORT_FLAGS, PORT_HELP, collect, [])
    .action(async (inputs: string[], opts: LabOptions) => done(await runLabUp(io, inputs, opts)));
}

/** `lab apply`: re-enforce a changed input on a running lab. */
function registerLabApply(lab: Command, { io, done }: CommandContext): void {
  lab
    .command("apply")
    .description("re-enforce changed policies and labels on a running lab")
    .argument("<inputs...>", INPUTS_HELP)
    .option("--lab <id>", LAB_HELP)
    .action(async (inputs: string[], opts: LabOptions) => done(await runLabApply(io, inputs, opts)));
}

/** `lab probe`: probe a running lab and compare with the evaluator. */
function registerLabProbe(lab: Command, { io, done }: CommandContext): void {
  lab
    .command("probe")
    .description("probe every pod pair of a running lab and compare with the evaluator")
    .option("--lab <id>", LAB_HELP)
    .option(PORT_FLAGS, PORT_HELP, collect, [])
    .option("-f, --format <format>", "table or json")
    .option("--timeout <ms>", TIMEOUT_HELP, "800")
    .action(async (opts: LabOptions) => done(await runLabProbe(io, opts)));
}

/** `lab down`: remove a running lab. */
function registerLabDown(lab: Command, { io, done }: CommandContext): void {
  lab
    .command("down")
    .description("remove a running lab")
    .option("--lab <id>", LAB_HELP)
    .action(async (opts: LabOptions) => done(await runLabDown(io, opts)));
}
