/**
 * Where transactions go: the real `nft` (optionally inside a network namespace, so the same code
 * programs a lab node), or the checking fake (fake.ts) that applies them to the nft model.
 */
import { type Exec, type ExecResult, inNetns } from "../sys/exec.js";
import type { NftErrorKind } from "./apply.js";
import { type CounterValue, parseChain, parseCounters, parseListing, parseTables } from "./json.js";
import { classifyNftError } from "./nft-errors.js";
import type { TableRef } from "./model.js";
import { type ChainState, type TableState, tableKey } from "./state.js";
import type { Transaction } from "./transaction.js";

/** Success, or the error nft printed (and its kind, as the checking fake reports it). */
export type NftResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly error: string;
      /** What kind of refusal it was (nft-errors.ts), when nft's message is one the model knows. */
      readonly kind?: NftErrorKind;
    };

/** A listing nft could not produce (a timeout, nft killed, a namespace gone), with nft's message. */
export interface ListFailed {
  readonly failed: string;
}

/** Whether a listing result is a failure to run nft (not a listing that could not be read). */
export function listFailed(r: unknown): r is ListFailed {
  return typeof r === "object" && r !== null && typeof (r as Partial<ListFailed>).failed === "string";
}

/** Applies transactions and reads back netguard's own tables. */
export interface NftBackend {
  /** Applies a transaction atomically: the exec backend runs `txn.render()` through `nft -f -`. */
  apply(txn: Transaction): Promise<NftResult>;
  /**
   * `nft -j list table <t>` read into the model (json.ts): undefined when the table does not exist,
   * "unreadable" when the listing holds something netguard does not create or cannot read, and
   * `{ failed }` when nft gave no listing (it failed, timed out or was killed): that says nothing
   * about the table, try again later.
   */
  listTable(table: TableRef): Promise<TableState | undefined | "unreadable" | ListFailed>;
  /**
   * `nft -t -j list table <t>` (terse) read into the model: the table without the elements of its
   * sets and maps, for a reader that needs its rules (half the time of `listTable` at 10,000
   * pods). Optional: without it, callers list the table.
   */
  listRules?(table: TableRef): Promise<TableState | undefined | "unreadable" | ListFailed>;
  /**
   * `nft -j list chain <t> <chain>` read into the model: one chain's rules, without listing the
   * table's set elements (tens of milliseconds where a table of 10,000 pods takes hundreds).
   * Undefined when the chain does not exist. Optional: without it, callers list the table.
   */
  listChain?(table: TableRef, chain: string): Promise<ChainState | undefined | "unreadable" | ListFailed>;
  /**
   * `nft -j list counters table <t>`: the table's named counters with their values (cheap next to
   * listing the whole table), or undefined when the table does not exist or cannot be read.
   */
  listCounters(table: TableRef): Promise<ReadonlyMap<string, CounterValue> | undefined>;
}

/**
 * Lists which tables exist (the agent's check that its tables are still there). Kept apart from
 * NftBackend for now so the backends written against it need not change at once.
 */
export interface TableLister {
  /**
   * `nft -j list tables`: the inet and bridge tables of the ruleset (anyone's, not only netguard's),
   * or "failed" when nft fails or prints something else.
   */
  listTables(): Promise<TableRef[] | "failed">;
}

/** Options of the exec backend. */
export interface ExecBackendOptions {
  /** Run inside this network namespace (`ip netns exec`). */
  readonly netns?: string;
  readonly nft?: string;
  readonly timeoutMs?: number;
}

/** The exec backend: every listing, the optional ones included. */
export type ExecNftBackend = Required<NftBackend> & TableLister;

/** The real nft, through an injected Exec. */
export function execBackend(exec: Exec, opts: ExecBackendOptions = {}): ExecNftBackend {
  const run = inNetns(exec, opts.netns);
  const nft = opts.nft ?? "nft";
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return {
    async apply(txn) {
      const r = await run(nft, ["-f", "-"], { input: txn.render(), timeoutMs });
      if (r.code === 0) return { ok: true };
      const error = (r.stderr || r.stdout || `nft exited ${r.code}`).trim();
      const kind = classifyNftError(r.stderr);
      return kind === undefined ? { ok: false, error } : { ok: false, error, kind };
    },
    async listTable(table) {
      const r = await run(nft, ["-j", "list", "table", table.family, table.name], { timeoutMs });
      if (r.code === 0) return tableOfListing(r.stdout, table);
      return /No such file or directory/.test(r.stderr) ? undefined : failure(r);
    },
    async listRules(table) {
      const r = await run(nft, ["-t", "-j", "list", "table", table.family, table.name], { timeoutMs });
      if (r.code === 0) return tableOfListing(r.stdout, table);
      return /No such file or directory/.test(r.stderr) ? undefined : failure(r);
    },
    async listChain(table, chain) {
      const args = ["-j", "list", "chain", table.family, table.name, chain];
      const r = await run(nft, args, { timeoutMs });
      if (r.code !== 0) return /No such file or directory/.test(r.stderr) ? undefined : failure(r);
      return parseChain(r.stdout, table, chain) ?? "unreadable";
    },
    async listTables() {
      const r = await run(nft, ["-j", "list", "tables"], { timeoutMs });
      const tables = r.code === 0 ? parseTables(r.stdout) : "unreadable";
      return tables === "unreadable" ? "failed" : tables;
    },
    async listCounters(table) {
      const r = await run(nft, ["-j", "list", "counters", "table", table.family, table.name], { timeoutMs });
      return r.code === 0 ? countersOfListing(r.stdout, table) : undefined;
    },
  };
}

/** What nft said when it gave no listing. */
function failure(r: ExecResult): ListFailed {
  return { failed: (r.stderr || r.stdout || `nft exited ${r.code}`).trim() };
}

/** One table of an `nft -j list table` listing; "unreadable" when the listing does not hold it. */
function tableOfListing(text: string, table: TableRef): TableState | "unreadable" {
  const state = parseListing(text);
  return state === "unreadable" ? state : (state.get(tableKey(table)) ?? "unreadable");
}

/** One table's counters of an `nft -j list counters` listing (none listed: the table has none). */
function countersOfListing(text: string, table: TableRef): ReadonlyMap<string, CounterValue> | undefined {
  const values = parseCounters(text);
  return values === "unreadable" ? undefined : (values.get(tableKey(table)) ?? new Map());
}
