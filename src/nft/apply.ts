/**
 * Applies a transaction's commands to the model of the kernel's tables with nft 1.0.6's reference
 * and type rules, all or nothing as `nft -f` applies a script: the input state is never modified,
 * and the first refused command makes the whole transaction fail with the error nft would give.
 * Every rule here was measured with nft 1.0.6 in a throwaway network namespace (see apply.test.ts):
 * - `add` of a table, chain, set (same type and flags) or counter that exists is no error; a set or
 *   map of another type or flags is EEXIST; a base chain with another hook or priority, or over a
 *   regular chain, is EOPNOTSUPP (priorities compare as numbers; another policy changes the policy; a regular chain over a base
 *   chain changes nothing);
 * - a rule naming a missing chain, set, map or counter is ENOENT; a jump to a base chain EOPNOTSUPP;
 *   `vmap @x` on a plain set is "Expression is not a map"; a set, map or value of another type than
 *   its selector, or words outside the renderer's grammar, are refused (rule-types.ts);
 * - jumps may go at most 15 chains deep below a base chain, so a loop a base chain reaches is
 *   refused ("Too many links", EMLINK; loops.ts);
 * - deleting a chain something still jumps to (a rule, its own rules included, or a map element), or
 *   a set, map or counter a rule still names, is EBUSY; deleting or flushing what does not exist is
 *   ENOENT. Elements: apply-elements.ts.
 */
import { assertNever } from "../base/assert-never.js";
import {
  addElements,
  checkDepth,
  checkTarget,
  deleteElements,
  type Failure,
  jumpAdded,
} from "./apply-elements.js";
import { componentTypes } from "./elements.js";
import { type ChainSpec, type MapSpec, priorityNumber, type SetSpec } from "./model.js";
import { ruleFacts, verdictMapsOf } from "./rule-facts.js";
import { checkRuleTypes } from "./rule-types.js";
import type { NftState } from "./state.js";
import { tableKey } from "./state.js";
import { type Command, mapElementTexts } from "./transaction.js";
import { type WorkTable, WorkState } from "./working.js";

/** What nft reports, by errno: ENOENT, EEXIST, EBUSY, EINVAL/EOPNOTSUPP/syntax, datatype mismatch. */
export type NftErrorKind = Failure["kind"];

/** Why a transaction was refused: the index of the first refused command, the kind and nft's words. */
export interface NftError {
  readonly index: number;
  readonly kind: NftErrorKind;
  readonly message: string;
}

/**
 * The state after the transaction, or the error that refused all of it. `validateEach`: the error
 * came from the kernel's check of the committed tables, after which the kernel checks jumps after
 * every command in each table a later transaction creates, until one commits a change (measured: a
 * loop made and unmade in one transaction that also creates its table is then refused too).
 */
export type ApplyResult =
  | { readonly ok: true; readonly state: NftState }
  | { readonly ok: false; readonly error: NftError; readonly validateEach?: true };

/**
 * Applies `commands` to `state` as one atomic nft transaction. `newTablesValidateEach`: check jump
 * depth after every jump in the tables the transaction creates, as the kernel does after a
 * transaction refused with `validateEach`.
 */
export function applyCommands(
  state: NftState,
  commands: readonly Command[],
  newTablesValidateEach = false,
): ApplyResult {
  const work = new WorkState(state, newTablesValidateEach && "new tables");
  const refused = applyEach(work, commands);
  if (refused) return { ok: false, error: refused };
  const tooDeep = work.tables().flatMap((t) => (t.jumpsAdded ? (checkDepth(t) ?? []) : []))[0];
  if (tooDeep) {
    // The kernel validates jumps once, on the committed tables (so a loop made and unmade within the
    // transaction is accepted); when that fails it replays the batch validating after every jump
    // (nfnetlink's NFNL_BATCH_REPLAY with NFT_VALIDATE_DO), and the error names the first command
    // after which a base chain reaches too deep.
    const replayed = applyEach(new WorkState(state, true), commands);
    const error = replayed ?? { index: commands.length - 1, ...tooDeep };
    return { ok: false, error, validateEach: true };
  }
  return { ok: true, state: work.freeze() };
}

/** Applies the commands in order; the first refused one's error. */
function applyEach(work: WorkState, commands: readonly Command[]): NftError | undefined {
  for (const [index, c] of commands.entries()) {
    const failure = applyOne(work, c);
    if (failure) return { index, ...failure };
  }
  return undefined;
}

function applyOne(work: WorkState, c: Command): Failure | undefined {
  if (c.op === "add-table") {
    if (!work.table(c.table)) work.create(c.table);
    return undefined;
  }
  const t = work.table(c.table);
  if (!t) return { kind: "no-such-object", message: `table ${tableKey(c.table)}: No such file or directory` };
  switch (c.op) {
    case "delete-table":
      work.delete(c.table);
      return undefined;
    case "add-set":
      return addSet(t, c.set);
    case "add-map":
      return addMap(t, c.map);
    case "delete-set":
    case "delete-map":
      return deleteSet(t, c.name);
    case "add-elements":
      return addElements(t, c.set, c.elements);
    case "delete-elements":
      return deleteElements(t, c.set, c.elements);
    case "add-counter":
      t.counters.add(c.name);
      return undefined;
    case "delete-counter":
      return deleteCounter(t, c.name);
    case "add-chain":
      return addChain(t, c.chain);
    case "flush-chain":
      return flushChain(t, c.name);
    case "delete-chain":
      return deleteChain(t, c.name);
    case "add-rule":
      return addRule(t, c.chain, c.rule);
    default:
      return assertNever(c);
  }
}

function addSet(t: WorkTable, s: SetSpec): Failure | undefined {
  const old = t.sets.get(s.name);
  if (t.maps.has(s.name) || (old && (old.type !== s.type || old.interval !== s.interval)))
    return { kind: "exists", message: `set ${s.name}: another set or map of that name: File exists` };
  if (!old) {
    if (!componentTypes(s.type))
      return { kind: "invalid", message: `set ${s.name}: unknown datatype ${s.type}` };
    t.sets.set(s.name, { name: s.name, type: s.type, interval: s.interval, elements: new Set() });
  }
  return s.elements.length > 0 ? addElements(t, s.name, s.elements) : undefined;
}

function addMap(t: WorkTable, m: MapSpec): Failure | undefined {
  const old = t.maps.get(m.name);
  if (t.sets.has(m.name) || (old && (old.keyType !== m.keyType || old.interval !== m.interval)))
    return { kind: "exists", message: `map ${m.name}: another set or map of that name: File exists` };
  if (!old) {
    if (!componentTypes(m.keyType))
      return { kind: "invalid", message: `map ${m.name}: unknown datatype ${m.keyType}` };
    t.maps.set(m.name, { name: m.name, keyType: m.keyType, interval: m.interval, elements: new Map() });
  }
  const elements = mapElementTexts(m.elements);
  return elements.length > 0 ? addElements(t, m.name, elements) : undefined;
}

/** `delete set` and `delete map` both find either: maps are sets in the kernel. */
function deleteSet(t: WorkTable, name: string): Failure | undefined {
  const map = t.maps.get(name);
  if (!t.sets.has(name) && !map)
    return { kind: "no-such-object", message: `set ${name}: No such file or directory` };
  if (t.usesOf("set", name) > 0)
    return { kind: "busy", message: `set ${name}: still used by a rule: Device or resource busy` };
  if (map) for (const v of map.elements.values()) t.useVerdict(v, -1);
  t.sets.delete(name);
  t.maps.delete(name);
  t.forget("set", name);
  return undefined;
}

function deleteCounter(t: WorkTable, name: string): Failure | undefined {
  if (!t.counters.has(name))
    return { kind: "no-such-object", message: `counter ${name}: No such file or directory` };
  if (t.usesOf("counter", name) > 0)
    return { kind: "busy", message: `counter ${name}: still used by a rule: Device or resource busy` };
  t.counters.delete(name);
  return undefined;
}

/**
 * Adds a chain (its rules are separate `add rule` commands, as the script renders it). A base
 * chain's priority is kept as the number nft lists (`filter` is 0 in inet, -200 in bridge), so the
 * model of a chain written either way is the same.
 */
function addChain(t: WorkTable, c: ChainSpec): Failure | undefined {
  const old = t.chains.get(c.name);
  const base = c.base && {
    ...c.base,
    priority: priorityNumber(t.ref.family, c.base.priority) ?? c.base.priority,
  };
  if (!old) {
    t.chains.set(c.name, { name: c.name, base, rules: [] });
    return undefined;
  }
  if (!base) return undefined;
  const o = old.base;
  if (!o || o.type !== base.type || o.hook !== base.hook || o.priority !== base.priority)
    return { kind: "invalid", message: `chain ${c.name}: another hook or priority: Operation not supported` };
  if (o.policy !== base.policy) t.chains.set(c.name, { ...old, base: { ...o, policy: base.policy } });
  return undefined;
}

function flushChain(t: WorkTable, name: string): Failure | undefined {
  const chain = t.chains.get(name);
  if (!chain) return { kind: "no-such-object", message: `chain ${name}: No such file or directory` };
  const rules = t.rulesOf(name, chain);
  for (const r of rules) t.use(r.facts, -1);
  rules.length = 0;
  return undefined;
}

function deleteChain(t: WorkTable, name: string): Failure | undefined {
  const chain = t.chains.get(name);
  if (!chain) return { kind: "no-such-object", message: `chain ${name}: No such file or directory` };
  if (t.usesOf("chain", name) > 0)
    return { kind: "busy", message: `chain ${name}: still jumped to: Device or resource busy` };
  for (const r of chain.rules) t.use(r.facts, -1);
  t.chains.delete(name);
  t.forget("chain", name);
  return undefined;
}

function addRule(t: WorkTable, chainName: string, text: string): Failure | undefined {
  const chain = t.chains.get(chainName);
  if (!chain) return { kind: "no-such-object", message: `chain ${chainName}: No such file or directory` };
  const facts = ruleFacts(text);
  for (const target of facts.chains) {
    const bad = checkTarget(t, `jump ${target}`);
    if (bad) return bad;
  }
  for (const s of facts.sets)
    if (!t.sets.has(s) && !t.maps.has(s))
      return { kind: "no-such-object", message: `set ${s}: No such file or directory` };
  for (const m of verdictMapsOf(text))
    if (!t.maps.has(m)) return { kind: "type", message: `vmap @${m}: Expression is not a map` };
  for (const c of facts.counters)
    if (!t.counters.has(c))
      return { kind: "no-such-object", message: `counter ${c}: No such file or directory` };
  const typed = checkRuleTypes(text, (name) => {
    const set = t.sets.get(name);
    const map = t.maps.get(name);
    return set ? { type: set.type, map: false } : map && { type: map.keyType, map: true };
  });
  if (typed) return typed;
  t.rulesOf(chainName, chain).push({ text, facts });
  t.use(facts, 1);
  return facts.chains.length > 0 || verdictMapsOf(text).length > 0 ? jumpAdded(t) : undefined;
}
