/**
 * A typed model of the nftables objects netguard generates: tables holding named sets, verdict
 * maps, named counters and chains. Rules are kept as nft statement text built by the renderer;
 * everything else is structured so that two states can be diffed object by object.
 */

/** The address families of netguard's two tables. */
export type TableFamily = "inet" | "bridge";

/** A table, identified by family and name. */
export interface TableRef {
  readonly family: TableFamily;
  readonly name: string;
}

/** The hook of a base chain. */
export interface BaseChain {
  readonly type: "filter";
  readonly hook: "prerouting" | "input" | "forward" | "output" | "postrouting";
  /**
   * A number, a standard priority name (`filter`, `raw`, ...) or a name with an offset
   * (`filter - 10`); compare through `priorityNumber`, which gives the number nft lists.
   */
  readonly priority: number | string;
  readonly policy: "accept" | "drop";
}

/** A chain: a base chain when `base` is set, otherwise a regular chain reached by jump/goto. */
export interface ChainSpec {
  readonly name: string;
  readonly base?: BaseChain;
  readonly rules: readonly string[];
}

/** A named set; `type` is the nft type expression, e.g. `ipv4_addr` or `inet_proto . inet_service`. */
export interface SetSpec {
  readonly name: string;
  readonly type: string;
  readonly interval: boolean;
  readonly elements: readonly string[];
}

/** A named verdict map from `keyType` to verdicts (`accept`, `continue`, `jump <chain>`). */
export interface MapSpec {
  readonly name: string;
  readonly keyType: string;
  readonly interval: boolean;
  /** Key text → verdict text. */
  readonly elements: ReadonlyMap<string, string>;
}

/** Everything in one table, each list sorted by name (chains: base chains last). */
export interface TableSpec extends TableRef {
  readonly sets: readonly SetSpec[];
  readonly maps: readonly MapSpec[];
  readonly counters: readonly string[];
  readonly chains: readonly ChainSpec[];
}

/** The tables netguard owns and nothing else: `inet netguard` and `bridge netguard`. */
export const OWNED_TABLES: readonly TableRef[] = [
  { family: "inet", name: "netguard" },
  { family: "bridge", name: "netguard" },
];

/** `family name`, as nft writes a table reference. */
export function tableText(t: TableRef): string {
  return `${t.family} ${t.name}`;
}

/**
 * The number nft lists for a base chain priority: a number is itself; standard priority names
 * (nft(8), "CHAINS") differ by family, and may carry an offset (`filter - 10` is -10 in inet, -210
 * in bridge; measured with nft 1.0.6). Undefined for a name the family does not have. The one
 * conversion: the model, its diff and the kernel's listing all compare priorities through it.
 */
export function priorityNumber(family: string, priority: number | string): number | undefined {
  if (typeof priority === "number") return priority;
  const m = /^\s*([a-z]+|[-+]?\d+)\s*(?:([-+])\s*(\d+))?\s*$/.exec(priority);
  if (!m?.[1]) return undefined;
  const names = family === "bridge" ? BRIDGE_PRIORITIES : INET_PRIORITIES;
  const at = /\d/.test(m[1]) ? Number(m[1]) : names.get(m[1]);
  if (at === undefined) return undefined;
  const offset = m[3] === undefined ? 0 : Number(m[3]);
  return m[2] === "-" ? at - offset : at + offset;
}

const INET_PRIORITIES: ReadonlyMap<string, number> = new Map([
  ["raw", -300],
  ["mangle", -150],
  ["dstnat", -100],
  ["filter", 0],
  ["security", 50],
  ["srcnat", 100],
]);

const BRIDGE_PRIORITIES: ReadonlyMap<string, number> = new Map([
  ["dstnat", -300],
  ["filter", -200],
  ["out", 100],
  ["srcnat", 300],
]);
