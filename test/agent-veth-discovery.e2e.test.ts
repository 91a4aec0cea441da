/**
 * Finding 4, the agent's side: pods that were running before the agent started (no CNI ADD ever
 * reached it) get anti-spoofing from veths learned from the kernel. A pod sending with another
 * pod's source address is dropped on the bridge (the `spoofed` counter of `bridge netguard`).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { systemExec } from "../src/sys/exec.js";
import { testAgent } from "./support/agent.js";
import { waitFor } from "./support/apiserver/client.js";
import { type ApiServer, startApiServer } from "./support/apiserver/server.js";
import { type Ports, withLab } from "./support/lab.js";
import { type Json, namespace, node, pod, snapshotOf } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const PORTS: Ports = [{ port: 80, protocol: "TCP" }];
const web = [{ name: "http", containerPort: 80 }];
const OBJECTS: Json[] = [
  namespace("x"),
  node("n1", "192.168.0.1", ["10.1.0.0/24"]),
  pod("x", "a", { labels: { app: "a" }, ips: ["10.1.0.10"], node: "n1", ports: web }),
  pod("x", "b", { labels: { app: "b" }, ips: ["10.1.0.11"], node: "n1", ports: web }),
  pod("x", "c", { labels: { app: "c" }, ips: ["10.1.0.12"], node: "n1", ports: web }),
];

const nft = async (netns: string, ...args: string[]) =>
  (await systemExec("ip", ["netns", "exec", netns, "nft", ...args])).stdout;
const spoofedPackets = async (netns: string) =>
  Number(
    /packets (\d+)/.exec(await nft(netns, "list", "counter", "bridge", "netguard", "spoofed"))?.[1] ?? NaN,
  );

describeAsRoot("veths learned from the kernel at start", () => {
  let api: ApiServer;
  beforeAll(async () => {
    api = await startApiServer();
    for (const o of OBJECTS) api.create(o);
  });
  afterAll(async () => {
    await api.close();
  });

  it("a pod no CNI ADD named cannot send with another pod's address", { timeout: 60_000 }, async () => {
    await withLab(snapshotOf(OBJECTS), PORTS, async (lab) => {
      const netns = lab.lab.nodes[0]?.netns as string;
      const b = lab.lab.pods.find((p) => p.key === "x/b");
      if (!b) throw new Error("lab has no x/b");
      // No CNI socket: the agent never hears of these pods' sandboxes.
      const agent = testAgent(api, netns);
      await agent.start();
      try {
        await waitFor("ready", () => agent.notReady() === undefined, 10_000);
        expect(await nft(netns, "list", "set", "bridge", "netguard", "pod_veths")).toContain(b.hostVeth);
        const before = await spoofedPackets(netns);
        expect(before).toBeGreaterThanOrEqual(0);

        // x/b takes x/a's address and connects to x/c with it.
        expect(
          (await systemExec("ip", ["-n", b.netns, "addr", "add", "10.1.0.10/32", "dev", "eth0"])).code,
        ).toBe(0);
        const spoofed = await lab.prober.probe({
          from: "x/b",
          src: "10.1.0.10",
          dst: "10.1.0.12",
          port: 80,
          protocol: "TCP",
          timeoutMs: 300,
        });
        expect(spoofed.ok).toBe(false);
        expect(await spoofedPackets(netns)).toBeGreaterThan(before);
        // Its own address still works.
        const honest = { from: "x/b", dst: "10.1.0.12", port: 80, protocol: "TCP" as const, timeoutMs: 1000 };
        expect((await lab.prober.probe(honest)).ok).toBe(true);
      } finally {
        await agent.stop();
      }
    });
  });
});
