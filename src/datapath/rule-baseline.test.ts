import { describe, expect, it } from "vitest";
import { goldenBaseRuleset, goldenScenario, rulesetOf } from "../../test/support/nft-ruleset.js";
import type { NftBackend } from "../nft/backend.js";
import { FakeNft } from "../nft/fake.js";
import type { TableRef } from "../nft/model.js";
import { type TableState, tableKey } from "../nft/state.js";
import type { Command } from "../nft/transaction.js";
import { Datapath } from "./datapath.js";
import { CHAINS_LISTED_ONE_BY_ONE, RuleBaseline, ruleChanges } from "./rule-baseline.js";

/** The checking fake, recording the listings asked of it (`table …`, `chain …`). */
function recordingNft(withChains = true): { backend: NftBackend; listings: string[] } {
  const fake = new FakeNft();
  const listings: string[] = [];
  const backend: NftBackend = {
    apply: (txn) => fake.apply(txn),
    listTable: (t) => {
      listings.push(`table ${tableKey(t)}`);
      return fake.listTable(t);
    },
    listCounters: (t) => fake.listCounters(t),
  };
  if (!withChains) return { backend, listings };
  const listChain = (t: TableRef, name: string) => {
    listings.push(`chain ${tableKey(t)} ${name}`);
    return Promise.resolve(fake.state.get(tableKey(t))?.chains.get(name));
  };
  return { backend: { ...backend, listChain }, listings };
}

/** The listings one sync from the scenario's `before` to its `after` costs. */
async function listingsOf(file: string, withChains = true): Promise<string[]> {
  const s = goldenScenario(file);
  const { backend, listings } = recordingNft(withChains);
  const datapath = new Datapath(backend);
  await datapath.sync(rulesetOf(s.before ?? []));
  await datapath.settled();
  const before = listings.length;
  expect(await datapath.sync(rulesetOf(s.after))).toMatchObject({ kind: s.kind });
  await datapath.settled();
  return listings.slice(before);
}

describe("the rule baseline of the datapath", () => {
  it("lists both tables once right after a full replace", async () => {
    const { backend, listings } = recordingNft();
    const datapath = new Datapath(backend);
    expect(await datapath.sync(goldenBaseRuleset())).toMatchObject({ kind: "full" });
    await datapath.settled();
    expect(listings).toEqual(["table inet netguard", "table bridge netguard"]);
  });

  it("returns from a sync before the baseline listing is done; the drift check and next sync wait for it", async () => {
    const { backend, listings } = recordingNft();
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow: NftBackend = {
      ...backend,
      listTable: async (t) => {
        await held;
        return backend.listTable(t);
      },
    };
    const datapath = new Datapath(slow);
    expect(await datapath.sync(goldenBaseRuleset())).toMatchObject({ kind: "full" });
    const drift = datapath.repairDrift();
    await Promise.resolve();
    expect(listings).toEqual([]);
    release();
    expect(await drift).toEqual({ drifted: false, differences: [] });
    // The baseline (two listings) came before the drift check's own two.
    expect(listings).toEqual([
      "table inet netguard",
      "table bridge netguard",
      "table inet netguard",
      "table bridge netguard",
    ]);
  });

  it("costs no listing when a sync only changes set and map elements (pod churn)", async () => {
    expect(await listingsOf("remote-pod-added")).toEqual([]);
    expect(await listingsOf("node-added")).toEqual([]);
  });

  it("lists only the chains a sync refilled", async () => {
    expect(await listingsOf("policy-changed")).toEqual(["chain inet netguard in/shop/web"]);
    expect(await listingsOf("pod-label-changed")).toEqual(["chain inet netguard in/shop/db"]);
  });

  it("lists the tables when the backend cannot list a chain", async () => {
    expect(await listingsOf("policy-changed", false)).toEqual([
      "table inet netguard",
      "table bridge netguard",
    ]);
  });
});

describe("ruleChanges", () => {
  const T: TableRef = { family: "inet", name: "netguard" };
  it("names the chains rules were added to, chains added, flushed or deleted; none for elements", () => {
    const commands: Command[] = [
      { op: "add-elements", table: T, set: "s", elements: ["10.0.0.1"] },
      { op: "delete-elements", table: T, set: "s", elements: ["10.0.0.2"] },
      { op: "add-chain", table: T, chain: { name: "a", rules: [] } },
      { op: "flush-chain", table: T, name: "b" },
      { op: "add-rule", table: T, chain: "b", rule: "accept" },
      { op: "delete-chain", table: T, name: "c" },
    ];
    expect(ruleChanges(commands.slice(0, 2))).toBe("none");
    expect(ruleChanges(commands)).toEqual(new Map([["inet netguard", new Set(["a", "b", "c"])]]));
    expect(ruleChanges([...commands, { op: "delete-table", table: T }])).toBe("tables");
  });
});

describe("RuleBaseline", () => {
  const INET: TableRef = { family: "inet", name: "netguard" };
  const chainOf = (name: string, fingerprint: string) => ({
    name,
    base: undefined,
    rules: [
      { text: undefined, facts: { chains: [], sets: [], counters: [], verdict: "accept" }, fingerprint },
    ],
  });
  const listed = (fingerprint: string, more: string[] = []): TableState => ({
    ...INET,
    sets: new Map(),
    maps: new Map(),
    counters: new Set(),
    chains: new Map(["c", ...more].map((n) => [n, chainOf(n, fingerprint)] as const)),
  });
  const flush = (name: string): Command => ({ op: "flush-chain", table: INET, name });

  it("takes the drift check's listing as the baseline when the capture's listing failed", async () => {
    const baseline = new RuleBaseline({ listTable: () => Promise.resolve({ failed: "Killed" }) }, [INET]);
    await baseline.afterApply([flush("c")]);
    expect(baseline.against(listed("a"))).toBeUndefined();
    expect(baseline.against(listed("b"))).toEqual(listed("a"));
  });

  it("keeps the baseline across element changes and relists a changed chain alone", async () => {
    let next = listed("a", ["d"]);
    const baseline = new RuleBaseline(
      {
        listTable: () => Promise.resolve(next),
        listChain: (_t, name) => Promise.resolve(next.chains.get(name)),
      },
      [INET],
    );
    await baseline.afterApply([{ op: "delete-table", table: INET }]);
    next = listed("b", ["d"]);
    await baseline.afterApply([{ op: "add-elements", table: INET, set: "s", elements: ["10.0.0.1"] }]);
    expect(baseline.against(listed("x"))).toEqual(listed("a", ["d"]));
    await baseline.afterApply([flush("d")]);
    const chains = new Map([
      ["c", chainOf("c", "a")],
      ["d", chainOf("d", "b")],
    ]);
    expect(baseline.against(listed("x"))).toEqual({ ...listed("a"), chains });
    await baseline.afterApply([{ op: "delete-chain", table: INET, name: "d" }]);
    expect(baseline.against(listed("x"))?.chains.has("d")).toBe(true);
    next = listed("b");
    await baseline.afterApply([{ op: "delete-chain", table: INET, name: "d" }]);
    expect(baseline.against(listed("x"))).toEqual(listed("a"));
  });

  it("lists the tables' rules without their elements when the backend can", async () => {
    const asked: string[] = [];
    const baseline = new RuleBaseline(
      {
        listTable: () => Promise.resolve(listed("a")).finally(() => asked.push("table")),
        listRules: () => Promise.resolve(listed("b")).finally(() => asked.push("rules")),
      },
      [INET],
    );
    await baseline.afterApply([{ op: "delete-table", table: INET }]);
    expect(asked).toEqual(["rules"]);
    expect(baseline.against(listed("x"))).toEqual(listed("b"));
  });

  it("lists the tables when more chains changed than are listed one by one", async () => {
    const asked: string[] = [];
    const baseline = new RuleBaseline(
      {
        listTable: () => Promise.resolve(listed("a")).finally(() => asked.push("table")),
        listChain: () => Promise.resolve(undefined).finally(() => asked.push("chain")),
      },
      [INET],
    );
    await baseline.afterApply([{ op: "delete-table", table: INET }]);
    const many = Array.from({ length: CHAINS_LISTED_ONE_BY_ONE + 1 }, (_, i) => flush(`c${i}`));
    await baseline.afterApply(many);
    await baseline.afterApply(many.slice(1));
    expect(asked).toEqual(["table", "table", ...many.slice(1).map(() => "chain")]);
  });
});
