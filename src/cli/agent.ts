/**
 * `netguard agent`: the per-node daemon. Every flag can also be set by an environment variable
 * (named in --help); flags win. SIGTERM/SIGINT stop it and leave the rules in place.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { Agent } from "../agent/agent.js";
import { DEFAULT_CNI_SOCKET } from "../cni/protocol.js";
import { systemClock } from "../agent/clock.js";
import { systemExec } from "../sys/exec.js";
import { runCleanup } from "./cleanup.js";
import { type CliIo, type ExitCode, UsageError } from "./io.js";

/** Options of `agent` after flags and environment are merged. */
export interface AgentCliOptions {
  readonly node?: string;
  readonly kubeconfig?: string;
  readonly listen: string;
  readonly logLevel: string;
  readonly netns?: string;
  readonly driftInterval: string;
  readonly minInterval: string;
  readonly maxDelay: string;
  readonly cniSocket: string;
  readonly cniState: string;
  readonly cniConfDir: string;
  readonly cleanup?: boolean;
}

/** The flags, their environment variables and defaults (shared with --help). */
export const AGENT_FLAGS = {
  node: { env: "NODE_NAME", help: "this node's name (spec.nodeName of its pods)" },
  kubeconfig: { env: "KUBECONFIG", help: "kubeconfig file (default: in-cluster service account)" },
  listen: {
    env: "NETGUARD_LISTEN",
    help: "address:port for /healthz, /readyz, /metrics",
    default: "0.0.0.0:9808",
  },
  logLevel: {
    env: "NETGUARD_LOG_LEVEL",
    help: "log level (trace, debug, info, warn, error)",
    default: "info",
  },
  netns: { env: "NETGUARD_NETNS", help: "apply rules inside this network namespace (lab nodes)" },
  driftInterval: {
    env: "NETGUARD_DRIFT_INTERVAL",
    help: "seconds between drift checks of netguard's tables (0: off)",
    default: "300",
  },
  minInterval: { env: "NETGUARD_MIN_INTERVAL", help: "milliseconds of quiet before a sync", default: "50" },
  maxDelay: {
    env: "NETGUARD_MAX_DELAY",
    help: "maximum milliseconds between an event and its sync",
    default: "500",
  },
  cniSocket: {
    env: "NETGUARD_CNI_SOCKET",
    help: "unix socket the CNI plugin talks to ('' to disable)",
    default: DEFAULT_CNI_SOCKET,
  },
  cniState: {
    env: "NETGUARD_CNI_STATE",
    help: "file keeping CNI registrations across restarts",
    default: "/run/netguard/pods.json",
  },
  cniConfDir: {
    env: "NETGUARD_CNI_CONF_DIR",
    help: "CNI configuration directory to keep netguard chained in (Flannel rewrites its conflist); '' to disable",
    default: "",
  },
} as const;

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
  const agent = new Agent({
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
    reconcile: {
      minIntervalMs: number(opts.minInterval, "min interval"),
      maxDelayMs: number(opts.maxDelay, "max delay"),
    },
  });
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, "stopping; rules stay in place");
      void agent.stop().then(resolve);
    };
    process.once("SIGTERM", () => stop("SIGTERM")).once("SIGINT", () => stop("SIGINT"));
  });
  await agent.start();
  await stopped;
  return 0;
}

function splitHostPort(listen: string): [string, string] {
  const i = listen.lastIndexOf(":");
  const host = listen.slice(0, i).replace(/^\[|\]$/g, "") || "0.0.0.0";
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
