/**
 * The typed model of what is in the kernel: netguard's tables with their sets, verdict maps, named
 * counters and chains. It is the single source of truth for what we believe the kernel holds:
 * transactions apply to it (apply.ts), the checking fake keeps one (fake.ts), and `nft -j list`
 * output is parsed into it (json.ts) so drift checks compare like with like.
 *
 * Elements are kept in canonical text (elements.ts), so the same set written two ways (a prefix or
 * a range, an IPv6 address compressed or not) is the same state. Rules keep the text we sent when
 * we know it; a rule read back from the kernel has no text (`nft -j` gives expressions), so rules
 * are compared by what they name and decide (`RuleFacts`).
 */
import type { BaseChain, TableRef } from "./model.js";

/** What a rule names and decides: the part of a rule both our text and `nft -j` expressions show. */
export interface RuleFacts {
  /** Chains the rule jumps or goes to (including through an anonymous verdict map), sorted, unique. */
  readonly chains: readonly string[];
  /** Named sets and maps the rule looks up (`@name`, `vmap @name`), sorted, unique. */
  readonly sets: readonly string[];
  /** Named counters the rule updates (`counter name "x"`), sorted, unique. */
  readonly counters: readonly string[];
  /** The rule's final verdict statement, if it has one outside a map (`accept`, `drop`, `jump x`, ...). */
  readonly verdict: string | undefined;
}

/** One rule of a chain. */
export interface RuleState {
  /** The rule as we wrote it; undefined when read back from the kernel. */
  readonly text: string | undefined;
  readonly facts: RuleFacts;
  /**
   * The rule exactly as the kernel lists it (json-rule.ts `ruleFingerprint`: its `expr` as canonical
   * JSON, counter values left out); set only on rules read back from the kernel. Two listings of an
   * untouched rule give the same fingerprint, so an edit inside a rule that keeps its facts is seen.
   */
  readonly fingerprint?: string;
}

/** A chain: a base chain when `base` is set. */
export interface ChainState {
  readonly name: string;
  readonly base: BaseChain | undefined;
  readonly rules: readonly RuleState[];
}

/** A named set; elements in canonical text. */
export interface SetState {
  readonly name: string;
  /** nft type expression, e.g. `ipv4_addr` or `inet_proto . inet_service`. */
  readonly type: string;
  readonly interval: boolean;
  readonly elements: ReadonlySet<string>;
}

/** A named verdict map: canonical key text → canonical verdict (`accept`, `drop`, `continue`, `jump x`, `goto x`). */
export interface MapState {
  readonly name: string;
  readonly keyType: string;
  readonly interval: boolean;
  readonly elements: ReadonlyMap<string, string>;
}

/** One table and everything in it, each kind keyed by name. */
export interface TableState extends TableRef {
  readonly sets: ReadonlyMap<string, SetState>;
  readonly maps: ReadonlyMap<string, MapState>;
  readonly counters: ReadonlySet<string>;
  readonly chains: ReadonlyMap<string, ChainState>;
}

/** The tables of a ruleset, keyed by `family name` (see `tableKey`). */
export type NftState = ReadonlyMap<string, TableState>;

/** The empty ruleset. */
export const EMPTY_STATE: NftState = new Map();

/**
 * `family name`: the key of a table in an NftState (and how nft writes a table reference). The family
 * is any string: a listing may hold tables of families netguard does not create.
 */
export function tableKey(t: { readonly family: string; readonly name: string }): string {
  return `${t.family} ${t.name}`;
}
