/**
 * `netguard cleanup`: removes netguard's nft tables and nothing else.
 */
import type { Command } from "commander";
import { runCleanup } from "../cleanup.js";
import type { CommandContext } from "./command.js";

/** Registers `cleanup [--netns <name>]`. */
export function registerCleanup(program: Command, { io, done }: CommandContext): void {
  program
    .command("cleanup")
    .description("remove netguard's nft tables (inet netguard, bridge netguard) and nothing else")
    .option("--netns <name>", "act inside this network namespace")
    .action(async (opts: { netns?: string }) => done(await runCleanup(io, opts)));
}
