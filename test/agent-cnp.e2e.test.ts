/**
 * The agent and ClusterNetworkPolicies through the real client library against the in-repo API
 * server, applying with real nft in a throwaway namespace: after every step the node's ruleset
 * equals `netguard compile` of the API server's state. Policies present at start arrive by LIST,
 * later ones by WATCH, a re-list after 410 keeps them; a CRD absent at start is picked up when
 * installed, and a CRD deleted takes their rules with it; 200 at once are one sync.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import type { Agent } from "../src/agent/agent.js";
import { testAgent } from "./support/agent.js";
import { clusterPolicy, denyIngressTo, namespacesOf } from "./support/agent-cnp.js";
import { changingSyncs, converged, gaugeOf } from "./support/agent-cnp-api.js";
import { type ApiServer, startApiServer } from "./support/apiserver/server.js";
import { nsRun, withNetns } from "./support/netns.js";
import { type Json, namespace, node, pod, policy } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const web = [{ name: "http", containerPort: 80 }];
const BASE: Json[] = [
  namespace("x", { team: "blue" }),
  namespace("y", { team: "red" }),
  node("n1", "192.168.0.1", ["10.1.0.0/24"]),
  pod("x", "web", { labels: { app: "web" }, ips: ["10.1.0.10"], node: "n1", ports: web }),
  pod("x", "db", { labels: { app: "db" }, ips: ["10.1.0.11"], node: "n1", ports: web }),
  pod("y", "client", { labels: { app: "client" }, ips: ["10.1.0.12"], node: "n1", ports: web }),
  policy("x", "db-from-web", {
    podSelector: { matchLabels: { app: "db" } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }],
  }),
];
const BASELINE = clusterPolicy("baseline-deny-red", {
  tier: "Baseline",
  priority: 50,
  subject: namespacesOf({ team: "blue" }),
  ingress: [{ name: "from-red", action: "Deny", from: [namespacesOf({ team: "red" })] }],
});
const QUICK = { crdRecheck: { baseMs: 100, maxMs: 400 } };

let api: ApiServer;
beforeEach(async () => {
  api = await startApiServer({ bookmarkIntervalMs: 300 });
});
afterEach(async () => {
  await api.close();
});

/** An agent for node n1 applying in `nodeNs`, stopped (rules flushed) after `fn`. */
async function withAgent(
  opts: Parameters<typeof testAgent>[2],
  fn: (agent: Agent, nodeNs: string, scratch: string) => Promise<void>,
): Promise<void> {
  await withNetns(async (nodeNs) => {
    await withNetns(async (scratch) => {
      const agent = testAgent(api, nodeNs, opts);
      await agent.start();
      try {
        await fn(agent, nodeNs, scratch);
      } finally {
        await agent.stop();
      }
    }, "cnp-scratch");
  }, "cnp-node");
}

describeAsRoot("agent: ClusterNetworkPolicies from the API server", () => {
  it(
    "present at start (LIST), created, changed and deleted later (WATCH), kept by a re-list after 410",
    { timeout: 120_000 },
    async () => {
      for (const o of [...BASE, denyIngressTo("deny-web", "web"), BASELINE]) api.create(o);
      await withAgent({}, async (agent, nodeNs, scratch) => {
        const atStart = await converged(api, nodeNs, scratch, "objects present at start");
        expect(atStart).toMatch(/admin-in\//);
        expect(atStart).toMatch(/baseline-in\//);
        expect(await gaugeOf(agent, "clusterPolicies")).toEqual({ Admin: 1, Baseline: 1 });

        api.create(denyIngressTo("deny-db", "db", 5));
        await converged(api, nodeNs, scratch, "a CNP created");
        api.update(
          clusterPolicy("deny-web", {
            tier: "Admin",
            priority: 7,
            subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: "web" } } } },
            ingress: [{ action: "Pass", from: [namespacesOf()] }],
          }),
        );
        await converged(api, nodeNs, scratch, "a CNP's priority and action changed");
        api.remove("ClusterNetworkPolicy", undefined, "deny-db");
        await converged(api, nodeNs, scratch, "a CNP deleted");

        api.compact();
        api.closeWatches();
        api.create(denyIngressTo("after-relist", "client")); // delivered by the re-list
        const relisted = await converged(api, nodeNs, scratch, "a re-list after 410");
        expect(relisted).toMatch(/admin-in\//);
        expect(await gaugeOf(agent, "clusterPolicies")).toEqual({ Admin: 2, Baseline: 1 });
      });
    },
  );

  it(
    "the CRD absent at start: every other kind enforced; installed later: picked up; deleted: their rules go",
    { timeout: 120_000 },
    async () => {
      await api.close();
      api = await startApiServer({ bookmarkIntervalMs: 300, crdsInstalled: false });
      for (const o of BASE) api.create(o);
      await withAgent(QUICK, async (agent, nodeNs, scratch) => {
        const without = await converged(api, nodeNs, scratch, "start without the CRD");
        expect(without).toMatch(/in\/x\/db/); // the NetworkPolicy is enforced
        expect(agent.notReady()).toBeUndefined();
        expect(await gaugeOf(agent, "clusterPolicyWatch")).toMatchObject({ "not-installed": 1, watched: 0 });

        api.installCrd("ClusterNetworkPolicy");
        api.create(denyIngressTo("deny-web", "web"));
        api.create(BASELINE);
        expect(await converged(api, nodeNs, scratch, "the CRD installed")).toMatch(/admin-in\//);
        expect(await gaugeOf(agent, "clusterPolicyWatch")).toMatchObject({ "not-installed": 0, watched: 1 });

        api.uninstallCrd("ClusterNetworkPolicy");
        expect(await converged(api, nodeNs, scratch, "the CRD deleted")).toBe(without);

        api.installCrd("ClusterNetworkPolicy");
        api.create(BASELINE);
        api.uninstallCrd("ClusterNetworkPolicy", { deleteObjects: false }); // no DELETED events: the 404 says it
        await converged(api, nodeNs, scratch, "the CRD deleted without its cleanup");
        expect(await gaugeOf(agent, "clusterPolicies")).toEqual({ Admin: 0, Baseline: 0 });
      });
    },
  );

  it("200 ClusterNetworkPolicies at once: one sync, every one present", { timeout: 120_000 }, async () => {
    for (const o of BASE) api.create(o);
    const slow = { reconcile: { minIntervalMs: 300, maxDelayMs: 3000 } };
    await withAgent(slow, async (agent, nodeNs, scratch) => {
      await converged(api, nodeNs, scratch, "start");
      const before = await changingSyncs(agent);
      for (let i = 0; i < 200; i++)
        api.create(
          clusterPolicy(`bulk-${String(i).padStart(3, "0")}`, {
            tier: i % 2 === 0 ? "Admin" : "Baseline",
            priority: i,
            subject: { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: "web" } } } },
            egress: [{ name: `r${i}`, action: "Deny", to: [{ networks: [`10.200.${i}.0/24`] }] }],
          }),
        );
      const tables = await converged(api, nodeNs, scratch, "200 created at once");
      expect(await changingSyncs(agent)).toBe(before + 1);
      expect(await gaugeOf(agent, "clusterPolicies")).toEqual({ Admin: 100, Baseline: 100 });
      for (const i of [0, 1, 99, 199]) expect(tables).toContain(`bulk-${String(i).padStart(3, "0")}`);
      await nsRun(nodeNs, "nft", ["flush", "ruleset"]);
    });
  });
});
