/**
 * Where transactions go: the real `nft` (optionally inside a network namespace, so the same code
 * programs a lab node), or a fake that records scripts for tests.
 */
import { type Exec, inNetns } from "../sys/exec.js";
import { type TableRef, tableText } from "./model.js";

/** Success, or the error nft printed. */
export type NftResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** Applies scripts and reads back netguard's own tables. */
export interface NftBackend {
  /** Applies a script as one atomic transaction (`nft -f -`). */
  apply(script: string): Promise<NftResult>;
  /** `nft -j list table <t>`: the table as JSON text, or undefined when it does not exist. */
  listTable(table: TableRef): Promise<string | undefined>;
  /**
   * `nft -j list counters table <t>`: only the table's named counters with their values (cheap
   * next to listing the whole table), or undefined when the table does not exist.
   */
  listCounters(table: TableRef): Promise<string | undefined>;
}

/** Options of the exec backend. */
export interface ExecBackendOptions {
  /** Run inside this network namespace (`ip netns exec`). */
  readonly netns?: string;
  readonly nft?: string;
  readonly timeoutMs?: number;
}

/** The real nft, through an injected Exec. */
export function execBackend(exec: Exec, opts: ExecBackendOptions = {}): NftBackend {
  const run = inNetns(exec, opts.netns);
  const nft = opts.nft ?? "nft";
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return {
    async apply(script) {
      const r = await run(nft, ["-f", "-"], { input: script, timeoutMs });
      return r.code === 0
        ? { ok: true }
        : { ok: false, error: (r.stderr || r.stdout || `nft exited ${r.code}`).trim() };
    },
    async listTable(table) {
      const r = await run(nft, ["-j", "list", "table", ...tableText(table).split(" ")], { timeoutMs });
      return r.code === 0 ? r.stdout : undefined;
    },
    async listCounters(table) {
      const r = await run(nft, ["-j", "list", "counters", "table", ...tableText(table).split(" ")], {
        timeoutMs,
      });
      return r.code === 0 ? r.stdout : undefined;
    },
  };
}

/** A backend that records every script; `failNext` makes the next apply fail with that message. */
export class FakeBackend implements NftBackend {
  readonly scripts: string[] = [];
  failNext: string | undefined;
  tables = new Map<string, string>();

  async apply(script: string): Promise<NftResult> {
    if (this.failNext !== undefined) {
      const error = this.failNext;
      this.failNext = undefined;
      return { ok: false, error };
    }
    this.scripts.push(script);
    return { ok: true };
  }

  async listTable(table: TableRef): Promise<string | undefined> {
    return this.tables.get(tableText(table));
  }

  /** The same listing as listTable: nft's counter listing is a subset of it, read the same way. */
  async listCounters(table: TableRef): Promise<string | undefined> {
    return this.tables.get(tableText(table));
  }
}
