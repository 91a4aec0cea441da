/**
 * The datapath against the real nft in a throwaway network namespace: full and incremental
 * syncs, failed transactions, drift repair and cleanup.
 */
import { describe, expect, it } from "vitest";
import { nsRun, withNetns } from "../../test/support/netns.js";
import { type Json, namespace, node, pod, policy, snapshotOf } from "../../test/support/objects.js";
import { compile } from "../compile/compile.js";
import { execBackend, FakeBackend } from "../nft/backend.js";
import { renderNode } from "../render/ruleset.js";
import { systemExec } from "../sys/exec.js";
import { Datapath } from "./datapath.js";

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

describe("Datapath on the real nft", () => {
  it("replaces both tables on the first sync, then sends only differences", async () => {
    await withNetns(async (ns) => {
      const dp = new Datapath(execBackend(systemExec, { netns: ns }));
      expect(await dp.sync(rulesetOf(cluster()))).toMatchObject({ kind: "full" });
      expect(await dp.sync(rulesetOf(cluster()))).toEqual({ kind: "unchanged" });

      // A remote pod appears in a peer namespace: set elements change, chains do not.
      const more = cluster([pod("b", "cli2", { labels: { app: "cli" }, ips: ["10.2.0.12"], node: "n2" })]);
      const r = await dp.sync(rulesetOf(more));
      expect(r).toMatchObject({ kind: "incremental" });
      const listing = await nsRun(ns, "nft", ["list", "table", "inet", "netguard"]);
      expect(listing).toMatch(/10\.2\.0\.11-10\.2\.0\.12|10\.2\.0\.11, 10\.2\.0\.12/);

      // A policy changes: the pod's chain is refilled.
      const changed = more.map((o) =>
        (o.metadata as { name: string }).name === "from-b"
          ? policy("a", "from-b", {
              podSelector: { matchLabels: { app: "web" } },
              ingress: [{ ports: [{ port: 443 }] }],
            })
          : o,
      );
      expect(await dp.sync(rulesetOf(changed))).toMatchObject({ kind: "incremental" });
      const after = await nsRun(ns, "nft", ["list", "table", "inet", "netguard"]);
      expect(after).toMatch(/elements = \{ tcp \. 443 \}/);
      expect(after).not.toMatch(/tcp \. 8080/);

      // Policies deleted: chains and counters go away, the pod maps to accept/continue.
      const open = changed.filter((o) => o.kind !== "NetworkPolicy");
      expect(await dp.sync(rulesetOf(open))).toMatchObject({ kind: "incremental" });
      const final = await nsRun(ns, "nft", ["list", "table", "inet", "netguard"]);
      expect(final).not.toMatch(/chain in\/a\/web/);
      expect(final).toMatch(/10\.1\.0\.10 : accept/);
      expect((await dp.repairDrift()).drifted).toBe(false);
    });
  });

  it("repairs drift: a flushed chain is detected and the table re-applied", async () => {
    await withNetns(async (ns) => {
      const dp = new Datapath(execBackend(systemExec, { netns: ns }));
      await dp.sync(rulesetOf(cluster()));
      await nsRun(ns, "nft", ["flush", "chain", "inet", "netguard", "in/a/web"]);
      const repair = await dp.repairDrift();
      expect(repair.drifted).toBe(true);
      expect(repair.differences.join("\n")).toMatch(/chain in\/a\/web: want 2, have 0/);
      expect(repair.result).toMatchObject({ kind: "full" });
      expect((await dp.repairDrift()).drifted).toBe(false);
    });
  });

  it("leaves the previous rules in force when a transaction fails, then replaces fully", async () => {
    await withNetns(async (ns) => {
      const real = execBackend(systemExec, { netns: ns });
      let failNext = false;
      const dp = new Datapath({
        apply: (script) => real.apply(failNext ? `${script}this is not nft\n` : script),
        listTable: (t) => real.listTable(t),
        listCounters: (t) => real.listCounters(t),
      });
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

describe("Datapath with the recording fake", () => {
  it("does a full replace after a failed apply", async () => {
    const fake = new FakeBackend();
    const dp = new Datapath(fake);
    await dp.sync(rulesetOf(cluster()));
    fake.failNext = "boom";
    expect(
      await dp.sync(rulesetOf(cluster([pod("b", "y", { ips: ["10.2.0.50"], node: "n2" })]))),
    ).toMatchObject({ kind: "failed" });
    expect(dp.inSync).toBe(false);
    expect(await dp.sync(rulesetOf(cluster()))).toMatchObject({ kind: "full" });
    expect(fake.scripts).toHaveLength(2);
    expect(fake.scripts[1]).toMatch(/^add table inet netguard\ndelete table inet netguard\n/);
  });
});
