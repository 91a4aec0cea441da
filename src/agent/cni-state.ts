/**
 * The CNI registrations on disk (under /run: they describe sandboxes of this boot): the format, its
 * decoding (every entry checked like a socket request; malformed ones are skipped) and the file,
 * written atomically through a small interface tests replace.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { CniAddRequest } from "../cni/protocol.js";
import { decodeAddRequest } from "./cni-fields.js";

/** One sandbox as CNI ADD reported it (the request's fields), with when it arrived. */
export interface CniPod extends CniAddRequest {
  /** Arrival order of the ADD among all ADDs this node's agent received (larger: newer). */
  readonly seq: number;
  /** When the ADD was registered (ms since the epoch); GC and prune spare recent ones. */
  readonly at?: number;
}

/** The state file's content (version 2; version 1 was a bare array of registrations). */
export interface CniState {
  readonly version: 2;
  /** The last sequence number handed out: a restarted agent continues after it. */
  readonly seq: number;
  readonly pods: readonly CniPod[];
}

/**
 * Decodes the state file. A version-1 array is numbered in file order; of several registrations of
 * one pod only the newest is kept.
 */
export function parseCniState(value: unknown): CniState {
  const legacy = Array.isArray(value);
  const o = !legacy && typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  const entries: unknown[] = legacy
    ? (value as unknown[])
    : Array.isArray(o.pods)
      ? (o.pods as unknown[])
      : [];
  let seq = typeof o.seq === "number" && Number.isSafeInteger(o.seq) && o.seq > 0 ? o.seq : 0;
  const byRef = new Map<string, CniPod>();
  for (const [i, e] of entries.entries()) {
    const d = decodeAddRequest(e);
    if (!d.ok) continue;
    const r = e as Record<string, unknown>;
    const n = legacy ? i + 1 : r.seq;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n <= 0) continue;
    const at = typeof r.at === "number" && Number.isFinite(r.at) ? { at: r.at } : {};
    const pod: CniPod = { ...d.value, ips: [...d.value.ips], seq: n, ...at };
    const ref = `${pod.namespace}/${pod.name}`;
    if ((byRef.get(ref)?.seq ?? 0) < n) byRef.set(ref, pod);
    seq = Math.max(seq, n);
  }
  return { version: 2, seq, pods: [...byRef.values()] };
}

/** Where the registrations are kept (asynchronous: the agent's event loop never waits on a disk). */
export interface CniStateFile {
  /** The file's text; undefined when there is none. Rejects on other errors. */
  read(): Promise<string | undefined>;
  /** Replaces the file's content atomically. Rejects on errors. */
  write(text: string): Promise<void>;
  /** For logs. */
  readonly path: string;
}

/** The state file at `path` on the node's filesystem (written to `path.tmp`, then renamed). */
export function nodeCniStateFile(path: string): CniStateFile {
  return {
    path,
    async read() {
      try {
        return await readFile(path, "utf8");
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw e;
      }
    },
    async write(text) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(`${path}.tmp`, text, { mode: 0o600 });
      await rename(`${path}.tmp`, path);
    },
  };
}
