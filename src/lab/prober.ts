/**
 * Real-packet probes in a lab: one probe agent per pod namespace (serving the pod's declared TCP and
 * UDP container ports, as its containers would) and one per node namespace (the kubelet-probe
 * source, whose traffic to local pods Kubernetes always allows; a server too on `nodePorts`, for
 * egress to node addresses such as ClusterNetworkPolicy's `nodes` peer).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AgentProcess, SpawnInNetns } from "./agent-process.js";
import type { Lab, LabPod } from "./lab.js";
import type { ProbeCommand, ProbeProtocol } from "./probe-protocol.js";
import type { LabPortSpec } from "./spec.js";

/** A connection attempt from a pod (its key) or a node's own namespace. */
export interface ProbeRequest {
  readonly from: string | { readonly node: string };
  readonly dst: string;
  readonly port: number;
  readonly protocol: ProbeProtocol;
  /** How long to wait for the handshake (TCP) or the echo (UDP); default ProberOptions.timeoutMs. */
  readonly timeoutMs?: number;
  /** Source address to bind; it must already be on an interface of the source namespace. */
  readonly src?: string;
}

/** The agent's verdict; see ProbeAnswer for the `detail` vocabulary. */
export interface ProbeResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** Running agents; close() must be called (it is idempotent). */
export interface Prober {
  probe(req: ProbeRequest): Promise<ProbeResult>;
  /** Results in the order of `list`, at most `concurrency` (default 32) probes in flight. */
  probeMany(list: readonly ProbeRequest[], concurrency?: number): Promise<ProbeResult[]>;
  close(): Promise<void>;
}

/** Where the agent is and how long to wait. */
export interface ProberOptions {
  /** Default: the node running this process (`process.execPath`). */
  readonly nodeExecutable?: string;
  /** Default: defaultAgentPath(). */
  readonly agentPath?: string;
  /** Budget for every agent to bind its listeners and report ready (default 10 s). */
  readonly readyTimeoutMs?: number;
  /** Default probe timeout (default 1 s). */
  readonly timeoutMs?: number;
  /** Beyond a probe's timeout, how long to wait for the agent's answer before giving up (default 2 s). */
  readonly answerGraceMs?: number;
  /** TCP and UDP ports every node's agent serves on the node's addresses (default: none, a client only). */
  readonly nodePorts?: readonly LabPortSpec[];
}

/**
 * The compiled agent: `probe-agent.js` beside this module in dist/; when this module runs from
 * src/ (vitest), the repository's dist/lab/probe-agent.js, which the test setup builds.
 */
export function defaultAgentPath(): string {
  const here = fileURLToPath(import.meta.url);
  const dir = dirname(here);
  return here.endsWith(".ts")
    ? join(dir, "..", "..", "dist", "lab", "probe-agent.js")
    : join(dir, "probe-agent.js");
}

/** Agent arguments for a pod: its TCP and UDP container ports (SCTP cannot be served here). */
export function agentPortArgs(pod: Pick<LabPod, "ports">): string[] {
  const list = (proto: ProbeProtocol): string =>
    [...new Set(pod.ports.filter((p) => p.protocol === proto).map((p) => p.port))]
      .sort((a, b) => a - b)
      .join(",");
  const tcp = list("TCP");
  const udp = list("UDP");
  return [...(tcp ? ["--tcp", tcp] : []), ...(udp ? ["--udp", udp] : [])];
}

interface Agent {
  readonly ready: Promise<void>;
  readonly exited: Promise<void>;
  ask(cmd: Omit<ProbeCommand, "id">, graceMs: number): Promise<ProbeResult>;
  kill(): void;
}

/** Starts every agent of the lab and waits until all are ready; on failure kills them all. */
export async function startAgents(
  spawnInNetns: SpawnInNetns,
  lab: Lab,
  options: ProberOptions = {},
): Promise<Prober> {
  const agents = spawnAgents(spawnInNetns, lab, options);
  const close = closeOnce(agents);
  try {
    const readyMs = options.readyTimeoutMs ?? 10_000;
    await withTimeout(
      Promise.all([...agents.values()].map((a) => a.ready)),
      readyMs,
      "probe agents not ready",
    );
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  return proberOf(lab, agents, options, close);
}

/** One agent per pod (`pod:<key>`, serving its ports) and per node (`node:<name>`), started. */
function spawnAgents(spawnInNetns: SpawnInNetns, lab: Lab, options: ProberOptions): Map<string, Agent> {
  const exe = options.nodeExecutable ?? process.execPath;
  const agentPath = options.agentPath ?? defaultAgentPath();
  const agents = new Map<string, Agent>();
  for (const pod of lab.pods) {
    agents.set(
      `pod:${pod.key}`,
      startAgent(spawnInNetns, pod.netns, exe, [agentPath, ...agentPortArgs(pod)]),
    );
  }
  const nodeArgs = agentPortArgs({ ports: options.nodePorts ?? [] });
  for (const node of lab.nodes)
    agents.set(`node:${node.name}`, startAgent(spawnInNetns, node.netns, exe, [agentPath, ...nodeArgs]));
  return agents;
}

/** Kills every agent and waits (5 s at most) until all have exited; later calls share the first. */
function closeOnce(agents: ReadonlyMap<string, Agent>): () => Promise<void> {
  let closed: Promise<void> | undefined;
  return (): Promise<void> => {
    closed ??= (async () => {
      for (const a of agents.values()) a.kill();
      await withTimeout(Promise.all([...agents.values()].map((a) => a.exited)), 5000, "agents did not exit");
    })();
    return closed;
  };
}

/** Probes through the agent of the request's source, one at a time or `concurrency` at once. */
function proberOf(
  lab: Lab,
  agents: ReadonlyMap<string, Agent>,
  options: ProberOptions,
  close: () => Promise<void>,
): Prober {
  const timeoutMs = options.timeoutMs ?? 1000;
  const graceMs = options.answerGraceMs ?? 2000;
  const probe = (req: ProbeRequest): Promise<ProbeResult> => {
    const key = typeof req.from === "string" ? `pod:${req.from}` : `node:${req.from.node}`;
    const agent = agents.get(key);
    if (!agent) return Promise.reject(new Error(`no probe agent for ${key} in lab ${lab.id}`));
    const { dst, port, protocol, src } = req;
    return agent.ask(
      { dst, port, protocol, timeoutMs: req.timeoutMs ?? timeoutMs, ...(src ? { src } : {}) },
      graceMs,
    );
  };
  const probeMany = async (list: readonly ProbeRequest[], concurrency = 32): Promise<ProbeResult[]> => {
    const results = new Array<ProbeResult>(list.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < list.length; i = next++) results[i] = await probe(list[i] as ProbeRequest);
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, list.length)) }, worker));
    return results;
  };
  return { probe, probeMany, close };
}

/** One agent: matches answers to commands by id; everything pending fails when it exits. */
function startAgent(spawnInNetns: SpawnInNetns, netns: string, cmd: string, args: readonly string[]): Agent {
  const pending = new Map<number, (r: ProbeResult) => void>();
  let nextId = 1;
  let exitDetail: string | undefined;
  let onReady: { resolve: () => void; reject: (e: Error) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => (onReady = { resolve, reject }));
  ready.catch(() => undefined); // observed by startAgents; avoid an unhandled rejection after close
  let onExited = (): void => undefined;
  const exited = new Promise<void>((resolve) => (onExited = resolve));
  const proc: AgentProcess = spawnInNetns(netns, cmd, args, {
    onLine(line) {
      const msg = parseLine(line);
      if (!msg) return;
      if (msg.ready === true) onReady?.resolve();
      else if (msg.ready === false)
        onReady?.reject(new Error(`probe agent in ${netns}: ${String(msg.error)}`));
      else if (typeof msg.id === "number") {
        pending.get(msg.id)?.({
          ok: msg.ok === true,
          detail: typeof msg.detail === "string" ? msg.detail : "?",
        });
      }
    },
    onExit(detail) {
      exitDetail = detail;
      onReady?.reject(new Error(`probe agent in ${netns} ${detail}`));
      for (const settle of pending.values()) settle({ ok: false, detail: `agent exited: ${detail}` });
      onExited();
    },
  });
  const ask = (c: Omit<ProbeCommand, "id">, graceMs: number): Promise<ProbeResult> => {
    if (exitDetail !== undefined)
      return Promise.resolve({ ok: false, detail: `agent exited: ${exitDetail}` });
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => settle({ ok: false, detail: "no answer from agent" }),
        c.timeoutMs + graceMs,
      );
      const settle = (r: ProbeResult): void => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(r);
      };
      pending.set(id, settle);
      proc.writeLine(JSON.stringify({ id, ...c }));
    });
  };
  return { ready, exited, ask, kill: () => proc.kill() };
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === "object" && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}
