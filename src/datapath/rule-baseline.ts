/**
 * The baseline of rule fingerprints the drift check compares the kernel's rules with (drift.ts):
 * netguard's tables as the kernel listed them right after a sync that changed rules. Our rule text
 * and the kernel's expressions cannot be compared directly, but two listings of an untouched rule
 * give the same fingerprint, so an edit inside a rule (`nft replace rule …`) is seen.
 *
 * Only a transaction that can change a rule costs listings; syncs that only add or delete set and
 * map elements (pod churn) cost none. A few changed chains (a policy edited, a pod's chain added)
 * are listed one by one (`nft -j list chain`: ~35 ms each at 10,000 pods); a full replace or
 * many changed chains list both tables without their set elements (`nft -t`: ~120 ms there, ~200
 * with the elements). When a listing fails, the next drift check's own listing of that table
 * becomes the baseline.
 */
import { listFailed, type NftBackend } from "../nft/backend.js";
import type { TableRef } from "../nft/model.js";
import { type TableState, tableKey } from "../nft/state.js";
import type { Command } from "../nft/transaction.js";

/** Up to this many changed chains are listed one by one; more, and the tables are listed. */
export const CHAINS_LISTED_ONE_BY_ONE = 6;

/** What a transaction changes of the rules: nothing, some chains (by table key), or everything. */
export type RuleChanges = "none" | "tables" | ReadonlyMap<string, ReadonlySet<string>>;

/** Which chains' rules a transaction can change (element changes change none). */
export function ruleChanges(commands: readonly Command[]): RuleChanges {
  const chains = new Map<string, Set<string>>();
  const touch = (table: TableRef, chain: string) => {
    const key = tableKey(table);
    chains.set(key, (chains.get(key) ?? new Set()).add(chain));
  };
  for (const c of commands) {
    if (c.op === "add-table" || c.op === "delete-table") return "tables";
    if (c.op === "add-rule") touch(c.table, c.chain);
    else if (c.op === "add-chain") touch(c.table, c.chain.name);
    else if (c.op === "flush-chain" || c.op === "delete-chain") touch(c.table, c.name);
  }
  return chains.size === 0 ? "none" : chains;
}

/** netguard's tables as listed right after its last rule change, by table key. */
export class RuleBaseline {
  private readonly tables = new Map<string, TableState>();

  constructor(
    private readonly backend: Pick<NftBackend, "listTable" | "listRules" | "listChain">,
    private readonly owned: readonly TableRef[],
  ) {}

  /** After a successful apply: lists what the transaction changed of the rules, at once. */
  async afterApply(commands: readonly Command[]): Promise<void> {
    const changes = ruleChanges(commands);
    if (changes === "none") return;
    if (changes !== "tables" && (await this.relistChains(changes))) return;
    this.tables.clear();
    const list = this.backend.listRules?.bind(this.backend) ?? this.backend.listTable.bind(this.backend);
    for (const t of this.owned) {
      const listed = await list(t);
      if (listed !== undefined && listed !== "unreadable" && !listFailed(listed))
        this.tables.set(tableKey(t), listed);
    }
  }

  /**
   * Lists each changed chain into the baseline; false (nothing changed) when that is not possible
   * or not cheaper: no chain listing, too many chains, a table without a baseline.
   */
  private async relistChains(changes: ReadonlyMap<string, ReadonlySet<string>>): Promise<boolean> {
    const listChain = this.backend.listChain?.bind(this.backend);
    const count = [...changes.values()].reduce((n, s) => n + s.size, 0);
    if (listChain === undefined || count > CHAINS_LISTED_ONE_BY_ONE) return false;
    const next = new Map<string, TableState>();
    for (const [key, names] of changes) {
      const table = this.tables.get(key);
      if (table === undefined) return false;
      const chains = new Map(table.chains);
      for (const name of names) {
        const chain = await listChain(table, name);
        if (chain === "unreadable" || listFailed(chain)) return false;
        if (chain === undefined) chains.delete(name);
        else chains.set(name, chain);
      }
      next.set(key, { ...table, chains });
    }
    for (const [key, table] of next) this.tables.set(key, table);
    return true;
  }

  /**
   * The baseline to compare the kernel's listing `have` with; when there is none (a listing
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
