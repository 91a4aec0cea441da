import { describe, expect, it } from "vitest";
import { goldenBaseRuleset, goldenScenario, rulesetOf } from "../../test/support/nft-ruleset.js";
import type { NftBackend } from "../nft/backend.js";
import { FakeNft } from "../nft/fake.js";
import type { TableRef } from "../nft/model.js";
import type { TableState } from "../nft/state.js";
import { Datapath } from "./datapath.js";
import { RuleBaseline } from "./rule-baseline.js";

/** The checking fake, counting the listings asked of it. */
function countingNft(): { backend: NftBackend; listings: () => number } {
  const fake = new FakeNft();
  let listings = 0;
  const backend: NftBackend = {
    apply: (txn) => fake.apply(txn),
    listTable: (t) => {
      listings++;
      return fake.listTable(t);
    },
    listCounters: (t) => fake.listCounters(t),
  };
  return { backend, listings: () => listings };
}

/** Listings one sync from the scenario's `before` to its `after` costs. */
async function listingsOf(file: string): Promise<number> {
  const s = goldenScenario(file);
  const { backend, listings } = countingNft();
  const datapath = new Datapath(backend);
  await datapath.sync(rulesetOf(s.before ?? []));
  const before = listings();
  expect(await datapath.sync(rulesetOf(s.after))).toMatchObject({ kind: s.kind });
  return listings() - before;
}

describe("the rule baseline of the datapath", () => {
  it("lists both tables once right after a full replace", async () => {
    const { backend, listings } = countingNft();
    expect(await new Datapath(backend).sync(goldenBaseRuleset())).toMatchObject({ kind: "full" });
    expect(listings()).toBe(2);
  });

  it("costs no listing when a sync only changes set and map elements (pod churn)", async () => {
    expect(await listingsOf("remote-pod-added")).toBe(0);
    expect(await listingsOf("node-added")).toBe(0);
  });

  it("lists again after a sync that refills a chain", async () => {
    expect(await listingsOf("policy-changed")).toBe(2);
    expect(await listingsOf("pod-label-changed")).toBe(2);
  });
});

describe("RuleBaseline", () => {
  const INET: TableRef = { family: "inet", name: "netguard" };
  const listed = (fingerprint: string): TableState => ({
    ...INET,
    sets: new Map(),
    maps: new Map(),
    counters: new Set(),
    chains: new Map([
      [
        "c",
        {
          name: "c",
          base: undefined,
          rules: [
            {
              text: undefined,
              facts: { chains: [], sets: [], counters: [], verdict: "accept" },
              fingerprint,
            },
          ],
        },
      ],
    ]),
  });

  it("takes the drift check's listing as the baseline when the capture's listing failed", async () => {
    const baseline = new RuleBaseline({ listTable: () => Promise.resolve("unreadable") }, [INET]);
    await baseline.afterApply([{ op: "flush-chain", table: INET, name: "c" }]);
    expect(baseline.against(listed("a"))).toBeUndefined();
    expect(baseline.against(listed("b"))).toEqual(listed("a"));
  });

  it("keeps the baseline across element changes and replaces it after a rule change", async () => {
    let next = listed("a");
    const baseline = new RuleBaseline({ listTable: () => Promise.resolve(next) }, [INET]);
    await baseline.afterApply([{ op: "add-rule", table: INET, chain: "c", rule: "accept" }]);
    next = listed("b");
    await baseline.afterApply([{ op: "add-elements", table: INET, set: "s", elements: ["10.0.0.1"] }]);
    expect(baseline.against(listed("x"))).toEqual(listed("a"));
    await baseline.afterApply([{ op: "delete-chain", table: INET, name: "c" }]);
    expect(baseline.against(listed("x"))).toEqual(listed("b"));
  });
});
