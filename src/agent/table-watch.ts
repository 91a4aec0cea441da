/**
 * Noticing that netguard's tables left the kernel (`nft flush ruleset`, `nft delete table inet
 * netguard`, a chain deleted by hand) without waiting for the drift timer. Two paths: a long-running
 * `nft monitor destroy` reports deletions as they happen (fast path), and a periodic `nft list
 * tables` — tiny output — catches what the monitor missed, e.g. while it is restarting (backstop).
 * Neither repairs anything itself: they tell the agent, which checks and re-applies serially with
 * its syncs (our own full replace deletes and re-adds the tables too, so a deletion event alone
 * proves nothing).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { OWNED_TABLES, type TableRef, tableText } from "../nft/model.js";
import type { Clock, TimerHandle } from "./clock.js";

/** A running monitor process. */
export interface MonitorProcess {
  /** Kills the process (idempotent). */
  kill(): void;
}

/** Starts a monitor: `onLine` per line of its output, `onExit` once when it ends for any reason. */
export type SpawnMonitor = (onLine: (line: string) => void, onExit: (why: string) => void) => MonitorProcess;

/** What a line of `nft monitor` output says about netguard's objects. */
export type MonitorEvent =
  | { readonly kind: "table-deleted"; readonly table: TableRef }
  | { readonly kind: "chain-deleted"; readonly table: TableRef; readonly chain: string };

const OWNED = new Set(OWNED_TABLES.map(tableText));

/** Parses `delete table inet netguard` / `delete chain bridge netguard pod-x`; others are undefined. */
export function monitorEvent(line: string): MonitorEvent | undefined {
  const w = line.trim().split(/\s+/);
  if (w[0] !== "delete" || (w[1] !== "table" && w[1] !== "chain") || !w[2] || !w[3]) return undefined;
  const table = { family: w[2], name: w[3] } as TableRef;
  if (!OWNED.has(tableText(table))) return undefined;
  if (w[1] === "table") return { kind: "table-deleted", table };
  return w[4] ? { kind: "chain-deleted", table, chain: w[4] } : undefined;
}

/** netguard's tables that are not in `have` (as `family name`). */
export function missingTables(have: readonly TableRef[]): string[] {
  const present = new Set(have.map(tableText));
  return OWNED_TABLES.map(tableText).filter((t) => !present.has(t));
}

/**
 * `nft monitor destroy` as a child process (inside `netns` when set). `setpriv --pdeathsig KILL`
 * makes the kernel kill it if the agent dies without stopping it (SIGKILL, crash): no orphan
 * keeps a namespace alive. `ip netns exec` execs in place, so the agent stays its parent.
 */
export function nftMonitorSpawner(netns: string | undefined): SpawnMonitor {
  const cmd = ["setpriv", "--pdeathsig", "KILL", "nft", "monitor", "destroy"];
  const argv = netns ? ["ip", "netns", "exec", netns, ...cmd] : cmd;
  return (onLine, onExit) => {
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    let ended = false;
    const end = (why: string) => {
      if (ended) return;
      ended = true;
      onExit(why);
    };
    const stderr: string[] = [];
    createInterface({ input: child.stdout }).on("line", onLine);
    child.stderr.on("data", (b: Buffer) => stderr.push(b.toString("utf8")));
    child.on("error", (e) => end(e.message));
    child.on("close", (code, signal) =>
      end(
        `exited ${signal ?? code ?? "?"}${stderr.length ? `: ${stderr.join("").trim().slice(0, 200)}` : ""}`,
      ),
    );
    return { kill: () => void child.kill("SIGKILL") };
  };
}

/** What the watch needs from the agent. */
export interface TableWatchDeps {
  readonly clock: Clock;
  /** Starts the monitor process; undefined: the periodic check only. */
  readonly spawn?: SpawnMonitor;
  /** Milliseconds between existence checks (0: none). */
  readonly pollMs: number;
  /** Checks that the tables exist and restores them (the agent runs it serially with syncs). */
  check(trigger: "monitor" | "poll"): Promise<void>;
  /** A chain of ours was deleted: compare the tables with the applied state soon. */
  chainsDeleted(): void;
  /** The monitor ended; it is restarted after `retryInMs`. */
  monitorEnded(why: string, retryInMs: number): void;
}

/** Coalescing window for chain deletions (one sync may delete many chains). */
const CHAIN_QUIET_MS = 1000;

/** The monitor and the periodic check; `stop` kills the monitor and cancels every timer. */
export class TableWatch {
  private monitor: MonitorProcess | undefined;
  private failures = 0;
  private stopped = false;
  private readonly timers = new Set<TimerHandle>();
  private chainTimer: TimerHandle | undefined;

  constructor(private readonly deps: TableWatchDeps) {}

  /** Starts the monitor (if any) and the periodic check. */
  start(): void {
    this.startMonitor();
    this.schedulePoll();
  }

  /** Kills the monitor and stops checking. */
  stop(): void {
    this.stopped = true;
    this.monitor?.kill();
    this.monitor = undefined;
    for (const t of this.timers) this.deps.clock.clearTimeout(t);
    this.timers.clear();
    if (this.chainTimer) this.deps.clock.clearTimeout(this.chainTimer);
  }

  private later(fn: () => void, ms: number): TimerHandle {
    const t = this.deps.clock.setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  private startMonitor(): void {
    const spawnMonitor = this.deps.spawn;
    if (!spawnMonitor || this.stopped) return;
    const proc = spawnMonitor(
      (line) => this.onLine(line),
      (why) => {
        if (this.monitor !== proc || this.stopped) return;
        this.monitor = undefined;
        this.failures++;
        const retry = Math.min(30_000, 1000 * 2 ** Math.min(this.failures - 1, 5));
        this.deps.monitorEnded(why, retry);
        this.later(() => this.startMonitor(), retry);
      },
    );
    this.monitor = proc;
    // Whatever happened while no monitor ran is not reported by the new one: look once.
    if (this.failures > 0) void this.deps.check("monitor");
  }

  private onLine(line: string): void {
    if (this.stopped) return;
    this.failures = 0;
    const ev = monitorEvent(line);
    if (ev?.kind === "table-deleted") void this.deps.check("monitor");
    else if (ev?.kind === "chain-deleted" && !this.chainTimer)
      this.chainTimer = this.deps.clock.setTimeout(() => {
        this.chainTimer = undefined;
        if (!this.stopped) this.deps.chainsDeleted();
      }, CHAIN_QUIET_MS);
  }

  private schedulePoll(): void {
    if (this.deps.pollMs <= 0 || this.stopped) return;
    this.later(() => {
      void this.deps.check("poll").finally(() => this.schedulePoll());
    }, this.deps.pollMs);
  }
}
