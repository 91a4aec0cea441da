/**
 * Progress of a long run on stderr (`simulate` on thousands of pods): only when stderr is a terminal
 * and not `--quiet`, so it never lands in CI logs or next to json output. Redrawn at most every
 * `intervalMs`, and cleared when done so the terminal is left as it was.
 */
import type { CliIo } from "./io.js";

/** A progress line: `tick` as work completes, `done` at the end (also after a failure). */
export interface Progress {
  tick(n?: number): void;
  done(): void;
}

/** What a progress line counts. */
export interface ProgressOptions {
  /** Units of work in all. */
  readonly total: number;
  /** What is being done, e.g. "simulate: rows". */
  readonly label: string;
  /** `--quiet`: no progress. */
  readonly quiet?: boolean;
  /** Minimum time between redraws (default 200 ms). */
  readonly intervalMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

const NOOP: Progress = { tick: () => undefined, done: () => undefined };

/** A progress line on stderr, or one that does nothing when stderr is not a terminal or quiet. */
export function createProgress(io: CliIo, opts: ProgressOptions): Progress {
  if (!io.stderrIsTTY || opts.quiet || opts.total <= 0) return NOOP;
  const now = opts.now ?? Date.now;
  const interval = opts.intervalMs ?? 200;
  let count = 0;
  let last = now();
  let shown = false;
  return {
    tick(n = 1) {
      count += n;
      const t = now();
      if (t - last < interval) return;
      last = t;
      shown = true;
      const pct = Math.min(100, Math.floor((count / opts.total) * 100));
      io.err(`\r${opts.label}: ${pct}% (${count}/${opts.total})\x1b[K`);
    },
    done() {
      if (shown) io.err("\r\x1b[K");
      shown = false;
    },
  };
}
