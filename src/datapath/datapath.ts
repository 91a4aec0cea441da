/**
 * Applies a node's desired tables to the kernel. The first sync, and any sync after a failure or
 * detected drift, replaces both tables in one atomic transaction; later syncs send only the
 * difference from the state last applied (kept in memory, never read back per sync). A failed
 * transaction changes nothing in the kernel — the previous rules stay in force — and the next sync
 * does a full replace.
 */
import type { NftBackend } from "../nft/backend.js";
import { OWNED_TABLES, type TableSpec, tableText } from "../nft/model.js";
import { Transaction } from "../nft/transaction.js";
import type { NodeRuleset } from "../render/ruleset.js";
import { diffTable } from "./diff.js";
import { summarizeListing, summarizeSpec } from "./drift.js";

/** What a sync did. */
export type SyncResult =
  | { readonly kind: "unchanged" }
  | { readonly kind: "full" | "incremental"; readonly commands: number; readonly scriptBytes: number }
  | { readonly kind: "failed"; readonly error: string; readonly attempted: "full" | "incremental" };

/** The datapath of one node (or one lab node). */
export class Datapath {
  private applied: NodeRuleset | undefined;

  constructor(private readonly backend: NftBackend) {}

  /** True once a sync has succeeded and no failure happened since. */
  get inSync(): boolean {
    return this.applied !== undefined;
  }

  /** Brings the kernel to `desired`. */
  async sync(desired: NodeRuleset): Promise<SyncResult> {
    const txn = new Transaction();
    let attempted: "full" | "incremental" = "incremental";
    const tables: Array<[TableSpec | undefined, TableSpec]> = [
      [this.applied?.inet, desired.inet],
      [this.applied?.bridge, desired.bridge],
    ];
    const diffs = tables.map(([old, next]) => (old ? diffTable(old, next) : "replace"));
    if (diffs.includes("replace")) {
      attempted = "full";
      txn.replaceTable(desired.inet).replaceTable(desired.bridge);
    } else {
      for (const d of diffs) if (d !== "replace") for (const c of d) txn.add(c);
    }
    if (txn.empty) return { kind: "unchanged" };
    const script = txn.render();
    const r = await this.backend.apply(script);
    if (!r.ok) {
      this.applied = undefined;
      return { kind: "failed", error: r.error, attempted };
    }
    this.applied = desired;
    return { kind: attempted, commands: txn.list.length, scriptBytes: script.length };
  }

  /** Forces the next sync to replace both tables (e.g. after drift was detected elsewhere). */
  invalidate(): void {
    this.applied = undefined;
  }

  /**
   * Compares the kernel's tables with the last applied state (names, rule counts, element counts)
   * and re-applies everything when they differ. Reads the tables: run it on a timer, not per sync.
   */
  async repairDrift(): Promise<{ drifted: boolean; result?: SyncResult; differences: string[] }> {
    const applied = this.applied;
    if (!applied) return { drifted: false, differences: [] };
    const differences: string[] = [];
    for (const spec of [applied.inet, applied.bridge]) {
      const listing = await this.backend.listTable(spec);
      const have = listing === undefined ? undefined : summarizeListing(listing);
      const want = summarizeSpec(spec);
      if (!have) differences.push(`table ${tableText(spec)} is missing`);
      else
        for (const [k, v] of want)
          if (have.get(k) !== v)
            differences.push(`${tableText(spec)} ${k}: want ${v}, have ${have.get(k) ?? "none"}`);
      if (have)
        for (const k of have.keys()) if (!want.has(k)) differences.push(`${tableText(spec)} ${k}: not ours`);
    }
    if (differences.length === 0) return { drifted: false, differences };
    this.applied = undefined;
    return { drifted: true, result: await this.sync(applied), differences };
  }

  /** Removes netguard's tables (only those), whether or not they exist. */
  async cleanup(): Promise<SyncResult> {
    const txn = new Transaction();
    for (const t of OWNED_TABLES)
      txn.add({ op: "add-table", table: t }).add({ op: "delete-table", table: t });
    const script = txn.render();
    const r = await this.backend.apply(script);
    this.applied = undefined;
    return r.ok
      ? { kind: "full", commands: txn.list.length, scriptBytes: script.length }
      : { kind: "failed", error: r.error, attempted: "full" };
  }
}
