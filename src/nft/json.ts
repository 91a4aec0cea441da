/**
 * The one reader of `nft -j` output (libnftables JSON, `{"nftables": [{"<kind>": {...}}, ...]}`)
 * in netguard: listings become the same model transactions apply to (state.ts), so the drift check
 * compares like with like and callers never see JSON. Elements go through elements.ts (after
 * json-element.ts turns them back into nft text), rules become `RuleFacts` and a fingerprint of
 * their exact expressions (json-rule.ts).
 * Anything netguard does not create — another object kind, a set flag, a base chain type, a data
 * map, a field of the wrong type — makes the listing "unreadable" rather than silently partial:
 * the caller treats that as drift and replaces the table.
 */
import { canonicalElement, canonicalVerdict } from "./elements.js";
import { elementText, isFields, unwrapElem, verdictText } from "./json-element.js";
import { factsOfJsonRule, ruleFingerprint } from "./json-rule.js";
import type { BaseChain, TableFamily, TableRef } from "./model.js";
import type { ChainState, MapState, NftState, RuleState, SetState, TableState } from "./state.js";
import { tableKey } from "./state.js";

/** A named counter's values. */
export interface CounterValue {
  readonly packets: number;
  readonly bytes: number;
}

/** Named counters' values by table key (`family name`) and counter name. */
export type CounterValues = ReadonlyMap<string, ReadonlyMap<string, CounterValue>>;

type Fields = Readonly<Record<string, unknown>>;

interface ChainBuilder {
  readonly name: string;
  readonly base: BaseChain | undefined;
  readonly rules: RuleState[];
}

interface TableBuilder {
  readonly family: TableFamily;
  readonly name: string;
  readonly sets: Map<string, SetState>;
  readonly maps: Map<string, MapState>;
  readonly counters: Set<string>;
  readonly chains: Map<string, ChainBuilder>;
}

/** `nft -j list table|ruleset` text as the model of those tables, or "unreadable". */
export function parseListing(text: string): NftState | "unreadable" {
  const objects = objectsOf(text);
  if (objects === undefined) return "unreadable";
  const tables = new Map<string, TableBuilder>();
  for (const [kind, body] of objects) if (!addObject(tables, kind, body)) return "unreadable";
  const state = new Map<string, TableState>();
  for (const [key, t] of tables) {
    const chains = new Map([...t.chains].map(([n, c]) => [n, { ...c, rules: [...c.rules] }]));
    state.set(key, { ...t, chains });
  }
  return state;
}

/**
 * `nft -j list chain <family> <table> <chain>` text as that chain (the listing names no table
 * object, only the chain and its rules); undefined when it does not hold the chain.
 */
export function parseChain(
  text: string,
  table: TableRef,
  chain: string,
): ChainState | undefined | "unreadable" {
  const objects = objectsOf(text);
  if (objects === undefined) return "unreadable";
  const tables = new Map<string, TableBuilder>();
  if (!addTable(tables, { family: table.family, name: table.name })) return "unreadable";
  for (const [kind, body] of objects) if (!addObject(tables, kind, body)) return "unreadable";
  const c = tables.get(tableKey(table))?.chains.get(chain);
  return c === undefined ? undefined : { ...c, rules: [...c.rules] };
}

/** `nft -j list counters …` (or any listing) text as the named counters' values, or "unreadable". */
export function parseCounters(text: string): CounterValues | "unreadable" {
  const objects = objectsOf(text);
  if (objects === undefined) return "unreadable";
  const out = new Map<string, Map<string, CounterValue>>();
  for (const [kind, f] of objects) {
    if (kind !== "counter") continue;
    const { packets, bytes } = f;
    if (!str(f.family) || !str(f.table) || !str(f.name) || !count(packets) || !count(bytes))
      return "unreadable";
    const key = tableKey({ family: f.family, name: f.table });
    const table = out.get(key) ?? new Map<string, CounterValue>();
    out.set(key, table.set(f.name, { packets, bytes }));
  }
  return out;
}

/**
 * `nft -j list tables` text as the tables of the families netguard uses (inet, bridge), in listed
 * order; tables of other families (ip, ip6, arp, netdev) are left out. "unreadable" when it is not
 * a listing of tables.
 */
export function parseTables(text: string): TableRef[] | "unreadable" {
  const objects = objectsOf(text);
  if (objects === undefined) return "unreadable";
  const out: TableRef[] = [];
  for (const [kind, f] of objects) {
    if (kind !== "table" || !str(f.family) || !str(f.name)) return "unreadable";
    if (f.family === "inet" || f.family === "bridge") out.push({ family: f.family, name: f.name });
  }
  return out;
}

/** The `[kind, fields]` pairs of a listing, metainfo dropped; undefined when it is not a listing. */
function objectsOf(text: string): Array<[string, Fields]> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = isFields(doc) ? doc.nftables : undefined;
  if (!Array.isArray(list)) return undefined;
  const out: Array<[string, Fields]> = [];
  for (const entry of list as unknown[]) {
    if (!isFields(entry)) return undefined;
    for (const [kind, body] of Object.entries(entry)) {
      if (!isFields(body)) return undefined;
      if (kind !== "metainfo") out.push([kind, body]);
    }
  }
  return out;
}

/** Adds one listed object to its table; false when it cannot be read. */
function addObject(tables: Map<string, TableBuilder>, kind: string, f: Fields): boolean {
  if (kind === "table") return addTable(tables, f);
  const t =
    str(f.family) && str(f.table) ? tables.get(tableKey({ family: f.family, name: f.table })) : undefined;
  if (t === undefined) return false;
  switch (kind) {
    case "set": {
      const s = setOf(f);
      return s !== undefined && addNamed(t.sets, s);
    }
    case "map": {
      const m = mapOf(f);
      return m !== undefined && addNamed(t.maps, m);
    }
    case "counter":
      if (!str(f.name) || t.counters.has(f.name)) return false;
      t.counters.add(f.name);
      return true;
    case "chain": {
      const c = chainOf(f);
      return c !== undefined && addNamed(t.chains, c);
    }
    case "rule": {
      const chain = str(f.chain) ? t.chains.get(f.chain) : undefined;
      const facts = factsOfJsonRule(f.expr);
      if (chain === undefined || facts === undefined) return false;
      chain.rules.push({ text: undefined, facts, fingerprint: ruleFingerprint(f.expr) });
      return true;
    }
    default:
      return false;
  }
}

function addTable(tables: Map<string, TableBuilder>, f: Fields): boolean {
  const { family, name } = f;
  if ((family !== "inet" && family !== "bridge") || !str(name)) return false;
  const key = tableKey({ family, name });
  if (tables.has(key)) return false;
  tables.set(key, { family, name, sets: new Map(), maps: new Map(), counters: new Set(), chains: new Map() });
  return true;
}

function addNamed<T extends { readonly name: string }>(m: Map<string, T>, x: T): boolean {
  if (m.has(x.name)) return false;
  m.set(x.name, x);
  return true;
}

/** `"type": "ipv4_addr"` or `["inet_proto", "inet_service"]`, and `"flags": ["interval"]`. */
function shapeOf(f: Fields): { types: string[]; interval: boolean } | undefined {
  const types = str(f.type) ? [f.type] : f.type;
  const flags = f.flags ?? [];
  if (!Array.isArray(types) || types.length === 0 || !(types as unknown[]).every(str)) return undefined;
  if (!Array.isArray(flags) || !(flags as unknown[]).every((x) => x === "interval")) return undefined;
  return { types: types as string[], interval: flags.length > 0 };
}

function setOf(f: Fields): SetState | undefined {
  const shape = shapeOf(f);
  const elem = f.elem ?? [];
  if (!str(f.name) || shape === undefined || !Array.isArray(elem)) return undefined;
  const type = shape.types.join(" . ");
  const elements = new Set<string>();
  for (const e of elem as unknown[]) {
    const key = canonicalKey(e, shape.types, shape.interval);
    if (key === undefined) return undefined;
    elements.add(key);
  }
  return { name: f.name, type, interval: shape.interval, elements };
}

function mapOf(f: Fields): MapState | undefined {
  const shape = shapeOf(f);
  const elem = f.elem ?? [];
  if (!str(f.name) || shape === undefined || f.map !== "verdict" || !Array.isArray(elem)) return undefined;
  const elements = new Map<string, string>();
  for (const e of elem as unknown[]) {
    if (!Array.isArray(e) || e.length !== 2) return undefined;
    const [k, v] = e as [unknown, unknown];
    const key = canonicalKey(k, shape.types, shape.interval);
    const text = verdictText(unwrapElem(v));
    const verdict = text === undefined ? undefined : canonicalVerdict(text);
    if (key === undefined || verdict === undefined || !verdict.ok) return undefined;
    elements.set(key, verdict.value);
  }
  return { name: f.name, keyType: shape.types.join(" . "), interval: shape.interval, elements };
}

function canonicalKey(e: unknown, types: readonly string[], interval: boolean): string | undefined {
  const text = elementText(e, types);
  if (text === undefined) return undefined;
  const c = canonicalElement(types.join(" . "), interval, text);
  return c.ok ? c.value : undefined;
}

const HOOKS: ReadonlySet<string> = new Set(["prerouting", "input", "forward", "output", "postrouting"]);

function isHook(v: unknown): v is BaseChain["hook"] {
  return str(v) && HOOKS.has(v);
}

/** A chain; a base chain carries `type`, `hook`, `prio` and `policy`. */
function chainOf(f: Fields): ChainBuilder | undefined {
  if (!str(f.name)) return undefined;
  if (f.type === undefined && f.hook === undefined) return { name: f.name, base: undefined, rules: [] };
  const { type, hook, prio, policy } = f;
  if (type !== "filter" || !isHook(hook) || typeof prio !== "number") return undefined;
  if (policy !== "accept" && policy !== "drop") return undefined;
  const base: BaseChain = { type, hook, priority: prio, policy };
  return { name: f.name, base, rules: [] };
}

function str(v: unknown): v is string {
  return typeof v === "string";
}

function count(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}
