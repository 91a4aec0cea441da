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
    readFile(path) {
      const text = files[path];
      if (text === undefined) return Promise.reject(new Error(`ENOENT: ${path}`));
      return Promise.resolve(text);
    },
    kind(path) {
      if (files[path] !== undefined) return Promise.resolve("file");
      const prefix = `${path.replace(/\/+$/, "")}/`;
      return Promise.resolve(Object.keys(files).some((f) => f.startsWith(prefix)) ? "dir" : undefined);
    },
    list(path) {
      const prefix = `${path.replace(/\/+$/, "")}/`;
      const names = Object.keys(files)
        .filter((f) => f.startsWith(prefix))
        .map((f) => f.slice(prefix.length).split("/")[0] as string);
      return Promise.resolve([...new Set(names)]);
    },
    readStdin() {
      return Promise.resolve(opts.stdin ?? "");
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
