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
import { execBackend, type NftBackend, type NftResult } from "../nft/backend.js";
import { type NodeRuleset, renderNode } from "../render/ruleset.js";
import { systemExec } from "../sys/exec.js";
import { Datapath, type SyncResult } from "./datapath.js";

const GOLDEN_DIR = join(import.meta.dirname, "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
/** The node whose datapath the scenarios program. */
const THIS_NODE = "n1";

/** Records every script the datapath applies; applies succeed. */
class RecordingBackend implements NftBackend {
  readonly scripts: string[] = [];

  apply(script: string): Promise<NftResult> {
    this.scripts.push(script);
    return Promise.resolve({ ok: true });
  }

  listTable(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  listCounters(): Promise<undefined> {
    return Promise.resolve(undefined);
  }
}

/** The node's tables for a cluster, as the agent renders them (local pods' veths known via CNI). */
function rulesetOf(objects: Json[]): NodeRuleset {
  const snapshot = snapshotOf(objects);
  const rules = compile(compileContext(snapshot), THIS_NODE);
  const veths = new Map(rules.pods.map((p) => [p.ref, `veth${p.ref.split("/")[1] ?? ""}`]));
  return renderNode(rules, { interfaces: veths });
}

/** The sync of `after` (following `before`, if any): what it reported and the script it applied. */
async function syncOf(s: Scenario): Promise<{ result: SyncResult; script: string | undefined }> {
  const backend = new RecordingBackend();
  const datapath = new Datapath(backend);
  if (s.before !== undefined) {
    expect(await datapath.sync(rulesetOf(s.before))).toMatchObject({ kind: "full" });
  }
  const applied = backend.scripts.length;
  const result = await datapath.sync(rulesetOf(s.after));
  expect(backend.scripts.length - applied).toBeLessThanOrEqual(1);
  return { result, script: backend.scripts[applied] };
}

/** The golden file: a comment header (scenario, base, what to notice) and the script. */
function goldenText(s: Scenario, script: string | undefined): string {
  const comment = (lines: readonly string[]) => lines.map((l) => (l === "" ? "#" : `# ${l}`));
  const header = comment([
    `Scenario: ${s.title}.`,
    "",
    ...BASE_DESCRIPTION,
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
    const { result, script } = await syncOf(s);
    expect(result.kind).toBe(s.kind);
    const text = goldenText(s, script);
    const path = goldenPath(s);
    if (UPDATE) writeFileSync(path, text);
    let checkedIn: string;
    try {
      checkedIn = readFileSync(path, "utf8");
    } catch {
      throw new Error(`${path} is missing: run UPDATE_GOLDEN=1 npx vitest run src/datapath/golden.test.ts`);
    }
    expect(text, `${path} differs (UPDATE_GOLDEN=1 rewrites it; read the diff)`).toBe(checkedIn);
  });

  it("has a scenario for every checked-in file", () => {
    const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith(".nft"));
    expect(files.sort()).toEqual(SCENARIOS.map((s) => `${s.file}.nft`).sort());
  });
});

describeAsRoot("golden scripts on a real kernel", () => {
  const applied = SCENARIOS.filter((s) => s.kind !== "unchanged");
  it.each(applied.map((s) => [s.file, s] as const))(
    "%s: nft accepts the checked-in file after the base",
    async (_file, s) => {
      await withNetns(async (ns) => {
        if (s.before !== undefined) {
          const datapath = new Datapath(execBackend(systemExec, { netns: ns }));
          expect(await datapath.sync(rulesetOf(s.before))).toMatchObject({ kind: "full" });
        }
        await nsRun(ns, "nft", ["-f", goldenPath(s)]);
      }, "golden");
    },
  );
});
