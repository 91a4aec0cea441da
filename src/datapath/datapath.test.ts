/**
 * The datapath on the checking fake (milliseconds: every incremental transaction must pass nft's
 * reference rules and leave the kernel's model equal to the model of the desired tables), and on
 * the real nft in a throwaway network namespace for what only a kernel shows: that it accepts our
 * scripts, that a failed transaction leaves the previous rules in force, drift read back from a
 * real listing, and cleanup of only our tables.
 */
import { describe, expect, it } from "vitest";
import { describeAsRoot } from "../../test/support/root.js";
import { nsRun, withNetns } from "../../test/support/netns.js";
import { type Json, namespace, node, pod, policy, snapshotOf } from "../../test/support/objects.js";
import { compile } from "../compile/compile.js";
import { execBackend, type NftBackend } from "../nft/backend.js";
import { FakeNft } from "../nft/fake.js";
import { stateOfSpecs } from "../nft/from-spec.js";
import type { NftState } from "../nft/state.js";
import { Transaction } from "../nft/transaction.js";
import { type NodeRuleset, renderNode } from "../render/ruleset.js";
import { systemExec } from "../sys/exec.js";
import { Datapath } from "./datapath.js";

const INET = { family: "inet", name: "netguard" } as const;
const web = [{ name: "http", containerPort: 8080 }];

function cluster(extra: Json[] = []): Json[] {
  return [
    namespace("a"),
    namespace("b"),
    node("n1", "192.168.0.1", ["10.1.0.0/24", "fd01::/64"]),
    node("n2", "192.168.0.2", ["10.2.0.0/24"]),
    pod("a", "web", { labels: { app: "web" }, ips: ["10.1.0.10", "fd01::10"], ports: web }),
    pod("b", "cli", { labels: { app: "cli" }, ips: ["10.2.0.11"], node: "n2" }),
    policy("a", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    policy("a", "from-b", {
      podSelector: { matchLabels: { app: "web" } },
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "b" } } }],
          ports: [{ port: "http" }],
        },
      ],
    }),
    ...extra,
  ];
}

const rulesetOf = (objs: Json[]) =>
  renderNode(compile(snapshotOf(objs), "n1"), { interfaces: new Map([["a/web", "vethweb"]]) });

/** The policy `from-b` allowing port 443 from anywhere instead. */
function withPolicyChanged(objs: Json[]): Json[] {
  return objs.map((o) =>
    (o.metadata as { name: string }).name === "from-b"
      ? policy("a", "from-b", {
          podSelector: { matchLabels: { app: "web" } },
          ingress: [{ ports: [{ port: 443 }] }],
        })
      : o,
  );
}

/** The model of the desired tables: what the kernel must hold after a sync. */
function modelOf(r: NodeRuleset): NftState {
  const s = stateOfSpecs([r.inet, r.bridge]);
  if (!s.ok) throw new Error(s.error.message);
  return s.state;
}

const remotePod = pod("b", "cli2", { labels: { app: "cli" }, ips: ["10.2.0.12"], node: "n2" });
const localPod = pod("a", "api", { labels: { app: "api" }, ips: ["10.1.0.20"] });

/** A node's life: each step's cluster and the sync it needs. */
const STEPS: Array<[string, Json[], string]> = [
  ["first sync", cluster(), "full"],
  ["remote pod added", cluster([remotePod]), "incremental"],
  ["local pod added", cluster([remotePod, localPod]), "incremental"],
  ["policy changed", withPolicyChanged(cluster([remotePod, localPod])), "incremental"],
  [
    "policies removed",
    cluster([remotePod, localPod]).filter((o) => o.kind !== "NetworkPolicy"),
    "incremental",
  ],
  ["policies back", cluster([remotePod, localPod]), "incremental"],
  ["pods removed", cluster().filter((o) => o.kind !== "Pod"), "incremental"],
];

describe("Datapath on the checking fake", () => {
  it("sends each change as a transaction nft accepts and ends with the kernel holding the desired tables", async () => {
    const fake = new FakeNft();
    const dp = new Datapath(fake);
    for (const [step, objs, kind] of STEPS) {
      const desired = rulesetOf(objs);
      const r = await dp.sync(desired);
      expect({ step, kind: r.kind, error: fake.lastError }).toEqual({ step, kind, error: undefined });
      expect(fake.state).toEqual(modelOf(desired));
      expect(dp.state).toEqual(fake.state);
      expect(await dp.sync(desired)).toEqual({ kind: "unchanged" });
    }
  });

  it("does a full replace after a failed apply, and nothing before it succeeds counts as applied", async () => {
    const fake = new FakeNft();
    const dp = new Datapath(fake);
    await dp.sync(rulesetOf(cluster()));
    const before = fake.state;
    fake.failNext = "boom";
    const r = await dp.sync(rulesetOf(cluster([remotePod])));
    expect(r).toEqual({ kind: "failed", error: "boom", attempted: "incremental" });
    expect(dp.inSync).toBe(false);
    expect(fake.state).toBe(before);
    expect(await dp.sync(rulesetOf(cluster()))).toMatchObject({ kind: "full" });
    expect(fake.state).toEqual(modelOf(rulesetOf(cluster())));
  });

  it("reports a transaction the kernel took and the model refuses, and reads the applied state back", async () => {
    const desired = rulesetOf(cluster());
    const listing = modelOf(desired);
    const lenient: NftBackend = {
      apply: () => Promise.resolve({ ok: true }),
      listTable: (t) => Promise.resolve(listing.get(`${t.family} ${t.name}`)),
      listCounters: () => Promise.resolve(undefined),
    };
    const dp = new Datapath(lenient);
    const broken = {
      ...desired,
      inet: { ...desired.inet, chains: [{ name: "x", rules: ["jump missing"] }] },
    };
    const r = await dp.sync(broken);
    expect(r).toMatchObject({
      kind: "full",
      modelRefused: expect.stringMatching(/no-such-object/) as unknown,
    });
    expect(dp.inSync).toBe(true);
    expect(dp.state).toEqual(listing);
    expect(await dp.sync(desired)).toEqual({ kind: "unchanged" });
  });

  it("counts the script's size in bytes, not UTF-16 units", async () => {
    const desired = rulesetOf(cluster());
    const accented = {
      ...desired,
      inet: { ...desired.inet, chains: [{ name: "x", rules: ['meta comment "café" accept'] }] },
    };
    const txn = new Transaction().replaceTable(accented.inet).replaceTable(accented.bridge);
    const lenient: NftBackend = {
      apply: () => Promise.resolve({ ok: true }),
      listTable: () => Promise.resolve(undefined),
      listCounters: () => Promise.resolve(undefined),
    };
    const r = await new Datapath(lenient).sync(accented);
    expect(r).toMatchObject({ scriptBytes: Buffer.byteLength(txn.render(), "utf8") });
    expect(txn.render().length).not.toBe(Buffer.byteLength(txn.render(), "utf8"));
  });

  it("finds drift (a flushed chain) in the kernel's model, names it and repairs it", async () => {
    const fake = new FakeNft();
    const dp = new Datapath(fake);
    await dp.sync(rulesetOf(cluster()));
    await fake.apply(new Transaction().add({ op: "flush-chain", table: INET, name: "in/a/web" }));
    const repair = await dp.repairDrift();
    expect(repair.drifted).toBe(true);
    expect(repair.differences).toContain("inet netguard chain in/a/web: 2 rules wanted, 0 found");
    expect(repair.result).toMatchObject({ kind: "full" });
    expect(await dp.repairDrift()).toEqual({ drifted: false, differences: [] });
  });

  it("cleanup removes both tables and leaves others", async () => {
    const fake = new FakeNft();
    await fake.apply(new Transaction().add({ op: "add-table", table: { family: "inet", name: "other" } }));
    const dp = new Datapath(fake);
    await dp.sync(rulesetOf(cluster()));
    expect(await dp.cleanup()).toMatchObject({ kind: "full" });
    expect(await dp.cleanup()).toMatchObject({ kind: "full" });
    expect([...fake.state.keys()]).toEqual(["inet other"]);
    expect(dp.inSync).toBe(false);
  });
});

describeAsRoot("Datapath on the real nft", () => {
  it("replaces both tables on the first sync, then sends only differences the kernel accepts", async () => {
    await withNetns(async (ns) => {
      const dp = new Datapath(execBackend(systemExec, { netns: ns }));
      expect(await dp.sync(rulesetOf(cluster()))).toMatchObject({ kind: "full" });
      expect(await dp.sync(rulesetOf(cluster()))).toEqual({ kind: "unchanged" });
      // After every sync the kernel's listing, read back into the model, equals the model of what
      // was applied (the previous model with the transaction applied by the fake's rules).
      const noDrift = { drifted: false, differences: [] };
      expect(await dp.repairDrift()).toEqual(noDrift);
      const more = cluster([remotePod]);
      expect(await dp.sync(rulesetOf(more))).toMatchObject({ kind: "incremental" });
      expect(await dp.repairDrift()).toEqual(noDrift);
      const listing = await nsRun(ns, "nft", ["list", "table", "inet", "netguard"]);
      expect(listing).toMatch(/10\.2\.0\.11-10\.2\.0\.12|10\.2\.0\.11, 10\.2\.0\.12/);
      const changed = withPolicyChanged(more);
      expect(await dp.sync(rulesetOf(changed))).toMatchObject({ kind: "incremental" });
      expect(await dp.repairDrift()).toEqual(noDrift);
      const after = await nsRun(ns, "nft", ["list", "table", "inet", "netguard"]);
      expect(after).toMatch(/elements = \{ tcp \. 443 \}/);
      expect(after).not.toMatch(/tcp \. 8080/);
      const open = changed.filter((o) => o.kind !== "NetworkPolicy");
      expect(await dp.sync(rulesetOf(open))).toMatchObject({ kind: "incremental" });
      const final = await nsRun(ns, "nft", ["list", "table", "inet", "netguard"]);
      expect(final).not.toMatch(/chain in\/a\/web/);
      expect(final).toMatch(/10\.1\.0\.10 : accept/);
      expect(await dp.repairDrift()).toEqual(noDrift);
    });
  });

  it("the kernel accepts every step of the fake's test and then holds what the model says", async () => {
    await withNetns(async (ns) => {
      const dp = new Datapath(execBackend(systemExec, { netns: ns }));
      for (const [step, objs, kind] of STEPS) {
        const r = await dp.sync(rulesetOf(objs));
        expect({ step, kind: r.kind }).toEqual({ step, kind });
        expect({ step, ...(await dp.repairDrift()) }).toEqual({ step, drifted: false, differences: [] });
      }
    });
  });

  it("repairs drift: a chain flushed behind our back is found in the listing and re-applied", async () => {
    await withNetns(async (ns) => {
      const dp = new Datapath(execBackend(systemExec, { netns: ns }));
      await dp.sync(rulesetOf(cluster()));
      await nsRun(ns, "nft", ["flush", "chain", "inet", "netguard", "in/a/web"]);
      const repair = await dp.repairDrift();
      expect(repair.drifted).toBe(true);
      expect(repair.differences).toContain("inet netguard chain in/a/web: 2 rules wanted, 0 found");
      expect(repair.result).toMatchObject({ kind: "full" });
      expect((await dp.repairDrift()).drifted).toBe(false);
    });
  });

  it("leaves the previous rules in force when the kernel refuses a transaction, then replaces fully", async () => {
    await withNetns(async (ns) => {
      const real = execBackend(systemExec, { netns: ns });
      let failNext = false;
      // The kernel refuses the whole transaction: its last rule jumps to a chain that does not exist.
      const refused = (txn: Transaction): Transaction => {
        const t = new Transaction();
        for (const c of txn.list) t.add(c);
        return t.add({ op: "add-rule", table: INET, chain: "forward", rule: "jump no-such-chain" });
      };
      const backend: NftBackend = {
        apply: (txn) => real.apply(failNext ? refused(txn) : txn),
        listTable: (t) => real.listTable(t),
        listCounters: (t) => real.listCounters(t),
      };
      const dp = new Datapath(backend);
      await dp.sync(rulesetOf(cluster()));
      const before = await nsRun(ns, "nft", ["list", "table", "inet", "netguard"]);
      failNext = true;
      const r = await dp.sync(rulesetOf(cluster([pod("b", "x", { ips: ["10.2.0.99"], node: "n2" })])));
      expect(r).toMatchObject({ kind: "failed", attempted: "incremental" });
      expect(await nsRun(ns, "nft", ["list", "table", "inet", "netguard"])).toBe(before);
      failNext = false;
      expect(await dp.sync(rulesetOf(cluster()))).toMatchObject({ kind: "full" });
    });
  });

  it("cleanup removes only netguard's tables", async () => {
    await withNetns(async (ns) => {
      await nsRun(ns, "nft", ["add", "table", "inet", "someone-else"]);
      await nsRun(ns, "nft", ["add", "table", "ip", "netguard"]);
      const dp = new Datapath(execBackend(systemExec, { netns: ns }));
      await dp.sync(rulesetOf(cluster()));
      expect(await dp.cleanup()).toMatchObject({ kind: "full" });
      expect(await dp.cleanup()).toMatchObject({ kind: "full" });
      const tables = await nsRun(ns, "nft", ["list", "tables"]);
      expect(tables).toBe("table inet someone-else\ntable ip netguard\n");
    });
  });
});
