/**
 * Applies a node's desired tables to the kernel. The first sync, and any sync after a failure or
 * detected drift, replaces both tables in one atomic transaction; later syncs send only the
 * difference from the state last applied. That state is the nft model (state.ts) of what the kernel
 * holds — the previous state with the transaction applied (apply.ts) — kept in memory, never read
 * back per sync (only when the model refuses what the kernel took: then the listing is the state).
 * A sync that changes rules (not one that only changes elements) is followed by a listing of what it
 * changed, the baseline of rule fingerprints the drift check compares with (rule-baseline.ts). The
 * listing runs after `sync` has returned — the rules are in force once nft took them, and on a large
 * table nft 1.0.6 reads every set element to list even one chain — and the next sync, drift check or
 * cleanup waits for it first, so nft calls stay one at a time and the baseline is the state the
 * sync left.
 * A failed transaction changes nothing in the kernel — the previous rules stay in force — and the
 * next sync does a full replace.
 */
import { applyCommands } from "../nft/apply.js";
import { type ListFailed, listFailed, type NftBackend } from "../nft/backend.js";
import { diffTable } from "../nft/diff.js";
import { OWNED_TABLES, type TableSpec } from "../nft/model.js";
import { EMPTY_STATE, type NftState, type TableState, tableKey } from "../nft/state.js";
import { Transaction } from "../nft/transaction.js";
import type { NodeRuleset } from "../render/ruleset.js";
import { compareTables } from "./drift.js";
import { RuleBaseline } from "./rule-baseline.js";

/** What a sync did. */
export type SyncResult =
  | { readonly kind: "unchanged" }
  | {
      readonly kind: "full" | "incremental";
      readonly commands: number;
      readonly scriptBytes: number;
      /**
       * Set when the kernel took the transaction but the model (apply.ts) refused it: nft's rule
       * that the model lacks. The applied state is then the kernel's listing. Log it as an error.
       */
      readonly modelRefused?: string;
    }
  | { readonly kind: "failed"; readonly error: string; readonly attempted: "full" | "incremental" };

/** The datapath of one node (or one lab node). */
export class Datapath {
  /** The model of the kernel's tables after the last successful apply; undefined when unknown. */
  private applied: NftState | undefined;
  /** The ruleset last applied, re-applied whole when drift is found. */
  private desired: NodeRuleset | undefined;

  /** The kernel's listing right after the last sync that changed rules: drift.ts's rule fingerprints. */
  private readonly baseline: RuleBaseline;
  /** The baseline listing of the last sync, still running or done. */
  private capture: Promise<void> = Promise.resolve();

  constructor(private readonly backend: NftBackend) {
    this.baseline = new RuleBaseline(backend, OWNED_TABLES);
  }

  /** True once a sync has succeeded and no failure happened since. */
  get inSync(): boolean {
    return this.applied !== undefined;
  }

  /** The model of what the kernel holds after the last successful sync (undefined when unknown). */
  get state(): NftState | undefined {
    return this.applied;
  }

  /** Resolves once the baseline listing of the last sync is done (it never rejects). */
  settled(): Promise<void> {
    return this.capture;
  }

  /** Brings the kernel to `desired`. */
  async sync(desired: NodeRuleset): Promise<SyncResult> {
    await this.capture;
    const previous = this.applied;
    const specs = [desired.inet, desired.bridge];
    const diffs = specs.map((spec) => {
      const old = previous?.get(tableKey(spec));
      return old ? diffTable(old, spec) : "replace";
    });
    const txn = new Transaction();
    const attempted: "full" | "incremental" = diffs.includes("replace") ? "full" : "incremental";
    if (attempted === "full") txn.replaceTable(desired.inet).replaceTable(desired.bridge);
    else for (const d of diffs) if (d !== "replace") for (const c of d) txn.add(c);
    if (txn.empty) return { kind: "unchanged" };
    const r = await this.backend.apply(txn);
    if (!r.ok) {
      this.applied = undefined;
      return { kind: "failed", error: r.error, attempted };
    }
    // A full replace defines both tables afresh, whatever the kernel held before.
    const next = applyCommands(attempted === "full" ? EMPTY_STATE : (previous ?? EMPTY_STATE), txn.list);
    this.desired = desired;
    this.capture = this.baseline.afterApply(txn.list).catch(() => this.baseline.clear());
    const done = { kind: attempted, commands: txn.list.length, scriptBytes: scriptBytes(txn) };
    if (next.ok) {
      this.applied = next.state;
      return done;
    }
    // The kernel took what the model refuses (a rule of nft's it does not know): what the kernel
    // holds is read back, so drift checks, restores and incremental syncs keep working.
    await this.capture;
    this.applied = await this.listed();
    const { index, kind, message } = next.error;
    return { ...done, modelRefused: `command ${index + 1}: ${kind}: ${message}` };
  }

  /** Both tables as the kernel lists them; undefined when a listing is unreadable or failed. */
  private async listed(): Promise<NftState | undefined> {
    const out = new Map<string, TableState>();
    for (const t of OWNED_TABLES) {
      const have = await this.backend.listTable(t);
      if (have === "unreadable" || listFailed(have)) return undefined;
      if (have) out.set(tableKey(have), have);
    }
    return out;
  }

  /** Forces the next sync to replace both tables (e.g. after drift was detected elsewhere). */
  invalidate(): void {
    this.applied = undefined;
  }

  /**
   * Compares the kernel's tables with the model of what was applied (drift.ts) and re-applies
   * everything when they differ. Reads the tables: run it on a timer, not per sync. When nft gives
   * no listing (killed, timed out), nothing is known: the check is skipped, `failed` says why.
   */
  async repairDrift(): Promise<{
    drifted: boolean;
    result?: SyncResult;
    differences: string[];
    failed?: string;
  }> {
    await this.capture;
    const applied = this.applied;
    const desired = this.desired;
    if (!applied || !desired) return { drifted: false, differences: [] };
    const differences: string[] = [];
    for (const spec of [desired.inet, desired.bridge]) {
      const d = await this.driftOf(applied, spec);
      if (listFailed(d)) return { drifted: false, differences: [], failed: d.failed };
      differences.push(...d);
    }
    if (differences.length === 0) return { drifted: false, differences };
    this.applied = undefined;
    return { drifted: true, result: await this.sync(desired), differences };
  }

  private async driftOf(applied: NftState, spec: TableSpec): Promise<string[] | ListFailed> {
    const want = applied.get(tableKey(spec));
    const have = await this.backend.listTable(spec);
    if (listFailed(have)) return have;
    if (want === undefined) return [`table ${tableKey(spec)}: not in the applied state`];
    if (have === "unreadable") return [`table ${tableKey(spec)}: listing unreadable`];
    return compareTables(want, have, have && this.baseline.against(have));
  }

  /** Removes netguard's tables (only those), whether or not they exist. */
  async cleanup(): Promise<SyncResult> {
    await this.capture;
    const txn = new Transaction();
    for (const t of OWNED_TABLES)
      txn.add({ op: "add-table", table: t }).add({ op: "delete-table", table: t });
    const r = await this.backend.apply(txn);
    this.applied = undefined;
    this.desired = undefined;
    this.baseline.clear();
    return r.ok
      ? { kind: "full", commands: txn.list.length, scriptBytes: scriptBytes(txn) }
      : { kind: "failed", error: r.error, attempted: "full" };
  }
}

/** The script's size in bytes as nft reads it (UTF-8), not in UTF-16 units. */
function scriptBytes(txn: Transaction): number {
  return Buffer.byteLength(txn.render(), "utf8");
}
