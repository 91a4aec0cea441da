/**
 * The JSON reader and the text reader agree: the golden base ruleset (test/support/nft-ruleset.ts,
 * the script src/datapath/golden/first-sync.nft) applied to an empty network namespace on nft 1.0.6
 * and listed with `nft -j list ruleset` (src/nft/fixtures/golden-base.nft.json, one object a line,
 * as captured) reads into the same model as the rendered tables (rules compared by facts), and
 * an edit of one rule in the listing is a named difference.
 *
 * When the renderer changes the base ruleset, capture the listing again (as root, nft 1.0.6) with
 * `ip netns exec <ns> nft -f src/datapath/golden/first-sync.nft` then `nft -j list ruleset` in
 * a fresh namespace, one object a line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { goldenBaseRuleset } from "../../test/support/nft-ruleset.js";
import { stateOfSpecs } from "../nft/from-spec.js";
import { parseListing } from "../nft/json.js";
import type { NftState, TableState } from "../nft/state.js";
import { compareTables } from "./drift.js";

const FIXTURE = readFileSync(join(import.meta.dirname, "../nft/fixtures/golden-base.nft.json"), "utf8");
const ESTABLISHED = `{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": ["established", "related"]}}, `;

function listing(text: string): NftState {
  const state = parseListing(text);
  if (state === "unreadable") throw new Error("the listing is unreadable");
  return state;
}

function rendered(): NftState {
  const r = goldenBaseRuleset();
  const state = stateOfSpecs([r.inet, r.bridge]);
  if (!state.ok) throw new Error(state.error.message);
  return state.state;
}

function table(state: NftState, key: string): TableState {
  const t = state.get(key);
  if (t === undefined) throw new Error(`no table ${key}`);
  return t;
}

/** The fixture with exactly one occurrence of `from` replaced. */
function edited(from: string, to: string): string {
  expect(FIXTURE.split(from)).toHaveLength(2);
  return FIXTURE.replace(from, to);
}

describe("the nft 1.0.6 listing of the golden base ruleset", () => {
  it("reads into the model of the rendered tables, both tables, no difference", () => {
    const want = rendered();
    const have = listing(FIXTURE);
    expect([...have.keys()]).toEqual(["inet netguard", "bridge netguard"]);
    for (const key of want.keys()) expect(compareTables(table(want, key), have.get(key))).toEqual([]);
  });

  it("names a rule whose verdict was edited", () => {
    const have = listing(edited(`${ESTABLISHED}{"accept": null}`, `${ESTABLISHED}{"drop": null}`));
    const key = "inet netguard";
    expect(compareTables(table(rendered(), key), have.get(key))).toEqual([
      "inet netguard chain forward: rule 5 decides accept, kernel's drop",
    ]);
  });

  it("names a rule edited inside, facts kept, against the baseline listing", () => {
    const have = listing(edited(`${ESTABLISHED}{"accept": null}`, `{"accept": null}`));
    const key = "inet netguard";
    expect(compareTables(table(rendered(), key), have.get(key))).toEqual([]);
    expect(compareTables(table(rendered(), key), have.get(key), listing(FIXTURE).get(key))).toEqual([
      "inet netguard chain forward: rule 5 changed since netguard applied it",
    ]);
  });
});
