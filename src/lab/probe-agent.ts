/**
 * Probe agent: a standalone program run inside a lab namespace, playing a pod's containers (servers
 * on its declared ports) and its client (real TCP connects and UDP exchanges on request).
 *
 *   ip netns exec <ns> node dist/lab/probe-agent.js --tcp 80,81 --udp 53
 *
 * Listens on every given port on 0.0.0.0 and :: (TCP echoes, UDP echoes each datagram to its sender),
 * prints {"ready":true}, then answers JSON-lines ProbeCommands from stdin; exits when stdin closes.
 * Imports nothing but node builtins at run time.
 */
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import net from "node:net";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import type { AgentReady, ProbeAnswer, ProbeCommand } from "./probe-protocol.js";

const UDP_RESEND_MS = 150;

/**
 * UDP probes take their source ports in turn from a range below the kernel's ephemeral ports.
 * With port 0 the kernel may hand out a port an earlier probe to the same destination used; the
 * node still holds that flow in conntrack (30 s for UDP), so after a policy change the new probe
 * would ride the old flow's `ct state established` and report what the previous rules allowed.
 * Taken in turn, a port comes back only after ~12,000 probes from this pod.
 */
const UDP_SOURCE_PORTS = { first: 20_000, last: 32_767 } as const;
let nextUdpSourcePort: number = UDP_SOURCE_PORTS.first;
/** The UDP ports this agent serves (a probe's source port must not be one of them). */
const udpListening = new Set<number>();

/** The next UDP source port in turn, never one this agent listens on. */
function takeUdpSourcePort(listening: ReadonlySet<number>): number {
  for (;;) {
    const port = nextUdpSourcePort;
    nextUdpSourcePort = port >= UDP_SOURCE_PORTS.last ? UDP_SOURCE_PORTS.first : port + 1;
    if (!listening.has(port)) return port;
  }
}

function send(msg: AgentReady | ProbeAnswer): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

function ports(list: string | undefined): number[] {
  if (!list) return [];
  return list.split(",").map((p) => {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`bad port "${p}"`);
    return n;
  });
}

function errorCode(e: unknown): string {
  return typeof e === "object" && e !== null && "code" in e && typeof e.code === "string"
    ? e.code
    : String(e);
}

/** The answer for a socket error: refused and unreachable are distinct from a silent drop. */
function errorDetail(e: unknown): string {
  const code = errorCode(e);
  if (code === "ECONNREFUSED") return "refused";
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return `unreachable: ${code}`;
  if (code === "EADDRNOTAVAIL") return `bind failed: ${code}`;
  return `error: ${code}`;
}

function listenTcp(port: number, host: string): Promise<void> {
  const server = net.createServer((sock) => {
    sock.on("error", () => sock.destroy());
    sock.pipe(sock);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, ipv6Only: host === "::" }, () => resolve());
  });
}

function listenUdp(port: number, type: "udp4" | "udp6"): Promise<void> {
  const sock = dgram.createSocket({ type, ipv6Only: type === "udp6" });
  sock.on("message", (msg, rinfo) => sock.send(msg, rinfo.port, rinfo.address));
  return new Promise((resolve, reject) => {
    sock.once("error", reject);
    sock.bind({ port, address: type === "udp6" ? "::" : "0.0.0.0" }, () => {
      sock.removeListener("error", reject);
      sock.on("error", () => undefined); // an ICMP error for one echo must not stop the server
      resolve();
    });
  });
}

/** Runs `body` with a done() that settles once, after `timeoutMs` at the latest. */
function bounded(
  timeoutMs: number,
  body: (done: (ok: boolean, detail: string) => void) => () => void,
): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    let cleanup = (): void => undefined;
    let settled = false;
    const done = (ok: boolean, detail: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      cleanup();
      resolve({ ok, detail });
    };
    const timer = setTimeout(() => done(false, "timeout"), timeoutMs);
    cleanup = body(done);
  });
}

/** TCP: ok once the three-way handshake completes. */
function probeTcp(cmd: ProbeCommand): Promise<{ ok: boolean; detail: string }> {
  return bounded(cmd.timeoutMs, (done) => {
    const sock = net.connect({
      host: cmd.dst,
      port: cmd.port,
      ...(cmd.src ? { localAddress: cmd.src } : {}),
    });
    sock.once("connect", () => done(true, "connected"));
    sock.on("error", (e) => done(false, errorDetail(e)));
    return () => sock.destroy();
  });
}

/** UDP: ok when the datagram's echo comes back; resent every 150 ms until then (UDP may drop). */
function probeUdp(cmd: ProbeCommand): Promise<{ ok: boolean; detail: string }> {
  return bounded(cmd.timeoutMs, (done) => {
    const sock = dgram.createSocket(net.isIPv6(cmd.dst) ? "udp6" : "udp4");
    const payload = randomBytes(16);
    let resend: NodeJS.Timeout | undefined;
    let closed = false;
    sock.on("error", (e) => done(false, errorDetail(e)));
    sock.on("message", (msg) => {
      if (msg.equals(payload)) done(true, "echoed");
    });
    const transmit = (): void => {
      if (!closed) sock.send(payload, (e) => e && done(false, errorDetail(e)));
    };
    sock.bind({ port: takeUdpSourcePort(udpListening), ...(cmd.src ? { address: cmd.src } : {}) }, () => {
      if (closed) return;
      // connect() so an ICMP port unreachable comes back as ECONNREFUSED instead of being ignored.
      sock.connect(cmd.port, cmd.dst, () => {
        transmit();
        resend = setInterval(transmit, UDP_RESEND_MS);
      });
    });
    return () => {
      closed = true;
      clearInterval(resend);
      try {
        sock.close();
      } catch {
        // not bound yet (the bind itself failed): nothing to close
      }
    };
  });
}

function parseCommand(line: string): ProbeCommand | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  if (typeof v !== "object" || v === null) return "not an object";
  const c = v as Record<string, unknown>;
  if (typeof c.id !== "number") return "id must be a number";
  if (typeof c.dst !== "string" || net.isIP(c.dst) === 0) return "dst must be an IP address";
  if (typeof c.port !== "number" || !Number.isInteger(c.port) || c.port < 1 || c.port > 65535)
    return "bad port";
  if (c.protocol !== "TCP" && c.protocol !== "UDP" && c.protocol !== "SCTP") return "bad protocol";
  if (c.src !== undefined && (typeof c.src !== "string" || net.isIP(c.src) === 0)) return "bad src";
  const timeoutMs = typeof c.timeoutMs === "number" && c.timeoutMs > 0 ? c.timeoutMs : 1000;
  return { id: c.id, dst: c.dst, port: c.port, protocol: c.protocol, timeoutMs, src: c.src };
}

async function answer(line: string): Promise<ProbeAnswer> {
  const cmd = parseCommand(line);
  if (typeof cmd === "string") {
    const id = /"id"\s*:\s*(\d+)/.exec(line)?.[1];
    return { id: id === undefined ? null : Number(id), ok: false, detail: `bad command: ${cmd}` };
  }
  if (cmd.protocol === "SCTP") return { id: cmd.id, ok: false, detail: "skipped: SCTP not supported" };
  const r = await (cmd.protocol === "TCP" ? probeTcp(cmd) : probeUdp(cmd));
  return { id: cmd.id, ...r };
}

async function main(): Promise<void> {
  try {
    const { values } = parseArgs({ options: { tcp: { type: "string" }, udp: { type: "string" } } });
    for (const p of ports(values.udp)) udpListening.add(p);
    const binds = [
      ...ports(values.tcp).flatMap((p) => [listenTcp(p, "0.0.0.0"), listenTcp(p, "::")]),
      ...ports(values.udp).flatMap((p) => [listenUdp(p, "udp4"), listenUdp(p, "udp6")]),
    ];
    await Promise.all(binds);
  } catch (e) {
    send({ ready: false, error: e instanceof Error ? e.message : errorCode(e) });
    process.exit(1);
  }
  send({ ready: true });
  let pending = 0;
  let closed = false;
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    if (line.trim() === "") return;
    pending++;
    void answer(line).then((a) => {
      send(a);
      if (--pending === 0 && closed) process.exit(0);
    });
  });
  lines.on("close", () => {
    closed = true;
    if (pending === 0) process.exit(0);
  });
}

void main();
