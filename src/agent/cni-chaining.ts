/**
 * Keeping netguard in the node's CNI chain: Flannel rewrites its conflist when its pod restarts,
 * dropping netguard; the directory is watched (inotify, with a quiet period) and checked again on
 * every drift check, and netguard is put back last in the chain.
 */
import type { Logger } from "pino";
import { DEFAULT_CNI_ENTRY, ensureChained, type InstallFs } from "../cni/install.js";
import type { Clock } from "./clock.js";
import { ConfDirWatch, type DirIdentity, type DirWatcher } from "./conf-watch.js";

/** Quiet time after the last change in the CNI configuration directory before it is checked. */
const CONF_QUIET_MS = 200;
/** ... and the longest a check waits for a busy directory to be quiet. */
const CONF_MAX_WAIT_MS = 2000;

/** Where the chain lives and how to reach the agent, plus the collaborators. */
export interface CniChainingOptions {
  readonly dir: string;
  /** The agent's socket as written into the chain entry (undefined: the plugin's default). */
  readonly socket: string | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Watches the directory (node: inotify through node:fs). */
  readonly watcher: DirWatcher;
  /** Which directory is at the path now (node: device and inode), to follow a replaced one. */
  readonly identity: DirIdentity;
  /** Reads and rewrites the conflist (node: node:fs, fsync before rename). */
  readonly fs: InstallFs;
  /** Runs a check serially with the agent's other kernel and file work. */
  readonly serial: (fn: () => Promise<void>) => Promise<void>;
}

/** The watch on the CNI configuration directory and the check that re-chains netguard. */
export class CniChaining {
  private watch: ConfDirWatch | undefined;

  constructor(private readonly opts: CniChainingOptions) {}

  /** Starts watching the directory. */
  start(): void {
    const { dir, logger } = this.opts;
    this.watch = new ConfDirWatch(dir, () => void this.opts.serial(() => this.check()), {
      watcher: this.opts.watcher,
      identity: this.opts.identity,
      clock: this.opts.clock,
      quietMs: CONF_QUIET_MS,
      maxWaitMs: CONF_MAX_WAIT_MS,
      onError: (error) =>
        logger.warn(
          { dir, error: error.message },
          "cannot watch the CNI configuration; it is checked on the drift timer only",
        ),
    });
  }

  /** Stops watching. */
  stop(): void {
    this.watch?.stop();
  }

  /** Puts netguard back into the chain if Flannel dropped it (call through `serial`). */
  async check(): Promise<void> {
    const { dir, logger } = this.opts;
    await this.watch?.ensure(); // the directory may have appeared, or been replaced, since
    const entry = { ...DEFAULT_CNI_ENTRY, ...(this.opts.socket ? { agentSocket: this.opts.socket } : {}) };
    const r = await ensureChained(this.opts.fs, dir, entry);
    if (r.kind === "failed") logger.warn({ dir, error: r.error }, "cannot check the CNI configuration");
    else if (r.changed)
      logger.warn(
        { conflist: r.conflist },
        "netguard was missing from the CNI chain (Flannel rewrote it); re-added",
      );
  }
}
