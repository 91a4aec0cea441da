/**
 * The `netguard agent` executable killed (SIGKILL) and restarted while traffic is probed
 * continuously: a denied connection must never get through in between, and SIGTERM leaves the
 * rules in place.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it, onTestFinished } from "vitest";
import { systemExec } from "../src/sys/exec.js";
import { type ApiServer, startApiServer } from "./support/apiserver/server.js";
import { monitorsIn, until } from "./support/nft-monitor.js";
import { type Ports, withLab } from "./support/lab.js";
import { type Json, namespace, node, pod, policy, snapshotOf } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const bin = join(import.meta.dirname, "..", "dist", "cli", "bin.js");
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

function startAgent(kubeconfig: string, netns: string, port: number): ChildProcess {
  return spawn(
    process.execPath,
    [
      bin,
      "agent",
      "--node",
      "n1",
      "--kubeconfig",
      kubeconfig,
      "--netns",
      netns,
      "--listen",
      `127.0.0.1:${port}`,
      "--log-level",
      "warn",
      "--drift-interval",
      "0",
      "--cni-socket",
      // Inside the test's own directory, removed even when the agent is killed mid-test.
      join(dirname(kubeconfig), "cni.sock"),
      "--cni-state",
      join(dirname(kubeconfig), "cni-state.json"),
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
}

async function ready(port: number, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("agent did not become ready");
}

const exited = (c: ChildProcess) =>
  new Promise<void>((r) => (c.exitCode !== null ? r() : c.once("exit", () => r())));

describeAsRoot("agent restart", () => {
  let api: ApiServer;
  beforeAll(async () => {
    api = await startApiServer();
    for (const o of OBJECTS) api.create(o);
  });
  afterAll(async () => {
    await api.close();
  });

  it(
    "never lets a denied connection through while the agent is killed and restarted",
    { timeout: 90_000 },
    async () => {
      const kcDir = mkdtempSync(join(tmpdir(), "netguard-kc-"));
      onTestFinished(() => rmSync(kcDir, { recursive: true, force: true }));
      const kubeconfig = api.writeKubeconfig(kcDir);
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      await withLab(snapshotOf(OBJECTS), PORTS, async (lab) => {
        const netns = lab.lab.nodes[0]?.netns as string;
        let agent = startAgent(kubeconfig, netns, port);
        try {
          await ready(port);
          const denied = {
            from: "y/a",
            dst: "10.1.0.10",
            port: 80,
            protocol: "TCP" as const,
            timeoutMs: 150,
          };
          const allowed = {
            from: "x/a",
            dst: "10.1.0.11",
            port: 80,
            protocol: "TCP" as const,
            timeoutMs: 500,
          };
          expect(await lab.prober.probe(denied)).toMatchObject({ ok: false });
          const leaks: string[] = [];
          let probes = 0;
          let running = true;
          const loop = (async () => {
            while (running) {
              const [d, a] = await Promise.all([lab.prober.probe(denied), lab.prober.probe(allowed)]);
              probes++;
              if (d.ok) leaks.push(`denied pair connected at probe ${probes}`);
              if (!a.ok) leaks.push(`allowed pair failed at probe ${probes}: ${a.detail}`);
            }
          })();
          // Each phase (agent up, agent dead, agent restarted) lasts until a few probe rounds ran in it.
          const moreProbes = async (what: string) => {
            const from = probes;
            await until(`3 probe rounds ${what}`, () => Promise.resolve(probes >= from + 3), 15_000);
          };
          await moreProbes("with the agent running");
          await until("the agent's nft monitor runs", async () => (await monitorsIn(netns)).length === 1);
          agent.kill("SIGKILL");
          await exited(agent);
          // The kernel kills the monitor with its parent (pdeathsig): nothing keeps running.
          await until("no nft monitor left", async () => (await monitorsIn(netns)).length === 0);
          await moreProbes("with no agent");
          agent = startAgent(kubeconfig, netns, port);
          await ready(port);
          await moreProbes("after the restart");
          running = false;
          await loop;
          expect(leaks).toEqual([]);
          expect(probes).toBeGreaterThan(5);

          agent.kill("SIGTERM");
          await exited(agent);
          expect(agent.exitCode).toBe(0);
          expect(await monitorsIn(netns)).toEqual([]);
          const table = await systemExec("ip", [
            "netns",
            "exec",
            netns,
            "nft",
            "list",
            "chain",
            "inet",
            "netguard",
            "in/x/a",
          ]);
          expect(table.code).toBe(0);
          expect(await lab.prober.probe(denied)).toMatchObject({ ok: false });
        } finally {
          agent.kill("SIGKILL");
        }
      });
    },
  );
});
