/**
 * The scratch copy a transaction is applied to (apply.ts): tables are copied when a command first
 * touches them, and a set's elements or a chain's rules when a command first changes them, so the
 * input state is never modified and an untouched 10,000-chain table costs nothing. Each table keeps
 * the kernel's use counts (how many rules and map elements name each chain, set and counter), which
 * decide whether a delete is refused with EBUSY.
 */
import type { TableRef } from "./model.js";
import type { ChainState, MapState, NftState, RuleFacts, SetState, TableState } from "./state.js";
import { tableKey } from "./state.js";
import { verdictChain } from "./elements.js";

/** One table being changed. Sets and maps share one namespace in nft; chains and counters have their own. */
export class WorkTable {
  readonly sets: Map<string, SetState>;
  readonly maps: Map<string, MapState>;
  readonly counters: Set<string>;
  readonly chains: Map<string, ChainState>;
  /** `chain x` / `set x` / `counter x` → how many rules and map elements use it. */
  private readonly uses = new Map<string, number>();
  private readonly setElements = new Map<string, Set<string>>();
  private readonly mapElements = new Map<string, Map<string, string>>();
  private readonly chainRules = new Map<string, ChainState["rules"][number][]>();
  /** Whether a rule or map element that jumps was added (the kernel's NFT_VALIDATE_NEED). */
  jumpsAdded = false;

  /** `validateEach`: check jump depth after every jump added (a replayed batch), not once at the end. */
  constructor(
    readonly ref: TableRef,
    readonly validateEach: boolean,
    from?: TableState,
  ) {
    this.sets = new Map(from?.sets);
    this.maps = new Map(from?.maps);
    this.counters = new Set(from?.counters);
    this.chains = new Map(from?.chains);
    for (const c of this.chains.values()) for (const r of c.rules) this.use(r.facts, 1);
    for (const m of this.maps.values()) for (const v of m.elements.values()) this.useVerdict(v, 1);
  }

  /** How many rules and map elements use `kind name`. */
  usesOf(kind: "chain" | "set" | "counter", name: string): number {
    return this.uses.get(`${kind} ${name}`) ?? 0;
  }

  /** Counts (delta 1) or releases (delta -1) what a rule names. */
  use(facts: RuleFacts, delta: 1 | -1): void {
    for (const c of facts.chains) this.count(`chain ${c}`, delta);
    for (const s of facts.sets) this.count(`set ${s}`, delta);
    for (const c of facts.counters) this.count(`counter ${c}`, delta);
  }

  /** Counts or releases the chain a map element's verdict jumps to. */
  useVerdict(verdict: string, delta: 1 | -1): void {
    const chain = verdictChain(verdict);
    if (chain !== undefined) this.count(`chain ${chain}`, delta);
  }

  /** The elements of set `name`, copied on first change. */
  elementsOfSet(name: string, set: SetState): Set<string> {
    let e = this.setElements.get(name);
    if (!e) {
      e = new Set(set.elements);
      this.setElements.set(name, e);
      this.sets.set(name, { ...set, elements: e });
    }
    return e;
  }

  /** The elements of map `name`, copied on first change. */
  elementsOfMap(name: string, map: MapState): Map<string, string> {
    let e = this.mapElements.get(name);
    if (!e) {
      e = new Map(map.elements);
      this.mapElements.set(name, e);
      this.maps.set(name, { ...map, elements: e });
    }
    return e;
  }

  /** The rules of chain `name`, copied on first change. */
  rulesOf(name: string, chain: ChainState): ChainState["rules"][number][] {
    let r = this.chainRules.get(name);
    if (!r) {
      r = [...chain.rules];
      this.chainRules.set(name, r);
      this.chains.set(name, { ...chain, rules: r });
    }
    return r;
  }

  /** Forgets the copy of an object that was deleted (a new one of that name starts afresh). */
  forget(kind: "set" | "chain", name: string): void {
    if (kind === "chain") {
      this.chainRules.delete(name);
      return;
    }
    this.setElements.delete(name);
    this.mapElements.delete(name);
  }

  /** The table as state. */
  freeze(): TableState {
    const { family, name } = this.ref;
    return { family, name, sets: this.sets, maps: this.maps, counters: this.counters, chains: this.chains };
  }

  private count(key: string, delta: 1 | -1): void {
    const n = (this.uses.get(key) ?? 0) + delta;
    if (n === 0) this.uses.delete(key);
    else this.uses.set(key, n);
  }
}

/** The ruleset being changed: untouched tables stay the input's own objects. */
export class WorkState {
  private readonly touched = new Map<string, WorkTable | "deleted">();

  /**
   * `validateEach`: see WorkTable; "new tables": only for tables this transaction creates (they
   * inherit the kernel's per-netns state after a refused replay, tables that exist do not).
   */
  constructor(
    private readonly base: NftState,
    private readonly validateEach: boolean | "new tables",
  ) {}

  /** The tables changed so far. */
  tables(): WorkTable[] {
    return [...this.touched.values()].filter((t): t is WorkTable => t !== "deleted");
  }

  /** The table, copied for change on first use; undefined when it does not exist. */
  table(ref: TableRef): WorkTable | undefined {
    const key = tableKey(ref);
    const t = this.touched.get(key);
    if (t === "deleted") return undefined;
    if (t) return t;
    const from = this.base.get(key);
    if (!from) return undefined;
    const w = new WorkTable({ family: from.family, name: from.name }, this.validateEach === true, from);
    this.touched.set(key, w);
    return w;
  }

  create(ref: TableRef): WorkTable {
    const w = new WorkTable({ family: ref.family, name: ref.name }, this.validateEach !== false);
    this.touched.set(tableKey(ref), w);
    return w;
  }

  delete(ref: TableRef): void {
    this.touched.set(tableKey(ref), "deleted");
  }

  /** The resulting state (tables in the input's order, new ones after). */
  freeze(): NftState {
    const out = new Map<string, TableState>();
    for (const [key, t] of this.base) {
      const w = this.touched.get(key);
      if (w === undefined) out.set(key, t);
      else if (w !== "deleted") out.set(key, w.freeze());
    }
    for (const [key, w] of this.touched) if (w !== "deleted" && !out.has(key)) out.set(key, w.freeze());
    return out;
  }
}
