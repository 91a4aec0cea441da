import { describe, expect, it } from "vitest";
import { ruleFacts } from "../nft/rule-facts.js";
import type { ChainState, MapState, RuleState, SetState, TableState } from "../nft/state.js";
import type { BaseChain } from "../nft/model.js";
import { MAX_DIFFERENCES, compareTables } from "./drift.js";

const FORWARD: BaseChain = { type: "filter", hook: "forward", priority: "filter", policy: "accept" };

/** Our rule as we wrote it (facts from the text). */
const ours = (text: string): RuleState => ({ text, facts: ruleFacts(text) });
/** The same rule as the kernel lists it (no text, facts only). */
const kernels = (text: string): RuleState => ({ text: undefined, facts: ruleFacts(text) });

function chain(name: string, rules: readonly RuleState[], base?: BaseChain): [string, ChainState] {
  return [name, { name, base, rules }];
}

function set(name: string, elements: string[], type = "ipv4_addr", interval = false): [string, SetState] {
  return [name, { name, type, interval, elements: new Set(elements) }];
}

function map(name: string, elements: Array<[string, string]>): [string, MapState] {
  return [name, { name, keyType: "ipv4_addr", interval: false, elements: new Map(elements) }];
}

function table(parts: {
  sets?: Array<[string, SetState]>;
  maps?: Array<[string, MapState]>;
  counters?: string[];
  chains?: Array<[string, ChainState]>;
}): TableState {
  return {
    family: "inet",
    name: "netguard",
    sets: new Map(parts.sets ?? []),
    maps: new Map(parts.maps ?? []),
    counters: new Set(parts.counters ?? []),
    chains: new Map(parts.chains ?? []),
  };
}

const WEB_RULES = ["ip saddr @peers accept", "counter name drop/in/a/web drop"];

/** The table we applied: one pod chain, its set, counter and dispatch map, and the forward chain. */
function wanted(rule: (text: string) => RuleState = ours): TableState {
  return table({
    sets: [set("peers", ["10.1.0.9", "10.1.0.10"])],
    maps: [map("ingress4", [["10.1.0.5", "jump in/a/web"]])],
    counters: ["drop/in/a/web"],
    chains: [
      chain("in/a/web", WEB_RULES.map(rule)),
      chain("forward", ["ct state established,related accept", "ip daddr vmap @ingress4"].map(rule), FORWARD),
    ],
  });
}

describe("compareTables", () => {
  it("finds no difference between what we applied and the kernel's listing of it (rules compared by facts)", () => {
    const have = wanted(kernels);
    const forward = have.chains.get("forward");
    const listed = { ...have, chains: new Map(have.chains) };
    // nft lists the standard priority `filter` of the inet family as 0.
    if (forward?.base) listed.chains.set("forward", { ...forward, base: { ...forward.base, priority: 0 } });
    expect(compareTables(wanted(), listed)).toEqual([]);
  });

  it("says when the table is missing", () => {
    expect(compareTables(wanted(), undefined)).toEqual(["table inet netguard is missing"]);
  });

  it("counts the rules of a flushed chain", () => {
    const have = wanted(kernels);
    const chains = new Map(have.chains).set("in/a/web", { name: "in/a/web", base: undefined, rules: [] });
    expect(compareTables(wanted(), { ...have, chains })).toEqual([
      "inet netguard chain in/a/web: 2 rules wanted, 0 found",
    ]);
  });

  it("names a rule that jumps elsewhere, looks up another set, counts elsewhere or decides otherwise", () => {
    const have = table({
      ...wantedParts(),
      chains: [
        chain("in/a/web", ["ip saddr @other accept", "counter name drop/in/a/web accept"].map(kernels)),
        chain(
          "forward",
          ["ct state established,related jump in/a/web", "ip daddr vmap @ingress4"].map(kernels),
          {
            ...FORWARD,
            priority: 0,
          },
        ),
      ],
    });
    expect(compareTables(wanted(), { ...have, sets: new Map([...have.sets, set("other", [])]) })).toEqual([
      "inet netguard set other found, not wanted",
      "inet netguard chain forward: rule 1 jumps to none, kernel's to in/a/web",
      "inet netguard chain in/a/web: rule 1 looks up @peers, kernel's @other",
      "inet netguard chain in/a/web: rule 2 decides drop, kernel's accept",
    ]);
  });

  it("lists missing and unwanted set elements, a few by name and the rest counted", () => {
    const want = table({
      sets: [set("peers", ["10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5"])],
    });
    const have = table({ sets: [set("peers", ["10.1.0.1", "10.9.9.9"])] });
    expect(compareTables(want, have)).toEqual([
      "inet netguard set peers: 10.1.0.2, 10.1.0.3, 10.1.0.4 and 1 more missing",
      "inet netguard set peers: 10.9.9.9 found, not wanted",
    ]);
  });

  it("names a map entry that decides otherwise, and one that is missing", () => {
    const want = table({
      maps: [
        map("ingress4", [
          ["10.1.0.5", "jump in/a/web"],
          ["10.1.0.6", "accept"],
        ]),
      ],
    });
    const have = table({ maps: [map("ingress4", [["10.1.0.5", "accept"]])] });
    expect(compareTables(want, have)).toEqual([
      "inet netguard map ingress4: 10.1.0.6 missing",
      "inet netguard map ingress4: 10.1.0.5 maps to jump in/a/web, kernel's to accept",
    ]);
  });

  it("reports a set of another type or flags, and a chain on another hook, without comparing their contents", () => {
    const want = table({
      sets: [set("peers", ["10.1.0.1"], "ipv4_addr", true)],
      chains: [chain("forward", [ours("accept")], FORWARD)],
    });
    const have = table({
      sets: [set("peers", ["fd00::1"], "ipv6_addr", false)],
      chains: [chain("forward", [], { ...FORWARD, hook: "input", priority: 0 })],
    });
    expect(compareTables(want, have)).toEqual([
      "inet netguard set peers: type ipv4_addr wanted, ipv6_addr found",
      "inet netguard set peers: flags interval wanted, none found",
      "inet netguard chain forward: filter hook forward priority 0 policy accept wanted, filter hook input priority 0 policy accept found",
    ]);
  });

  it("reports missing and unwanted objects of every kind in name order", () => {
    const want = table({ counters: ["b", "a"], chains: [chain("c2", []), chain("c1", [])] });
    const have = table({ counters: ["z"], maps: [map("m", [])], chains: [chain("regular", [], FORWARD)] });
    expect(compareTables(want, have)).toEqual([
      "inet netguard map m found, not wanted",
      "inet netguard counter a missing",
      "inet netguard counter b missing",
      "inet netguard counter z found, not wanted",
      "inet netguard chain c1 missing",
      "inet netguard chain c2 missing",
      "inet netguard chain regular found, not wanted",
    ]);
  });

  it(`lists at most ${MAX_DIFFERENCES} differences, the last one counting the rest`, () => {
    const names = Array.from({ length: 30 }, (_, i) => `c${String(i).padStart(2, "0")}`);
    const out = compareTables(table({ counters: names }), table({}));
    expect(out).toHaveLength(MAX_DIFFERENCES);
    expect(out[0]).toBe("inet netguard counter c00 missing");
    expect(out[MAX_DIFFERENCES - 1]).toBe("inet netguard: … and 11 more differences");
  });
});

function wantedParts() {
  const w = wanted();
  return { sets: [...w.sets], maps: [...w.maps], counters: [...w.counters] };
}

describe("compareTables with the baseline of rule fingerprints", () => {
  /** The rule as the kernel lists it, with a fingerprint standing for its exact expressions. */
  const listed =
    (edited?: string) =>
    (text: string): RuleState => ({
      ...kernels(text),
      fingerprint: text === edited ? `${text} (edited)` : text,
    });
  const established = "ct state established,related accept";

  it("names a rule whose expressions changed while its facts did not", () => {
    const baseline = wanted(listed());
    const have = wanted(listed(established));
    expect(compareTables(wanted(), have, baseline)).toEqual([
      "inet netguard chain forward: rule 1 changed since netguard applied it",
    ]);
  });

  it("finds nothing when every fingerprint is the baseline's, or when either side has none", () => {
    expect(compareTables(wanted(), wanted(listed()), wanted(listed()))).toEqual([]);
    expect(compareTables(wanted(), wanted(listed(established)), wanted(kernels))).toEqual([]);
    expect(compareTables(wanted(), wanted(listed(established)))).toEqual([]);
  });

  it("reports a changed fact rather than the fingerprint when both changed", () => {
    const have = table({
      sets: [set("peers", ["10.1.0.9", "10.1.0.10"])],
      maps: [map("ingress4", [["10.1.0.5", "jump in/a/web"]])],
      counters: ["drop/in/a/web"],
      chains: [
        chain("in/a/web", ["ip saddr @peers drop", WEB_RULES[1] ?? ""].map(listed("ip saddr @peers drop"))),
        chain("forward", [established, "ip daddr vmap @ingress4"].map(listed()), FORWARD),
      ],
    });
    expect(compareTables(wanted(), have, wanted(listed()))).toEqual([
      "inet netguard chain in/a/web: rule 1 decides accept, kernel's drop",
    ]);
  });
});

describe("compareTables on base chain priorities", () => {
  it("reads a priority name with an offset as the number nft lists (filter - 10 is -10 in inet)", () => {
    const want = table({ chains: [chain("forward", [], { ...FORWARD, priority: "filter - 10" })] });
    const have = table({ chains: [chain("forward", [], { ...FORWARD, priority: -10 })] });
    expect(compareTables(want, have)).toEqual([]);
    const other = table({ chains: [chain("forward", [], { ...FORWARD, priority: -11 })] });
    expect(compareTables(want, other)).toEqual([
      "inet netguard chain forward: filter hook forward priority -10 policy accept wanted, filter hook forward priority -11 policy accept found",
    ]);
  });
});
