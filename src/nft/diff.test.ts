import { describe, expect, it } from "vitest";
import { applyCommands } from "./apply.js";
import { diffTable } from "./diff.js";
import { stateOfSpecs } from "./from-spec.js";
import type { ChainSpec, MapSpec, SetSpec, TableSpec } from "./model.js";
import type { TableState } from "./state.js";

const HOOK = { type: "filter", hook: "forward", priority: "filter", policy: "accept" } as const;

function spec(parts: {
  sets?: SetSpec[];
  maps?: MapSpec[];
  counters?: string[];
  chains?: ChainSpec[];
}): TableSpec {
  return {
    family: "inet",
    name: "t",
    sets: parts.sets ?? [],
    maps: parts.maps ?? [],
    counters: parts.counters ?? [],
    chains: parts.chains ?? [{ name: "forward", base: HOOK, rules: [] }],
  };
}

function stateOf(s: TableSpec): TableState {
  const r = stateOfSpecs([s]);
  const t = r.ok ? r.state.get("inet t") : undefined;
  if (!t) throw new Error(r.ok ? "no table" : r.error.message);
  return t;
}

/** Diffs, applies the diff to the old model with nft's rules, and checks it reaches the new model. */
function reaches(from: TableSpec, to: TableSpec) {
  const old = stateOf(from);
  const commands = diffTable(old, to);
  if (commands === "replace") return { commands, error: undefined };
  const r = applyCommands(new Map([["inet t", old]]), commands);
  if (!r.ok) return { commands, error: r.error };
  expect(r.state.get("inet t")).toEqual(stateOf(to));
  return { commands, error: undefined };
}

const set = (name: string, elements: string[], interval = true): SetSpec => ({
  name,
  type: "ipv4_addr",
  interval,
  elements,
});
const vmap = (entries: Array<[string, string]>): MapSpec => ({
  name: "m",
  keyType: "ipv4_addr",
  interval: false,
  elements: new Map(entries),
});

describe("diffTable", () => {
  it("sends nothing when an element is only written differently (a prefix read back as a range)", () => {
    const from = spec({ sets: [set("s", ["10.0.0.0-10.0.0.255", "10.0.1.1"])] });
    const to = spec({ sets: [set("s", ["10.0.1.1", "10.0.0.0/24"])] });
    expect(reaches(from, to)).toEqual({ commands: [], error: undefined });
  });

  it("narrows an interval by deleting the old one before adding the new (they overlap)", () => {
    const r = reaches(
      spec({ sets: [set("s", ["10.0.0.0/24"])] }),
      spec({ sets: [set("s", ["10.0.0.0/25"])] }),
    );
    expect(r.error).toBeUndefined();
    expect(r.commands).toMatchObject([{ op: "delete-elements" }, { op: "add-elements" }]);
  });

  it("moves a map entry to a new chain and deletes the old chain after the entry left it", () => {
    const from = spec({ maps: [vmap([["10.0.0.1", "jump a"]])], chains: [{ name: "a", rules: ["drop"] }] });
    const to = spec({ maps: [vmap([["10.0.0.1", "jump b"]])], chains: [{ name: "b", rules: ["accept"] }] });
    expect(reaches(from, to).error).toBeUndefined();
  });

  it("deletes two chains where one jumps to the other (flushing first, so neither is busy)", () => {
    const from = spec({
      chains: [
        { name: "a", rules: ["jump b"] },
        { name: "b", rules: ["drop"] },
        { name: "forward", base: HOOK, rules: [] },
      ],
    });
    const r = reaches(from, spec({}));
    expect(r.error).toBeUndefined();
    expect(r.commands).toMatchObject([
      { op: "flush-chain", name: "a" },
      { op: "delete-chain" },
      { op: "delete-chain" },
    ]);
  });

  it("deletes a verdict map before the chain its entries jump to (found by the property test)", () => {
    const from = spec({
      maps: [vmap([["10.2.0.2", "jump k2"]])],
      chains: [
        { name: "k2", rules: [] },
        { name: "forward", base: HOOK, rules: ["ip saddr vmap @m"] },
      ],
    });
    expect(reaches(from, spec({})).error).toBeUndefined();
  });

  it("flushes a chain that goes and dispatches through a map that goes, before deleting the map", () => {
    const from = spec({
      maps: [vmap([["10.2.0.2", "accept"]])],
      chains: [
        { name: "k", rules: ["ip saddr vmap @m"] },
        { name: "forward", base: HOOK, rules: [] },
      ],
    });
    expect(reaches(from, spec({})).error).toBeUndefined();
  });

  it("refills a chain whose rules changed and deletes the set and counter it no longer uses", () => {
    const from = spec({
      sets: [set("old", ["10.0.0.1"])],
      counters: ["c"],
      chains: [{ name: "x", rules: ["ip saddr @old counter name c drop"] }],
    });
    const to = spec({
      sets: [set("new", ["10.0.0.2"])],
      chains: [{ name: "x", rules: ["ip saddr @new drop"] }],
    });
    expect(reaches(from, to).error).toBeUndefined();
  });

  it("changes a map entry's verdict by deleting and re-adding it (nft refuses another verdict for a key)", () => {
    const from = spec({ maps: [vmap([["10.0.0.1", "accept"]])] });
    const r = reaches(from, spec({ maps: [vmap([["10.0.0.1", "drop"]])] }));
    expect(r.error).toBeUndefined();
    expect(r.commands).toMatchObject([
      { op: "delete-elements", elements: ["10.0.0.1"] },
      { op: "add-elements" },
    ]);
  });

  it.each<[string, TableSpec, TableSpec]>([
    [
      "a set's type",
      spec({ sets: [set("s", [])] }),
      spec({ sets: [{ ...set("s", []), type: "ipv6_addr" }] }),
    ],
    ["a set's flags", spec({ sets: [set("s", [])] }), spec({ sets: [set("s", [], false)] })],
    [
      "a set becoming a map",
      spec({ sets: [{ ...set("m", []), interval: false }] }),
      spec({ maps: [vmap([])] }),
    ],
    [
      "a base chain's policy",
      spec({}),
      spec({ chains: [{ name: "forward", base: { ...HOOK, policy: "drop" }, rules: [] }] }),
    ],
    ["a chain becoming a base chain", spec({ chains: [{ name: "forward", rules: [] }] }), spec({})],
  ])("replaces the table when %s changes", (_what, from, to) => {
    expect(diffTable(stateOf(from), to)).toBe("replace");
  });

  it("re-adds every rule of a chain read back from the kernel (no rule text to compare)", () => {
    const old = stateOf(spec({ chains: [{ name: "x", rules: ["drop"] }] }));
    const kernel: TableState = {
      ...old,
      chains: new Map(
        [...old.chains].map(([n, c]) => [
          n,
          { ...c, rules: c.rules.map((r) => ({ ...r, text: undefined })) },
        ]),
      ),
    };
    expect(diffTable(kernel, spec({ chains: [{ name: "x", rules: ["drop"] }] }))).toMatchObject([
      { op: "flush-chain", name: "x" },
      { op: "add-rule", rule: "drop" },
    ]);
  });
});

describe("diffTable compares base chain priorities as nft lists them", () => {
  it("keeps a base chain whose priority is a name with an offset (`filter - 10` is listed as -10)", () => {
    const at = (priority: number | string) =>
      spec({ chains: [{ name: "forward", base: { ...HOOK, priority }, rules: [] }] });
    expect(diffTable(stateOf(at(-10)), at("filter - 10"))).toEqual([]);
    expect(diffTable(stateOf(at(-10)), at("filter - 5"))).toBe("replace");
  });
});

describe("diffTable's script is a function of content", () => {
  it("deletes objects and elements in name order, however the old model was built", () => {
    const set = (name: string, elements: string[]): SetSpec => ({
      name,
      type: "ipv4_addr",
      interval: false,
      elements,
    });
    const chain = (name: string): ChainSpec => ({ name, rules: ["counter"] });
    const base: ChainSpec = { name: "forward", base: HOOK, rules: [] };
    const built = (order: "ab" | "ba") => {
      const names = order === "ab" ? ["a", "b"] : ["b", "a"];
      return spec({
        sets: [
          ...names.map((n) => set(n, [])),
          set("keep", order === "ab" ? ["10.0.0.1", "10.0.0.2"] : ["10.0.0.2", "10.0.0.1"]),
        ],
        counters: names.map((n) => `c${n}`),
        chains: [...names.map((n) => chain(`x${n}`)), base],
      });
    };
    const next = spec({ sets: [set("keep", [])], chains: [base] });
    const ab = diffTable(stateOf(built("ab")), next);
    const ba = diffTable(stateOf(built("ba")), next);
    expect(ba).toEqual(ab);
    expect(ab).not.toBe("replace");
  });
});
