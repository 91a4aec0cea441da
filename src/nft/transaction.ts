/**
 * A transaction: an ordered list of nft commands that renders to the exact script given to
 * `nft -f -`, which the kernel applies atomically (all or nothing). Names are validated as
 * commands are added, so a bad script is a bug caught before it reaches nft.
 */
import { assertNever } from "../base/assert-never.js";
import { checkIdentifier } from "./identifier.js";
import { checkUniqueNames } from "./unique.js";
import {
  type ChainSpec,
  type MapSpec,
  type SetSpec,
  type TableRef,
  type TableSpec,
  tableText,
} from "./model.js";

/** One command of a transaction. */
export type Command =
  | { readonly op: "add-table"; readonly table: TableRef }
  | { readonly op: "delete-table"; readonly table: TableRef }
  | { readonly op: "add-set"; readonly table: TableRef; readonly set: SetSpec }
  | { readonly op: "delete-set"; readonly table: TableRef; readonly name: string }
  | { readonly op: "add-map"; readonly table: TableRef; readonly map: MapSpec }
  | { readonly op: "delete-map"; readonly table: TableRef; readonly name: string }
  | {
      readonly op: "add-elements";
      readonly table: TableRef;
      readonly set: string;
      readonly elements: readonly string[];
    }
  | {
      readonly op: "delete-elements";
      readonly table: TableRef;
      readonly set: string;
      readonly elements: readonly string[];
    }
  | { readonly op: "add-counter"; readonly table: TableRef; readonly name: string }
  | { readonly op: "delete-counter"; readonly table: TableRef; readonly name: string }
  | { readonly op: "add-chain"; readonly table: TableRef; readonly chain: ChainSpec }
  | { readonly op: "flush-chain"; readonly table: TableRef; readonly name: string }
  | { readonly op: "delete-chain"; readonly table: TableRef; readonly name: string }
  | { readonly op: "add-rule"; readonly table: TableRef; readonly chain: string; readonly rule: string };

/** Elements per `add element` line, to keep lines readable; nft accepts any number. */
const ELEMENTS_PER_LINE = 500;

/** A verdict map's entry as `add element` text: `key : verdict`. */
export function mapElementText(key: string, verdict: string): string {
  return `${key} : ${verdict}`;
}

/** A verdict map's entries as `add element` texts. */
export function mapElementTexts(elements: ReadonlyMap<string, string>): string[] {
  return [...elements].map(([k, v]) => mapElementText(k, v));
}

/** Builds one atomic nft script. */
export class Transaction {
  private readonly commands: Command[] = [];
  private rendered: string | undefined;

  /** The commands so far (for tests and the fake backend). */
  get list(): readonly Command[] {
    return this.commands;
  }

  get empty(): boolean {
    return this.commands.length === 0;
  }

  add(c: Command): this {
    validate(c);
    this.commands.push(c);
    this.rendered = undefined;
    return this;
  }

  /** Replaces a whole table atomically: ensure it exists, delete it, define it anew. */
  replaceTable(spec: TableSpec): this {
    this.add({ op: "add-table", table: spec });
    this.add({ op: "delete-table", table: spec });
    return this.defineTable(spec);
  }

  /** Adds a table and everything in it (objects first, then chains' rules). */
  defineTable(spec: TableSpec): this {
    checkUniqueNames(spec);
    this.add({ op: "add-table", table: spec });
    for (const set of spec.sets) this.add({ op: "add-set", table: spec, set });
    for (const map of spec.maps)
      this.add({ op: "add-map", table: spec, map: { ...map, elements: new Map() } });
    for (const name of spec.counters) this.add({ op: "add-counter", table: spec, name });
    for (const chain of spec.chains)
      this.add({ op: "add-chain", table: spec, chain: { ...chain, rules: [] } });
    for (const chain of spec.chains)
      for (const rule of chain.rules) this.add({ op: "add-rule", table: spec, chain: chain.name, rule });
    for (const map of spec.maps) {
      const elements = mapElementTexts(map.elements);
      if (elements.length > 0) this.add({ op: "add-elements", table: spec, set: map.name, elements });
    }
    return this;
  }

  /**
   * The script, one command per line (long element lists split over several lines); rendered once
   * until a command is added (the backend runs it and the sync reports its size).
   */
  render(): string {
    this.rendered ??= this.commands.flatMap(renderCommand).join("\n") + (this.commands.length ? "\n" : "");
    return this.rendered;
  }
}

function validate(c: Command): void {
  switch (c.op) {
    case "add-table":
    case "delete-table":
      checkIdentifier(c.table.name);
      return;
    case "add-set":
      checkIdentifier(c.set.name);
      return;
    case "add-map":
      checkIdentifier(c.map.name);
      return;
    case "add-chain":
      checkIdentifier(c.chain.name);
      return;
    case "add-elements":
    case "delete-elements":
      checkIdentifier(c.set);
      if (c.elements.length === 0) throw new Error(`${c.op} ${c.set}: no elements`);
      return;
    case "add-rule":
      checkIdentifier(c.chain);
      if (c.rule.includes("\n")) throw new Error(`rule contains a newline: ${c.rule}`);
      return;
    case "delete-set":
    case "delete-map":
    case "add-counter":
    case "delete-counter":
    case "flush-chain":
    case "delete-chain":
      checkIdentifier(c.name);
      return;
    default:
      assertNever(c);
  }
}

function renderCommand(c: Command): string[] {
  switch (c.op) {
    case "add-table":
      return [`add table ${tableText(c.table)}`];
    case "delete-table":
      return [`delete table ${tableText(c.table)}`];
    case "add-set": {
      const flags = c.set.interval ? " flags interval;" : "";
      const head = `add set ${tableText(c.table)} ${c.set.name} { type ${c.set.type};${flags} }`;
      return [head, ...elementLines("add", c.table, c.set.name, c.set.elements)];
    }
    case "delete-set":
      return [`delete set ${tableText(c.table)} ${c.name}`];
    case "add-map": {
      const flags = c.map.interval ? " flags interval;" : "";
      const head = `add map ${tableText(c.table)} ${c.map.name} { type ${c.map.keyType} : verdict;${flags} }`;
      const elements = mapElementTexts(c.map.elements);
      return [head, ...elementLines("add", c.table, c.map.name, elements)];
    }
    case "delete-map":
      return [`delete map ${tableText(c.table)} ${c.name}`];
    case "add-elements":
      return elementLines("add", c.table, c.set, c.elements);
    case "delete-elements":
      return elementLines("delete", c.table, c.set, c.elements);
    case "add-counter":
      return [`add counter ${tableText(c.table)} ${c.name}`];
    case "delete-counter":
      return [`delete counter ${tableText(c.table)} ${c.name}`];
    case "add-chain": {
      const b = c.chain.base;
      const body = b ? ` { type ${b.type} hook ${b.hook} priority ${b.priority}; policy ${b.policy}; }` : "";
      return [`add chain ${tableText(c.table)} ${c.chain.name}${body}`];
    }
    case "flush-chain":
      return [`flush chain ${tableText(c.table)} ${c.name}`];
    case "delete-chain":
      return [`delete chain ${tableText(c.table)} ${c.name}`];
    case "add-rule":
      return [`add rule ${tableText(c.table)} ${c.chain} ${c.rule}`];
    default:
      return assertNever(c);
  }
}

function elementLines(
  verb: "add" | "delete",
  table: TableRef,
  set: string,
  elements: readonly string[],
): string[] {
  const out: string[] = [];
  for (let i = 0; i < elements.length; i += ELEMENTS_PER_LINE) {
    out.push(
      `${verb} element ${tableText(table)} ${set} { ${elements.slice(i, i + ELEMENTS_PER_LINE).join(", ")} }`,
    );
  }
  return out;
}
