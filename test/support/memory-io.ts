/**
 * An in-memory file system and captured streams for running CLI commands in-process.
 */
import type { CliIo } from "../../src/cli/io.js";
import type { InputFs } from "../../src/load/sources.js";

export interface CapturedIo extends CliIo {
  readonly stdout: () => string;
  readonly stderr: () => string;
}

/** `files` maps paths to contents; directories are implied by path prefixes. */
export function memoryIo(
  files: Record<string, string>,
  opts: { stdin?: string; tty?: boolean } = {},
): CapturedIo {
  let out = "";
  let err = "";
  const fs: InputFs = {
    async readFile(path) {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: ${path}`);
      return text;
    },
    async kind(path) {
      if (files[path] !== undefined) return "file";
      const prefix = `${path.replace(/\/+$/, "")}/`;
      return Object.keys(files).some((f) => f.startsWith(prefix)) ? "dir" : undefined;
    },
    async list(path) {
      const prefix = `${path.replace(/\/+$/, "")}/`;
      const names = Object.keys(files)
        .filter((f) => f.startsWith(prefix))
        .map((f) => f.slice(prefix.length).split("/")[0] as string);
      return [...new Set(names)];
    },
    async readStdin() {
      return opts.stdin ?? "";
    },
  };
  return {
    fs,
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    stdoutIsTTY: opts.tty ?? false,
    stdout: () => out,
    stderr: () => err,
  };
}
