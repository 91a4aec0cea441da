/**
 * Watching the node's CNI configuration directory, so that netguard is chained again as soon as
 * Flannel rewrites its conflist (its install step does so whenever a Flannel pod starts) instead of
 * at the next drift check. The watch is a shortcut, not the guarantee: the drift timer still
 * checks (and re-arms the watch if the directory was replaced or has appeared), and until then pods
 * created without netguard are unprogrammed addresses, which the datapath drops.
 */
import { watch } from "node:fs";
import { stat } from "node:fs/promises";
import type { Clock, TimerHandle } from "./clock.js";

/** Calls `onEvent` with the changed entry's name on any change in `dir`; returns a stop function. */
export type DirWatcher = (
  dir: string,
  onEvent: (name: string | null) => void,
  onError: (e: Error) => void,
) => () => void;

/** `node:fs` watch (inotify on Linux); a directory that cannot be watched is reported, not fatal. */
export const nodeDirWatcher: DirWatcher = (dir, onEvent, onError) => {
  try {
    const w = watch(dir, { persistent: false }, (_event, name) => onEvent(name));
    w.on("error", onError);
    return () => w.close();
  } catch (e) {
    onError(e as Error);
    return () => undefined;
  }
};

/** Which directory is at a path now (an identity that changes when it is replaced), or undefined. */
export type DirIdentity = (path: string) => Promise<string | undefined>;

/** Device and inode through node:fs; undefined when there is no directory. */
export const nodeDirIdentity: DirIdentity = async (path) => {
  try {
    const s = await stat(path);
    return s.isDirectory() ? `${s.dev}:${s.ino}` : undefined;
  } catch {
    return undefined;
  }
};

/** The suffix of the temporary files netguard writes before renaming (see cni/install.ts). */
const OWN_TEMP_SUFFIX = ".netguard-tmp";

/** How the watch is set up; all injected so tests can drive it. */
export interface ConfWatchOptions {
  readonly watcher: DirWatcher;
  readonly identity: DirIdentity;
  readonly clock: Clock;
  /** Quiet time after the last event of a burst (a rewrite is a create, a write and a rename). */
  readonly quietMs: number;
  /** At most this long after the first event of a burst, however busy the directory. */
  readonly maxWaitMs: number;
  readonly onError: (e: Error) => void;
}

/** A debounced watch of one directory that follows the directory when it is replaced. */
export class ConfDirWatch {
  private stopWatch: (() => void) | undefined;
  private watching: string | undefined;
  private timer: TimerHandle | undefined;
  private burstStart: number | undefined;
  private stopped = false;

  constructor(
    private readonly dir: string,
    private readonly then: () => void,
    private readonly opts: ConfWatchOptions,
  ) {}

  /**
   * (Re-)arms the watch when the directory has appeared or been replaced since the last call. Calls
   * must not overlap (the agent makes them serially).
   */
  async ensure(): Promise<void> {
    if (this.stopped) return;
    const id = await this.opts.identity(this.dir);
    if (this.stopped || id === this.watching) return;
    this.stopWatch?.();
    this.stopWatch = undefined;
    this.watching = id;
    if (id !== undefined)
      this.stopWatch = this.opts.watcher(this.dir, (n) => this.event(n), this.opts.onError);
  }

  /** Stops watching and drops a pending call. */
  stop(): void {
    this.stopped = true;
    this.stopWatch?.();
    if (this.timer) this.opts.clock.clearTimeout(this.timer);
  }

  private event(name: string | null): void {
    // netguard's own temporary file: reacting to it would loop if writing keeps failing (disk full)
    if (this.stopped || name?.endsWith(OWN_TEMP_SUFFIX)) return;
    const { clock, quietMs, maxWaitMs } = this.opts;
    this.burstStart ??= clock.now();
    if (this.timer) clock.clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(quietMs, this.burstStart + maxWaitMs - clock.now()));
    this.timer = clock.setTimeout(() => {
      this.timer = undefined;
      this.burstStart = undefined;
      this.then();
    }, wait);
  }
}
