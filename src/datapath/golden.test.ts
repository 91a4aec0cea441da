/**
 * Golden incremental syncs: for each named scenario (a base cluster and one change), the exact nft
 * script the datapath sends for the change is checked in as `golden/<scenario>.nft`, a readable
 * page of documentation of what a steady-state update touches. The cluster goes through the same
 * functions the agent uses (`compile(compileContext(snapshot), node)`, `renderNode`) and the
 * scripts through `Datapath.sync` on a backend that records them.
 *
 * The scenarios (base cluster, changes, what to notice) are in test/support/golden-scenarios.ts.
 * A missing, stale or different file fails the test. After a deliberate change to the compiler,
 * the renderer or the diff, rewrite the files and read the diff before committing it:
 *
 *     UPDATE_GOLDEN=1 npx vitest run src/datapath/golden.test.ts
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nsRun, withNetns } from "../../test/support/netns.js";
import { BASE_DESCRIPTION, type Scenario, SCENARIOS } from "../../test/support/golden-scenarios.js";
import { type Json, snapshotOf } from "../../test/support/objects.js";
import { describeAsRoot } from "../../test/support/root.js";
import { compile, compileContext } from "../compile/compile.js";
import { execBackend, type ListFailed, listFailed, type NftBackend, type NftResult } from "../nft/backend.js";
import { FakeNft } from "../nft/fake.js";
import { stateOfSpecs } from "../nft/from-spec.js";
import type { TableRef } from "../nft/model.js";
import { type NftState, type TableState, tableKey } from "../nft/state.js";
import type { Transaction } from "../nft/transaction.js";
import { type NodeRuleset, renderNode } from "../render/ruleset.js";
import { systemExec } from "../sys/exec.js";
import { Datapath, type SyncResult } from "./datapath.js";
import { compareTables } from "./drift.js";

const GOLDEN_DIR = join(import.meta.dirname, "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
/** The node whose datapath the scenarios program. */
const THIS_NODE = "n1";

/** The checking fake (it refuses what nft would), recording the script of every transaction. */
class RecordingBackend implements NftBackend {
  readonly scripts: string[] = [];
  readonly fake = new FakeNft();

  apply(txn: Transaction): Promise<NftResult> {
    this.scripts.push(txn.render());
    return this.fake.apply(txn);
  }

  listTable(table: TableRef): Promise<TableState | undefined> {
    return this.fake.listTable(table);
  }

  listCounters(table: TableRef): ReturnType<FakeNft["listCounters"]> {
    return this.fake.listCounters(table);
  }
}

/**
 * The node's tables for a cluster, as the agent renders them: each local pod's veth known (as after
 * CNI ADD), except those of `vethsUnknown`.
 */
function rulesetOf(objects: Json[], vethsUnknown: readonly string[] = []): NodeRuleset {
  const snapshot = snapshotOf(objects);
  const rules = compile(compileContext(snapshot), THIS_NODE);
  const known = rules.pods.filter((p) => !vethsUnknown.includes(p.ref));
  const veths = new Map(known.map((p) => [p.ref, `veth${p.ref.split("/")[1] ?? ""}`]));
  return renderNode(rules, { interfaces: veths });
}

/** What the sync of `after` (following `before`, if any) reported and applied, and the fake's state then. */
interface Synced {
  readonly result: SyncResult;
  readonly script: string | undefined;
  readonly state: NftState;
}

async function syncOf(s: Scenario): Promise<Synced> {
  const backend = new RecordingBackend();
  const datapath = new Datapath(backend);
  if (s.before !== undefined) {
    expect(await datapath.sync(rulesetOf(s.before, s.vethsUnknownBefore))).toMatchObject({ kind: "full" });
  }
  const applied = backend.scripts.length;
  const result = await datapath.sync(rulesetOf(s.after));
  expect(backend.scripts.length - applied).toBeLessThanOrEqual(1);
  return { result, script: backend.scripts[applied], state: backend.fake.state };
}

/** The state the desired tables mean (what a full replace leads to). */
function desiredState(desired: NodeRuleset): NftState {
  const want = stateOfSpecs([desired.inet, desired.bridge]);
  if (!want.ok) throw new Error(`the desired tables are refused: ${want.error.message}`);
  return want.state;
}

/** How `have`'s tables differ from `want`'s, as the drift check describes it (none: the same). */
async function differences(
  want: NftState,
  have: (t: TableRef) => Promise<TableState | undefined | "unreadable" | ListFailed>,
): Promise<string[]> {
  const out: string[] = [];
  for (const wanted of want.values()) {
    const table = await have(wanted);
    if (listFailed(table)) out.push(`${tableKey(wanted)}: ${table.failed}`);
    else if (table === "unreadable") out.push(`${tableKey(wanted)}: unreadable`);
    else out.push(...compareTables(wanted, table));
  }
  return out;
}

/** The golden file: a comment header (scenario, base, what to notice) and the script. */
function goldenText(s: Scenario, script: string | undefined): string {
  const comment = (lines: readonly string[]) => lines.map((l) => (l === "" ? "#" : `# ${l}`));
  const header = comment([
    `Scenario: ${s.title}.`,
    "",
    ...BASE_DESCRIPTION,
    ...(s.description ?? []),
    "",
    "What to notice:",
    ...s.notice.map((n) => (n.startsWith("  ") ? n : `- ${n}`)),
    "",
    "Below: the transaction the datapath gives to `nft -f -` for this change, byte for byte",
    "(src/datapath/golden.test.ts, scenarios in test/support/golden-scenarios.ts;",
    "UPDATE_GOLDEN=1 rewrites this file).",
  ]);
  const body = script ?? "# (no transaction: nft is not run)\n";
  return `${header.join("\n")}\n\n${body}`;
}

const goldenPath = (s: Scenario) => join(GOLDEN_DIR, `${s.file}.nft`);

describe("golden incremental syncs", () => {
  it.each(SCENARIOS.map((s) => [s.file, s] as const))("%s", async (_file, s) => {
    const { result, script, state } = await syncOf(s);
    expect(result.kind).toBe(s.kind);
    // The fake took the transaction (it refuses what nft would) and ends where a full replace would.
    const fake = (t: TableRef) => Promise.resolve(state.get(tableKey(t)));
    expect(await differences(desiredState(rulesetOf(s.after)), fake)).toEqual([]);
    const text = goldenText(s, script);
    const path = goldenPath(s);
    if (UPDATE) {
      // An update run that rewrites a file fails: the next run, without the variable, checks it.
      if (process.env.CI)
        throw new Error("UPDATE_GOLDEN is refused under CI: golden files are checked, never rewritten there");
      let before: string | undefined;
      try {
        before = readFileSync(path, "utf8");
      } catch {
        before = undefined;
      }
      if (before !== text) {
        writeFileSync(path, text);
        throw new Error(`rewrote ${path}: review the diff, then run again without UPDATE_GOLDEN`);
      }
    }
    let checkedIn: string;
    try {
      checkedIn = readFileSync(path, "utf8");
    } catch {
      throw new Error(`${path} is missing: run UPDATE_GOLDEN=1 npx vitest run src/datapath/golden.test.ts`);
    }
    expect(text, `${path} differs (UPDATE_GOLDEN=1 rewrites it; read the diff)`).toBe(checkedIn);
  });

  it("sends the same script for a label change and a policy removal that compile alike", async () => {
    const scriptOf = async (file: string) => {
      const s = SCENARIOS.find((x) => x.file === file);
      if (s === undefined) throw new Error(`no scenario ${file}`);
      return (await syncOf(s)).script;
    };
    const removed = await scriptOf("policy-removed");
    expect(removed).toMatch(/^flush chain inet netguard in\/shop\/db\n/);
    expect(await scriptOf("pod-label-changed")).toBe(removed);
  });

  it.each(["cnp-priority-changed", "cnp-action-changed"])(
    "%s refills only a tier chain: no pod chain, set, map or counter changes",
    async (file) => {
      const s = SCENARIOS.find((x) => x.file === file);
      if (s === undefined) throw new Error(`no scenario ${file}`);
      const lines = ((await syncOf(s)).script ?? "").trimEnd().split("\n");
      expect(lines[0]).toMatch(/^flush chain inet netguard admin-(in|out)\/[0-9a-f]+$/);
      const chain = lines[0]?.split(" ").at(-1) ?? "";
      for (const l of lines.slice(1)) expect(l.startsWith(`add rule inet netguard ${chain} `), l).toBe(true);
    },
  );

  it("has a scenario for every checked-in file", () => {
    const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith(".nft"));
    expect(files.sort()).toEqual(SCENARIOS.map((s) => `${s.file}.nft`).sort());
  });
});

describeAsRoot("golden scripts on a real kernel", () => {
  const applied = SCENARIOS.filter((s) => s.kind !== "unchanged");
  it.each(applied.map((s) => [s.file, s] as const))(
    "%s: nft accepts the checked-in file after the base, and the kernel ends where a full replace would",
    async (_file, s) => {
      await withNetns(async (ns) => {
        if (s.before !== undefined) {
          const datapath = new Datapath(execBackend(systemExec, { netns: ns }));
          expect(await datapath.sync(rulesetOf(s.before, s.vethsUnknownBefore))).toMatchObject({
            kind: "full",
          });
        }
        await nsRun(ns, "nft", ["-f", goldenPath(s)]);
        const kernel = (t: TableRef) => execBackend(systemExec, { netns: ns }).listTable(t);
        // The kernel's listing, read into the model, is the fake's state after the same syncs,
        // and the state a full replace leads to.
        expect(await differences((await syncOf(s)).state, kernel)).toEqual([]);
        expect(await differences(desiredState(rulesetOf(s.after)), kernel)).toEqual([]);
      }, "golden");
    },
  );
});
