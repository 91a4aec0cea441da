/**
 * The agent against the in-repo API server (real list/watch protocol, unmodified client library),
 * enforcing inside one node of a lab: after every change the real probe matrix must equal the
 * evaluator's view of what the API server holds.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { LabMatrix } from "../src/lab/session.js";
import { probeMatrix } from "../src/lab/session.js";
import { testAgent } from "./support/agent.js";
import { waitFor } from "./support/apiserver/client.js";
import { type ApiServer, startApiServer } from "./support/apiserver/server.js";
import { withLab, type LabFixture, mismatches, type Ports } from "./support/lab.js";
import { objectContaining, stringContaining } from "./support/matchers.js";
import { type Json, namespace, node, pod, policy, snapshotOf } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const PORTS: Ports = [{ port: 80, protocol: "TCP" }];
const web = [{ name: "http", containerPort: 80 }];

const NS: Json[] = [namespace("x", { team: "blue" }), namespace("y", { team: "red" })];
const NODE = node("n1", "192.168.0.1", ["10.1.0.0/24"]);
const PODS: Json[] = [
  pod("x", "a", { labels: { app: "a" }, ips: ["10.1.0.10"], node: "n1", ports: web }),
  pod("x", "b", { labels: { app: "b" }, ips: ["10.1.0.11"], node: "n1", ports: web }),
  pod("y", "a", { labels: { app: "a" }, ips: ["10.1.0.12"], node: "n1", ports: web }),
];
/** Built into the lab from the start, but created in the API only later. */
const LATE = pod("x", "late", { labels: { app: "late" }, ips: ["10.1.0.13"], node: "n1", ports: web });

const deny = policy("x", "deny", { podSelector: {} });
const fromTeam = (team: string) =>
  policy("x", "from-team", {
    podSelector: {},
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team } } }] }],
  });

/** What the API server holds now, as objects the test builders understand. */
function apiObjects(api: ApiServer): Json[] {
  return (["Namespace", "Node", "Pod", "NetworkPolicy"] as const).flatMap(
    (k) => api.list(k) as unknown as Json[],
  );
}

async function matrixNow(lab: LabFixture, api: ApiServer): Promise<LabMatrix> {
  return probeMatrix(lab.prober, lab.bind(snapshotOf(apiObjects(api), { allowErrors: true })), PORTS, {
    timeoutMs: 300,
    concurrency: 32,
  });
}

/** Waits until the real matrix equals the evaluator's for the API server's current state. */
async function converged(lab: LabFixture, api: ApiServer, timeoutMs = 8000): Promise<LabMatrix> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const m = await matrixNow(lab, api);
    if (mismatches(m).length === 0 || Date.now() > end) {
      expect(mismatches(m)).toEqual([]);
      return m;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const FLANNEL_CONFLIST = `${JSON.stringify({
  name: "cbr0",
  cniVersion: "0.3.1",
  plugins: [
    { type: "flannel", delegate: { isDefaultGateway: true } },
    { type: "portmap", capabilities: { portMappings: true } },
  ],
})}\n`;

const chainOf = (dir: string): string[] =>
  (
    JSON.parse(readFileSync(join(dir, "10-flannel.conflist"), "utf8")) as { plugins: { type: string }[] }
  ).plugins.map((p) => p.type);

const cell = (m: LabMatrix, from: string, to: string) =>
  m.results.find((r) => r.from === from && r.to === to)?.allowed;

describeAsRoot("agent on the API server, enforcing in a lab node", () => {
  let api: ApiServer;
  beforeAll(async () => {
    api = await startApiServer({ bookmarkIntervalMs: 500 });
  });
  afterAll(async () => {
    await api.close();
  });

  it(
    "follows policies, namespace labels and pods; survives outages and 410; skips invalid policies",
    { timeout: 120_000 },
    async () => {
      for (const o of [...NS, NODE, ...PODS]) api.create(o);
      await withLab(snapshotOf([...NS, NODE, ...PODS, LATE]), PORTS, async (lab) => {
        const confDir = mkdtempSync(join(tmpdir(), "netguard-agent-conf-"));
        writeFileSync(join(confDir, "10-flannel.conflist"), FLANNEL_CONFLIST);
        // The drift timer is off (driftIntervalMs 0): only the directory watch can re-chain.
        const agent = testAgent(api, lab.lab.nodes[0]?.netns as string, { cniConfDir: confDir });
        await agent.start();
        try {
          let m = await converged(lab, api);
          expect(cell(m, "y/a", "x/a")).toBe(true);

          // Flannel's pod restarts and rewrites its conflist without netguard (write, then rename).
          expect(chainOf(confDir)).toEqual(["flannel", "portmap", "netguard"]);
          writeFileSync(join(confDir, ".flannel.tmp"), FLANNEL_CONFLIST);
          renameSync(join(confDir, ".flannel.tmp"), join(confDir, "10-flannel.conflist"));
          await waitFor("netguard chained again", () => chainOf(confDir).includes("netguard"));
          expect(chainOf(confDir)).toEqual(["flannel", "portmap", "netguard"]);

          api.create(deny);
          m = await converged(lab, api);
          expect(cell(m, "y/a", "x/a")).toBe(false);

          api.create(fromTeam("red"));
          m = await converged(lab, api);
          expect(cell(m, "y/a", "x/a")).toBe(true);

          api.patchLabels("Namespace", undefined, "y", { team: "green" });
          m = await converged(lab, api);
          expect(cell(m, "y/a", "x/a")).toBe(false);

          api.create(LATE);
          m = await converged(lab, api);
          expect(cell(m, "x/late", "x/a")).toBe(false);
          api.remove("Pod", "x", "late");
          await converged(lab, api);

          // Outage: the rules in force stay; a change made meanwhile is applied after reconnecting.
          const refusedBefore = api.refused;
          api.setOutage("error500");
          api.update(fromTeam("green"));
          // The agent has tried (and failed) to reach the server again, more than once.
          await waitFor(
            "the agent's requests refused during the outage",
            () => api.refused >= refusedBefore + 2,
            15_000,
          );
          m = await matrixNow(lab, api);
          expect(cell(m, "y/a", "x/a")).toBe(false); // old rules still enforced
          expect(cell(m, "x/b", "x/a")).toBe(false);
          api.setOutage("none");
          m = await converged(lab, api, 40_000);
          expect(cell(m, "y/a", "x/a")).toBe(true);

          // 410 Gone: history compacted while the watch is away; the informer re-lists and converges.
          const lists = () => Object.values(api.stats.list).reduce((a, b) => a + b, 0);
          const listsBefore = lists();
          api.compact();
          api.closeWatches();
          api.remove("NetworkPolicy", "x", "from-team");
          m = await converged(lab, api, 15_000);
          expect(cell(m, "y/a", "x/a")).toBe(false);
          expect(lists()).toBeGreaterThan(listsBefore);

          // One invalid policy among valid ones: the valid ones are enforced.
          api.create(
            policy("x", "broken", {
              podSelector: {},
              ingress: [{ from: [{ ipBlock: { cidr: "10.1.0.0/33" } }] }],
            }),
          );
          api.create(
            policy("x", "from-b", {
              podSelector: {},
              ingress: [{ from: [{ podSelector: { matchLabels: { app: "b" } } }] }],
            }),
          );
          m = await converged(lab, api);
          expect(cell(m, "x/b", "x/a")).toBe(true);
          expect(cell(m, "y/a", "x/a")).toBe(false);

          // The invalid policy's owner is told, with a Warning Event on it naming the field.
          const aboutBroken = () =>
            api.events.filter((e) => (e.involvedObject as { name?: string } | undefined)?.name === "broken");
          await waitFor("an Event about the broken policy", () => aboutBroken().length > 0);
          expect(aboutBroken()).toEqual([
            expect.objectContaining({
              metadata: objectContaining({ namespace: "x" }),
              involvedObject: objectContaining({
                kind: "NetworkPolicy",
                namespace: "x",
                name: "broken",
                uid: api.get("NetworkPolicy", "x", "broken")?.metadata.uid,
              }),
              reason: "InvalidNetworkPolicy",
              type: "Warning",
              reportingInstance: "n1",
              message: stringContaining("spec.ingress[0].from[0].ipBlock.cidr"),
            }),
          ]);

          const metrics = (await agent.metricsText()).body;
          expect(metrics).toMatch(/netguard_pods_enforced 3/);
          expect(metrics).toMatch(/netguard_pod_dropped_packets\{pod="x\/a",direction="ingress"\} [1-9]/);
          expect(agent.notReady()).toBeUndefined();
        } finally {
          await agent.stop();
          rmSync(confDir, { recursive: true, force: true });
        }
      });
    },
  );
});
