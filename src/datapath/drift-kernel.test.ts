/**
 * The drift check on a real kernel: an edit inside one of netguard's rules that keeps what the rule
 * names and decides (its facts) is still found and repaired, since each rule's fingerprint is
 * compared with the kernel's listing taken right after the sync that wrote it.
 */
import { expect, it } from "vitest";
import { nsRun, withNetns } from "../../test/support/netns.js";
import { goldenBaseRuleset, goldenScenario, rulesetOf } from "../../test/support/nft-ruleset.js";
import { describeAsRoot } from "../../test/support/root.js";
import { execBackend } from "../nft/backend.js";
import type { TableRef } from "../nft/model.js";
import { tableKey } from "../nft/state.js";
import { systemExec } from "../sys/exec.js";
import { Datapath } from "./datapath.js";

/** In-rule edits of the inet forward chain: the rule as nft lists it, and what it is replaced by. */
const EDITS = [
  ["ct state established,related accept", "accept"],
  [
    'ip saddr @podcidr4 ip saddr != @local4 counter name "unprogrammed" drop',
    'ip saddr @podcidr4 ip saddr @local4 counter name "unprogrammed" drop',
  ],
  ["ip saddr vmap @egress4", "ip daddr vmap @egress4"],
] as const;

/** A chain's rules as nft lists them, without handles and counter values. */
async function rulesOf(ns: string, chain = "forward"): Promise<string[]> {
  const text = await nsRun(ns, "nft", ["list", "chain", "inet", "netguard", chain]);
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^(table|chain|type|}|policy)/.test(l));
}

/** The handle of the rule of the chain listed exactly as `rule`. */
async function handleOf(ns: string, rule: string, chain = "forward"): Promise<string> {
  const text = await nsRun(ns, "nft", ["-a", "list", "chain", "inet", "netguard", chain]);
  const line = text.split("\n").find((l) => l.trim().startsWith(`${rule} # handle `));
  const handle = line?.match(/# handle (\d+)$/)?.[1];
  if (handle === undefined) throw new Error(`no forward rule "${rule}" in:\n${text}`);
  return handle;
}

describeAsRoot("drift check on nft 1.0.6", () => {
  it.each(EDITS)("finds and repairs `%s` replaced by `%s`", async (rule, edited) => {
    await withNetns(async (ns) => {
      const datapath = new Datapath(execBackend(systemExec, { netns: ns }));
      expect(await datapath.sync(goldenBaseRuleset())).toMatchObject({ kind: "full" });
      const applied = await rulesOf(ns);
      expect(applied).toContain(rule);
      expect(await datapath.repairDrift()).toEqual({ drifted: false, differences: [] });

      const handle = await handleOf(ns, rule);
      await nsRun(ns, "nft", ["replace", "rule", "inet", "netguard", "forward", "handle", handle, edited]);
      expect(await rulesOf(ns)).not.toEqual(applied);
      const position = applied.indexOf(rule) + 1;
      const repaired = await datapath.repairDrift();
      expect(repaired).toMatchObject({
        drifted: true,
        differences: [`inet netguard chain forward: rule ${position} changed since netguard applied it`],
        result: { kind: "full" },
      });
      expect(await rulesOf(ns)).toEqual(applied);
      expect(await datapath.repairDrift()).toEqual({ drifted: false, differences: [] });
    }, "drift");
  });

  it("keeps the baseline of a chain an incremental sync refilled, and finds an edit there", async () => {
    await withNetns(async (ns) => {
      const s = goldenScenario("policy-changed");
      const real = execBackend(systemExec, { netns: ns });
      const tableListings: string[] = [];
      const listRules = (t: TableRef) => {
        tableListings.push(tableKey(t));
        return real.listRules(t);
      };
      const datapath = new Datapath({ ...real, listRules });
      expect(await datapath.sync(rulesetOf(s.before ?? []))).toMatchObject({ kind: "full" });
      await datapath.settled();
      expect(tableListings).toEqual(["inet netguard", "bridge netguard"]);
      expect(await datapath.sync(rulesetOf(s.after))).toMatchObject({ kind: "incremental" });
      await datapath.settled();
      // The refilled chain alone was listed for the baseline, not the tables.
      expect(tableListings).toHaveLength(2);
      expect(await datapath.repairDrift()).toEqual({ drifted: false, differences: [] });

      const chain = "in/shop/web";
      const applied = await rulesOf(ns, chain);
      const rule = applied[0] ?? "";
      const handle = await handleOf(ns, rule, chain);
      await nsRun(ns, "nft", [
        "replace",
        "rule",
        "inet",
        "netguard",
        chain,
        "handle",
        handle,
        `meta mark 0x1 ${rule}`,
      ]);
      expect(await datapath.repairDrift()).toMatchObject({
        drifted: true,
        differences: [`inet netguard chain ${chain}: rule 1 changed since netguard applied it`],
        result: { kind: "full" },
      });
      expect(await rulesOf(ns, chain)).toEqual(applied);
    }, "drift");
  });
});
