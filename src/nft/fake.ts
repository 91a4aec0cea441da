/**
 * A checking fake of the kernel's nftables, as knftables' `Fake` is for kube-proxy: it holds the
 * model of the tables (state.ts), applies each transaction to it with nft's reference and type rules
 * (apply.ts), all or nothing, and fails where `nft -f` would — a jump to a missing chain, deleting a
 * chain something still jumps to, an element of the wrong type, a duplicate map key, a missing set.
 * Listings return the model itself, as the exec backend returns the kernel's listing read into it.
 */
import { compareStrings } from "../base/compare.js";
import { applyCommands, type NftError } from "./apply.js";
import type { NftBackend, NftResult, TableLister } from "./backend.js";
import type { CounterValue } from "./json.js";
import type { TableRef } from "./model.js";
import { EMPTY_STATE, type NftState, type TableState, tableKey } from "./state.js";
import type { Transaction } from "./transaction.js";

/** An in-memory nftables that refuses what nft refuses. */
export class FakeNft implements NftBackend, TableLister {
  /** When set, the next apply fails with this message and changes nothing. */
  failNext: string | undefined;
  /** Values `listCounters` reports, by `family table` then counter name (others read 0). */
  readonly counterValues = new Map<string, Map<string, CounterValue>>();
  /** The error of the last refused transaction, with the index of the refused command. */
  lastError: NftError | undefined;
  private current: NftState;
  /** The kernel checks jumps after every command in new tables until a transaction commits (apply.ts). */
  private validateEach = false;

  constructor(initial: NftState = EMPTY_STATE) {
    this.current = initial;
  }

  /** The tables as they are now. */
  get state(): NftState {
    return this.current;
  }

  /** Applies the transaction's commands as one atomic `nft -f`. */
  apply(txn: Transaction): Promise<NftResult> {
    if (this.failNext !== undefined) {
      const error = this.failNext;
      this.failNext = undefined;
      return Promise.resolve({ ok: false, error });
    }
    const r = applyCommands(this.current, txn.list, this.validateEach);
    if (!r.ok) {
      this.lastError = r.error;
      if (r.validateEach) this.validateEach = true;
      const { index, kind, message } = r.error;
      return Promise.resolve({ ok: false, error: `command ${index + 1}: ${kind}: ${message}`, kind });
    }
    this.current = r.state;
    if (txn.list.length > 0) this.validateEach = false;
    return Promise.resolve({ ok: true });
  }

  /** The table in the model, or undefined when it does not exist. */
  listTable(table: TableRef): Promise<TableState | undefined> {
    return Promise.resolve(this.current.get(tableKey(table)));
  }

  /** The tables in the model (all of them: the model holds only inet and bridge tables). */
  listTables(): Promise<TableRef[]> {
    return Promise.resolve([...this.current.values()].map(({ family, name }) => ({ family, name })));
  }

  /** The table's named counters with the values set in `counterValues` (0 otherwise). */
  listCounters(table: TableRef): Promise<ReadonlyMap<string, CounterValue> | undefined> {
    const t = this.current.get(tableKey(table));
    if (!t) return Promise.resolve(undefined);
    const values = this.counterValues.get(tableKey(table));
    const out = new Map<string, CounterValue>();
    for (const name of [...t.counters].sort(compareStrings))
      out.set(name, values?.get(name) ?? { packets: 0, bytes: 0 });
    return Promise.resolve(out);
  }
}
