/**
 * What every `netguard` subcommand module receives to register itself on the command tree.
 */
import type { Command } from "commander";
import type { CliIo, ExitCode } from "../io.js";

/** The CLI's I/O and the sink for a command's exit status, shared by every command's action. */
export interface CommandContext {
  readonly io: CliIo;
  /** Receives the exit status of the command that ran. */
  readonly done: (code: ExitCode) => void;
}

/** A command module: adds its command (and subcommands) to `program`, in the order help lists them. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/** Commander argument parser for a repeatable option: each use appends its value. */
export const collect = (v: string, acc: string[]): string[] => [...acc, v];
