/**
 * The real file system behind `InputFs`, for the CLI entry point.
 */
import { constants } from "node:fs";
import { open, readdir, realpath, stat } from "node:fs/promises";
import type { InputFs } from "./sources.js";

/** `InputFs` backed by node:fs and the process's stdin. */
export const nodeInputFs: InputFs = {
  readFile: readRegularFile,
  async kind(path) {
    let st;
    try {
      st = await stat(path);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (code === "ENOENT" || code === "ENOTDIR") return undefined;
      throw e; // ELOOP, EACCES, …: reported as unreadable by the caller
    }
    return st.isDirectory() ? "dir" : st.isFile() ? "file" : "other";
  },
  list: (path) => readdir(path),
  realPath: (path) => realpath(path),
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
};

/**
 * Reads a regular file. `kind` already keeps FIFOs and devices away from here; should the path be
 * replaced by one in between, O_NONBLOCK makes the open return at once (a FIFO's open for reading
 * otherwise waits for a writer) and the check on the open descriptor refuses it unread.
 */
async function readRegularFile(path: string): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw new Error("not a regular file");
    return await handle.readFile("utf8");
  } finally {
    await handle.close();
  }
}
