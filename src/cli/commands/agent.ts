/**
 * `netguard agent`: the node agent, with one flag per entry of AGENT_FLAGS (each also read from its env).
 */
import type { Command } from "commander";
import { AGENT_FLAGS, type AgentCliOptions } from "../agent-flags.js";
import type { CommandContext } from "./command.js";

/** Registers `agent [--cleanup] [--<flag> <value>...]`; flags default to their environment variable. */
export function registerAgent(program: Command, { io, done }: CommandContext): void {
  const agentCmd = program
    .command("agent")
    .description("run the node agent: watch the Kubernetes API and enforce NetworkPolicies on this node")
    .option("--cleanup", "remove netguard's nft tables and exit");
  for (const [key, f] of Object.entries(AGENT_FLAGS)) {
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} <value>`;
    const fallback = process.env[f.env] ?? ("default" in f ? f.default : undefined);
    agentCmd.option(flag, `${f.help} [env ${f.env}]`, fallback);
  }
  agentCmd.action(async (opts: AgentCliOptions) => {
    // Loaded on use: the agent pulls in the Kubernetes client, which the other commands never need.
    const { runAgent } = await import("../agent.js");
    done(await runAgent(io, opts));
  });
}
