/**
 * The plugin's log file, bounded: once it would grow past `maxBytes` it is renamed to `<file>.1`
 * (replacing the previous old file) and a new one is started, so at most two files of about
 * `maxBytes` each are kept. Best effort: the runtime reads the result on stdout, never the log.
 */
import { appendFileSync, renameSync, statSync } from "node:fs";

/** The file operations the log needs (node:fs by default; tests use memory). */
export interface LogFs {
  /** Size in bytes, or undefined when the file does not exist. */
  size(file: string): number | undefined;
  rename(from: string, to: string): void;
  append(file: string, text: string): void;
}

/** Default size at which the log is rotated. */
export const MAX_LOG_BYTES = 1024 * 1024;

/** Appends one line to `file`, rotating first when the line would take it past `maxBytes`. */
export function appendLogLine(fs: LogFs, file: string, line: string, maxBytes = MAX_LOG_BYTES): void {
  const text = `${line}\n`;
  const size = fs.size(file);
  if (size !== undefined && size > 0 && size + Buffer.byteLength(text) > maxBytes)
    fs.rename(file, `${file}.1`);
  fs.append(file, text);
}

/** node:fs, the log readable by its owner and group only. */
export const nodeLogFs: LogFs = {
  size(file) {
    try {
      return statSync(file).size;
    } catch {
      return undefined;
    }
  },
  rename: (from, to) => renameSync(from, to),
  append: (file, text) => appendFileSync(file, text, { mode: 0o640 }),
};
