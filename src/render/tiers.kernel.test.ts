/**
 * Tier chains on a real kernel: the rendered tables (hand-built IR, test/support/tier-ir.ts) are
 * applied with `nft -f -` in a throwaway network namespace, first whole and then as the incremental
 * syncs a ClusterNetworkPolicy change causes, and after each sync the kernel's listing equals both
 * the checking fake's state and the state a full replace of the desired tables leads to.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import { numRuns } from "../../test/gen/cluster.js";
import { randomCnps, snapshotWithCnps, tieredCluster } from "../../test/support/cnp-arbitraries.js";
import { withNetns } from "../../test/support/netns.js";
import { describeAsRoot } from "../../test/support/root.js";
import {
  DENY_ALL,
  DNS_PORTS,
  METADATA,
  TENANTS,
  localPod,
  nodeRules,
  tierChain,
  tierRule,
} from "../../test/support/tier-ir.js";
import { compileAll } from "../compile/compile.js";
import type { NodeRules, TierChain } from "../compile/ir.js";
import { Datapath } from "../datapath/datapath.js";
import { compareTables } from "../datapath/drift.js";
import { execBackend } from "../nft/backend.js";
import { diffTable } from "../nft/diff.js";
import { FakeNft } from "../nft/fake.js";
import { stateOfSpecs } from "../nft/from-spec.js";
import { OWNED_TABLES } from "../nft/model.js";
import { type NftState, tableKey } from "../nft/state.js";
import { Transaction } from "../nft/transaction.js";
import { systemExec } from "../sys/exec.js";
import { renderNode } from "./ruleset.js";

const WEB = ["10.1.0.10", "fd01::10"];
const DB = ["10.1.0.11"];

const guard = [
  tierRule("guard", "egress", 0, "Deny", METADATA, undefined, "no-metadata"),
  tierRule("guard", "egress", 1, "Accept", TENANTS, DNS_PORTS, "dns"),
];
const other = [tierRule("other", "egress", 0, "Pass", TENANTS), tierRule("other", "egress", 1, "Deny")];
const adminIn = tierChain(
  "Admin",
  "ingress",
  "a1",
  ["guard"],
  [tierRule("guard", "ingress", 0, "Accept", TENANTS)],
);
const baseIn = tierChain("Baseline", "ingress", "b1", ["floor"], [tierRule("floor", "ingress", 0, "Deny")]);

/** web: Admin egress (guard, other); db: isolated ingress with Admin and Baseline ingress. */
function cluster(adminOut: TierChain | undefined): NodeRules {
  return nodeRules(
    [
      localPod("shop/web", WEB, {}, adminOut ? { egress: { admin: adminOut.name } } : undefined),
      localPod(
        "shop/db",
        DB,
        { ingress: DENY_ALL },
        { ingress: { admin: adminIn.name, baseline: baseIn.name } },
      ),
    ],
    [...(adminOut ? [adminOut] : []), adminIn, baseIn],
  );
}

const guardFirst = tierChain("Admin", "egress", "p1", ["guard", "other"], [...guard, ...other]);
/** `other`'s priority made lower than `guard`'s: the same chain, its rules in the other order. */
const otherFirst = tierChain("Admin", "egress", "p1", ["other", "guard"], [...other, ...guard]);
/** One rule's action changed (guard's dns rule Accept → Deny). */
const dnsDenied = tierChain(
  "Admin",
  "egress",
  "p1",
  ["guard", "other"],
  [guard[0]!, { ...guard[1]!, action: "Deny" }, ...other],
);

/** The kernel's tables equal the fake's state and the state the desired tables define. */
async function expectKernelIs(netns: string, fake: NftState, desired: NodeRules): Promise<void> {
  const rs = renderNode(desired);
  const want = stateOfSpecs([rs.inet, rs.bridge]);
  if (!want.ok) throw new Error(want.error.message);
  const kernel = execBackend(systemExec, { netns });
  for (const t of OWNED_TABLES) {
    const have = await kernel.listTable(t);
    if (have === "unreadable" || (typeof have === "object" && "failed" in have))
      throw new Error(`list ${tableKey(t)}`);
    const key = tableKey(t);
    expect(compareTables(fake.get(key)!, have), `fake vs kernel ${key}`).toEqual([]);
    expect(compareTables(want.state.get(key)!, have), `desired vs kernel ${key}`).toEqual([]);
  }
}

/** Syncs the kernel and a fake through the same steps, checking both after each one. */
async function stepThrough(netns: string, steps: readonly NodeRules[]): Promise<void> {
  const kernel = new Datapath(execBackend(systemExec, { netns }));
  const fakeNft = new FakeNft();
  const fake = new Datapath(fakeNft);
  for (const [i, step] of steps.entries()) {
    const expected = i === 0 ? "full" : "incremental";
    expect(await kernel.sync(renderNode(step)), `step ${i}`).toMatchObject({ kind: expected });
    expect(await fake.sync(renderNode(step)), `step ${i}`).toMatchObject({ kind: expected });
    await expectKernelIs(netns, fakeNft.state, step);
  }
}

/** The script lines of the inet table's incremental sync from `a` to `b`. */
function inetScript(a: NodeRules, b: NodeRules): string[] {
  const before = stateOfSpecs([renderNode(a).inet]);
  if (!before.ok) throw new Error(before.error.message);
  const d = diffTable(before.state.get("inet netguard")!, renderNode(b).inet);
  if (d === "replace") throw new Error("diff wants a replace");
  const txn = new Transaction();
  for (const c of d) txn.add(c);
  return txn.render().trimEnd().split("\n");
}

describeAsRoot("tier chains on a real kernel", () => {
  it("takes the tier tables whole, and lists what the checking fake holds", async () => {
    await withNetns((ns) => stepThrough(ns, [cluster(guardFirst)]), "tiers");
  });

  it("takes every node's tables for random ClusterNetworkPolicies and NetworkPolicies, as the fake does", async () => {
    await withNetns(async (ns) => {
      await fc.assert(
        fc.asyncProperty(tieredCluster, randomCnps(undefined, 4), async (objs, cnps) => {
          for (const rules of compileAll(snapshotWithCnps(objs, cnps)).values()) {
            const fakeNft = new FakeNft();
            expect(await new Datapath(fakeNft).sync(renderNode(rules))).toMatchObject({ kind: "full" });
            const synced = await new Datapath(execBackend(systemExec, { netns: ns })).sync(renderNode(rules));
            expect(synced).toMatchObject({ kind: "full" });
            expect(synced).not.toHaveProperty("modelRefused");
            await expectKernelIs(ns, fakeNft.state, rules);
          }
        }),
        { numRuns: numRuns(8) },
      );
    }, "tiers");
  });

  it("follows random ClusterNetworkPolicy changes with incremental syncs that end where a full replace would", async () => {
    await withNetns(async (ns) => {
      await fc.assert(
        fc.asyncProperty(
          tieredCluster,
          randomCnps(undefined, 4),
          randomCnps(undefined, 4),
          async (objs, before, after) => {
            await systemExec("ip", ["netns", "exec", ns, "nft", "flush", "ruleset"]);
            const node = (cnps: typeof before) => [...compileAll(snapshotWithCnps(objs, cnps)).values()][0];
            const [a, b] = [node(before), node(after)];
            if (a === undefined || b === undefined) return;
            const fakeNft = new FakeNft();
            const fake = new Datapath(fakeNft);
            const kernel = new Datapath(execBackend(systemExec, { netns: ns }));
            await fake.sync(renderNode(a));
            expect(await kernel.sync(renderNode(a))).toMatchObject({ kind: "full" });
            await fake.sync(renderNode(b));
            const synced = await kernel.sync(renderNode(b));
            expect(["incremental", "unchanged"]).toContain(synced.kind);
            expect(synced).not.toHaveProperty("modelRefused");
            await expectKernelIs(ns, fakeNft.state, b);
          },
        ),
        { numRuns: numRuns(8) },
      );
    }, "tiers");
  });

  it("takes a priority change, an action change and a policy's removal as incremental syncs", async () => {
    await withNetns(
      (ns) =>
        stepThrough(ns, [
          cluster(undefined),
          cluster(guardFirst),
          cluster(otherFirst),
          cluster(dnsDenied),
          cluster(undefined),
        ]),
      "tiers",
    );
  });
});

it("refills only the tier chain when a policy's priority changes: no pod chain, set, map or counter", () => {
  const script = inetScript(cluster(guardFirst), cluster(otherFirst));
  const rules = renderNode(cluster(otherFirst)).inet.chains.find((c) => c.name === "admin/out/p1")?.rules;
  expect(script).toEqual([
    "flush chain inet netguard admin/out/p1",
    ...(rules ?? []).map((r) => `add rule inet netguard admin/out/p1 ${r}`),
  ]);
  expect(script[1]).toMatch(/cnp\/other\/out\/0 return$/);
});

it("refills only the tier chain when a rule's action changes", () => {
  const script = inetScript(cluster(guardFirst), cluster(dnsDenied));
  expect(script[0]).toBe("flush chain inet netguard admin/out/p1");
  expect(script.slice(1).every((l) => l.startsWith("add rule inet netguard admin/out/p1 "))).toBe(true);
  expect(script.filter((l) => l.endsWith("counter name cnp/guard/out/dns drop"))).toHaveLength(2);
});
