/**
 * `netguard agent`: the per-node daemon. Every flag can also be set by an environment variable
 * (named in --help); flags win. SIGTERM/SIGINT stop it and leave the rules in place.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { type Logger, pino } from "pino";
import type { Agent } from "../agent/agent.js";
import { systemClock } from "../agent/clock.js";
import { nftMonitorSpawner } from "../agent/table-watch.js";
import { systemExec } from "../sys/exec.js";
import { buildAgent } from "./agent-parts.js";
import { runCleanup } from "./cleanup.js";
import type { AgentCliOptions } from "./agent-flags.js";
import { type CliIo, type ExitCode, UsageError } from "./io.js";

/** Runs the agent until SIGTERM/SIGINT, or removes netguard's tables with --cleanup. */
export async function runAgent(io: CliIo, opts: AgentCliOptions): Promise<ExitCode> {
  if (opts.cleanup) return runCleanup(io, opts.netns ? { netns: opts.netns } : {});
  if (!opts.node) throw new UsageError("agent needs --node or NODE_NAME");
  const [host, portText] = splitHostPort(opts.listen);
  const logger = pino({ level: opts.logLevel, base: { node: opts.node } });
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromCluster();
  } catch (e) {
    throw new UsageError(`cannot load the Kubernetes configuration: ${(e as Error).message}`);
  }
  const agent = buildAgent({
    nodeName: opts.node,
    kubeConfig: kc,
    exec: systemExec,
    clock: systemClock,
    logger,
    ...(opts.netns ? { netns: opts.netns } : {}),
    listen: { host, port: Number(portText) },
    driftIntervalMs: number(opts.driftInterval, "drift interval") * 1000,
    dropsIntervalMs: 10_000,
    ...(opts.cniSocket ? { cniSocket: opts.cniSocket, cniStateFile: opts.cniState } : {}),
    ...(opts.cniConfDir ? { cniConfDir: opts.cniConfDir } : {}),
    ...(opts.flannelSubnetFile ? { flannelSubnetFile: opts.flannelSubnetFile } : {}),
    tableWatch: {
      pollMs: number(opts.tableCheckInterval, "table check interval") * 1000,
      spawn: nftMonitorSpawner(opts.netns),
    },
    reconcile: {
      minIntervalMs: number(opts.minInterval, "min interval"),
      maxDelayMs: number(opts.maxDelay, "max delay"),
    },
  });
  await serveAgent(agent, logger, process);
  return 0;
}

/** What serveAgent runs: the Agent's lifecycle. */
export type AgentLifecycle = Pick<Agent, "start" | "stop">;

/** Where stop signals come from (production: `process`). */
export interface SignalSource {
  once(signal: "SIGTERM" | "SIGINT", listener: () => void): unknown;
  off(signal: "SIGTERM" | "SIGINT", listener: () => void): unknown;
}

/**
 * Starts the agent and runs it until SIGTERM/SIGINT. A start that fails stops the agent first (what
 * had started, such as the HTTP endpoint answering /healthz, must not outlive it), then rethrows.
 */
export async function serveAgent(
  agent: AgentLifecycle,
  logger: Logger,
  signals: SignalSource,
): Promise<void> {
  const handlers: Array<["SIGTERM" | "SIGINT", () => void]> = [];
  const stopped = new Promise<void>((resolve) => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const stop = () => {
        logger.info({ signal }, "stopping; rules stay in place");
        void agent.stop().then(resolve);
      };
      handlers.push([signal, stop]);
      signals.once(signal, stop);
    }
  });
  try {
    await agent.start();
  } catch (e) {
    for (const [signal, stop] of handlers) signals.off(signal, stop);
    logger.error({ error: String(e) }, "agent failed to start; stopping what had started");
    await agent.stop().catch((s: unknown) => logger.error({ error: String(s) }, "stopping failed too"));
    throw e;
  }
  await stopped;
}

function splitHostPort(listen: string): [string, string] {
  const i = listen.lastIndexOf(":");
  // An empty host would mean every address: exposure must be named, never implied.
  const host = listen.slice(0, i).replace(/^\[|\]$/g, "") || "127.0.0.1";
  const port = listen.slice(i + 1);
  if (i < 0 || !/^\d{1,5}$/.test(port) || Number(port) > 65535)
    throw new UsageError(`--listen ${listen}: expected host:port`);
  return [host, port];
}

function number(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${what}: ${text} is not a non-negative number`);
  return n;
}
