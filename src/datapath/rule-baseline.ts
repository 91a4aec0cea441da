/**
 * The baseline of rule fingerprints the drift check compares the kernel's rules with (drift.ts):
 * netguard's tables as the kernel listed them right after a sync that changed rules. Our rule text
 * and the kernel's expressions cannot be compared directly, but two listings of an untouched rule
 * give the same fingerprint, so an edit inside a rule (`nft replace rule …`) is seen.
 *
 * Only a transaction that can change a rule (a full replace, a chain added, flushed or deleted, a
 * rule added) costs a listing; syncs that only add or delete set and map elements (pod churn) do
 * not. When the listing fails, the next drift check's own listing becomes the baseline.
 */
import { listFailed, type NftBackend } from "../nft/backend.js";
import type { TableRef } from "../nft/model.js";
import { type TableState, tableKey } from "../nft/state.js";
import type { Command } from "../nft/transaction.js";

/** Whether a transaction can change the rules of a chain (element changes cannot). */
export function changesRules(commands: readonly Command[]): boolean {
  return commands.some(
    (c) =>
      c.op === "add-rule" ||
      c.op === "add-chain" ||
      c.op === "flush-chain" ||
      c.op === "delete-chain" ||
      c.op === "delete-table",
  );
}

/** netguard's tables as listed right after its last rule change, by table key. */
export class RuleBaseline {
  private readonly tables = new Map<string, TableState>();

  constructor(
    private readonly backend: Pick<NftBackend, "listTable">,
    private readonly owned: readonly TableRef[],
  ) {}

  /** After a successful apply: lists the tables at once when the transaction changed rules. */
  async afterApply(commands: readonly Command[]): Promise<void> {
    if (!changesRules(commands)) return;
    this.tables.clear();
    for (const t of this.owned) {
      const listed = await this.backend.listTable(t);
      if (listed !== undefined && listed !== "unreadable" && !listFailed(listed))
        this.tables.set(tableKey(t), listed);
    }
  }

  /**
   * The baseline to compare the kernel's listing `have` with; when there is none (the capture
   * failed, or after `clear`), `have` becomes it and there is nothing to compare this time.
   */
  against(have: TableState): TableState | undefined {
    const key = tableKey(have);
    const baseline = this.tables.get(key);
    if (baseline === undefined) this.tables.set(key, have);
    return baseline;
  }

  /** Forgets the baseline (the tables were removed). */
  clear(): void {
    this.tables.clear();
  }
}
