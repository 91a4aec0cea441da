/**
 * Finding 5: an external `nft flush ruleset` (or `nft delete table inet netguard`) must not leave a
 * lab node open until the next drift check. The agent notices through `nft monitor` (fast path) or
 * its periodic existence check (backstop) and restores the tables within a second; a denied
 * connection is denied again. Stopping the agent leaves no monitor process behind.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Agent } from "../src/agent/agent.js";
import { nftMonitorSpawner } from "../src/agent/table-watch.js";
import { systemExec } from "../src/sys/exec.js";
import { testAgent } from "./support/agent.js";
import { waitFor } from "./support/apiserver/client.js";
import { type ApiServer, startApiServer } from "./support/apiserver/server.js";
import { monitorsIn, until } from "./support/nft-monitor.js";
import { type LabFixture, type Ports, withLab } from "./support/lab.js";
import { type Json, namespace, node, pod, policy, snapshotOf } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const PORTS: Ports = [{ port: 80, protocol: "TCP" }];
const web = [{ name: "http", containerPort: 80 }];
const OBJECTS: Json[] = [
  namespace("x"),
  namespace("y"),
  node("n1", "192.168.0.1", ["10.1.0.0/24"]),
  pod("x", "a", { labels: { app: "a" }, ips: ["10.1.0.10"], node: "n1", ports: web }),
  pod("y", "a", { labels: { app: "a" }, ips: ["10.1.0.11"], node: "n1", ports: web }),
  policy("x", "deny", { podSelector: {} }),
];

const nftIn = async (netns: string, ...args: string[]) =>
  systemExec("ip", ["netns", "exec", netns, "nft", ...args]);
const ourTables = async (netns: string) => {
  const r = await nftIn(netns, "list", "tables");
  return ["inet", "bridge"].filter((f) => r.stdout.includes(`table ${f} netguard`)).length;
};
/** y/a → x/a on port 80: denied by x/deny. */
const yToX = (lab: LabFixture) =>
  lab.prober.probe({ from: "y/a", dst: "10.1.0.10", port: 80, protocol: "TCP", timeoutMs: 300 });

/** x/a → y/a: allowed (y/a is not isolated), so the probes themselves are known to work. */
const xToY = (lab: LabFixture) =>
  lab.prober.probe({ from: "x/a", dst: "10.1.0.11", port: 80, protocol: "TCP", timeoutMs: 1000 });

/** Removes our tables with `how`, then measures how long until both are back. */
async function removeAndTimeRestore(netns: string, how: string[]): Promise<number> {
  const start = Date.now();
  expect((await nftIn(netns, ...how)).code).toBe(0);
  await until("tables restored", async () => (await ourTables(netns)) === 2);
  const ms = Date.now() - start;
  return ms;
}

describeAsRoot("tables removed from the kernel behind the agent's back", () => {
  let api: ApiServer;
  beforeAll(async () => {
    api = await startApiServer();
    for (const o of OBJECTS) api.create(o);
  });
  afterAll(async () => {
    await api.close();
  });

  it(
    "are restored within a second of nft flush ruleset or delete table, and deny again",
    { timeout: 90_000 },
    async () => {
      await withLab(snapshotOf(OBJECTS), PORTS, async (lab) => {
        const netns = lab.lab.nodes[0]?.netns as string;
        // Fast path only: no periodic check, no drift timer.
        let agent: Agent = testAgent(api, netns, {
          tableWatch: { pollMs: 0, spawn: nftMonitorSpawner(netns) },
        });
        await agent.start();
        try {
          await waitFor("ready", () => agent.notReady() === undefined, 10_000);
          expect((await yToX(lab)).ok).toBe(false);
          await until("monitor running", async () => (await monitorsIn(netns)).length === 1);

          expect(await removeAndTimeRestore(netns, ["flush", "ruleset"])).toBeLessThan(1000);
          expect((await yToX(lab)).ok).toBe(false);
          expect(await removeAndTimeRestore(netns, ["delete", "table", "inet", "netguard"])).toBeLessThan(
            1000,
          );
          expect((await yToX(lab)).ok).toBe(false);
          expect((await xToY(lab)).ok).toBe(true);
          await waitFor("ready again", () => agent.notReady() === undefined);
          const metrics = (await agent.metricsText()).body;
          expect(metrics).toMatch(/netguard_tables_lost_total\{detectedBy="monitor"\} 2/);
          expect(metrics).toMatch(/netguard_syncs_total\{kind="full",trigger="tables-lost"\} 2/);
        } finally {
          await agent.stop();
        }
        expect(await monitorsIn(netns)).toEqual([]);

        // Backstop only: no monitor, an existence check every 200 ms.
        agent = testAgent(api, netns, { tableWatch: { pollMs: 200 } });
        await agent.start();
        try {
          await waitFor("ready", () => agent.notReady() === undefined, 10_000);
          expect(await removeAndTimeRestore(netns, ["flush", "ruleset"])).toBeLessThan(1000);
          expect((await yToX(lab)).ok).toBe(false);
          expect((await agent.metricsText()).body).toMatch(
            /netguard_tables_lost_total\{detectedBy="poll"\} 1/,
          );
        } finally {
          await agent.stop();
        }
      });
    },
  );
});
