/**
 * The real file system behind `InputFs`, for the CLI entry point.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import type { InputFs } from "./sources.js";

/** `InputFs` backed by node:fs and the process's stdin. */
export const nodeInputFs: InputFs = {
  readFile: (path) => readFile(path, "utf8"),
  async kind(path) {
    try {
      return (await stat(path)).isDirectory() ? "dir" : "file";
    } catch {
      return undefined;
    }
  },
  list: (path) => readdir(path),
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
};
