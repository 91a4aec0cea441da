/**
 * What a CLI command may touch, injected so commands run in tests without a process.
 */
import type { InputFs } from "../load/sources.js";

/** The edges a command uses. */
export interface CliIo {
  readonly fs: InputFs;
  /** Writes to stdout (results only). */
  out(text: string): void;
  /**
   * Writes UTF-8 bytes to stdout (results only): streamed json at hundreds of MB/s, with no string
   * to build and re-encode. The io may hold on to `bytes` until the next `flush()` resolves (the
   * caller may then fill it again). Absent in tests: writers fall back to `out`.
   */
  outBytes?(bytes: Uint8Array): void;
  /** Writes to stderr (issues, warnings, progress). */
  err(text: string): void;
  /** True when stdout is a terminal (chooses the default output format and colours). */
  readonly stdoutIsTTY: boolean;
  /** True when stderr is a terminal: only then is progress shown on long runs. */
  readonly stderrIsTTY?: boolean;
  /**
   * Resolves when stdout has taken what `out` was given (backpressure): streaming writers await it
   * every few chunks so a 2 GB result never sits in memory. Absent in tests (nothing to wait for).
   */
  flush?(): Promise<void>;
}

/** Exit status of a command: 0 success, 1 input errors or a failed check, 2 usage or I/O problems. */
export type ExitCode = 0 | 1 | 2;

/** A usage error: reported on stderr with exit status 2. */
export class UsageError extends Error {}
