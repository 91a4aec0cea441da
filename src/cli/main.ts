/**
 * The `netguard` command tree: wiring of the commands to their implementations.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { type CliIo, type ExitCode, UsageError } from "./io.js";
import { registerAgent } from "./commands/agent.js";
import { registerCleanup } from "./commands/cleanup.js";
import { registerCni } from "./commands/cni.js";
import type { RegisterCommand } from "./commands/command.js";
import { registerCompile } from "./commands/compile.js";
import { registerDiff } from "./commands/diff.js";
import { registerExplain } from "./commands/explain.js";
import { registerLab } from "./commands/lab.js";
import { registerSimulate } from "./commands/simulate.js";
import { registerValidate } from "./commands/validate.js";

/** The subcommands, in the order `netguard --help` lists them. */
const COMMANDS: readonly RegisterCommand[] = [
  registerSimulate,
  registerValidate,
  registerExplain,
  registerDiff,
  registerCompile,
  registerAgent,
  registerCleanup,
  registerCni,
  registerLab,
];

/** Builds the command tree; `done` receives each command's exit status. */
export function buildProgram(io: CliIo, done: (code: ExitCode) => void): Command {
  const program = new Command("netguard")
    .description("Kubernetes NetworkPolicy enforcement for Flannel clusters")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  for (const register of COMMANDS) register(program, { io, done });
  return program;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the CLI with the given arguments and returns the exit status. */
export async function runCli(io: CliIo, argv: readonly string[]): Promise<ExitCode> {
  let code: ExitCode = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      io.err(`netguard: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  return code;
}
