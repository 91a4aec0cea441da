import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { memoryIo } from "../../../test/support/memory-io.js";
import { buildProgram } from "../main.js";
import { registerAgent } from "./agent.js";
import { registerCleanup } from "./cleanup.js";
import { registerCni } from "./cni.js";
import type { CommandContext, RegisterCommand } from "./command.js";
import { registerCompile } from "./compile.js";
import { registerDiff } from "./diff.js";
import { registerExplain } from "./explain.js";
import { registerLab } from "./lab.js";
import { registerSimulate } from "./simulate.js";
import { registerValidate } from "./validate.js";

const silentIo = memoryIo({});
const ctx: CommandContext = { io: silentIo, done: () => undefined };

const modules: readonly (readonly [string, RegisterCommand, readonly string[]])[] = [
  ["simulate", registerSimulate, []],
  ["validate", registerValidate, []],
  ["explain", registerExplain, []],
  ["diff", registerDiff, []],
  ["compile", registerCompile, []],
  ["agent", registerAgent, []],
  ["cleanup", registerCleanup, []],
  ["cni", registerCni, ["install", "uninstall"]],
  ["lab", registerLab, ["run", "up", "apply", "probe", "down"]],
];

describe("command modules", () => {
  it.each(modules)("%s registers exactly its own command and subcommands", (name, register, subs) => {
    const program = new Command("netguard");
    register(program, ctx);
    expect(program.commands.map((c) => c.name())).toEqual([name]);
    expect(program.commands[0]?.commands.map((c) => c.name())).toEqual(subs);
  });

  it("the program is exactly the command modules, in the order help lists them", () => {
    const program = buildProgram(silentIo, () => undefined);
    expect(program.commands.map((c) => c.name())).toEqual(modules.map(([name]) => name));
  });
});
