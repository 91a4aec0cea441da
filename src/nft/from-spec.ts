/**
 * The state a set of desired tables means: the result of defining them (`Transaction.defineTable`)
 * in an empty ruleset. The datapath compares what it applied with what it wants in this one model.
 */
import { type ApplyResult, applyCommands } from "./apply.js";
import type { TableSpec } from "./model.js";
import { EMPTY_STATE } from "./state.js";
import { Transaction } from "./transaction.js";

/** The state of `specs` defined in an empty ruleset, or why nft would refuse them. */
export function stateOfSpecs(specs: readonly TableSpec[]): ApplyResult {
  const txn = new Transaction();
  for (const spec of specs) txn.defineTable(spec);
  return applyCommands(EMPTY_STATE, txn.list);
}
