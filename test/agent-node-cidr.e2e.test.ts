/**
 * Finding 6: failing closed for pod addresses the agent does not know needs this node's pod CIDR.
 * Flannel with the etcd subnet manager leaves `spec.podCIDRs` empty: the agent then takes the CIDR
 * from Flannel's subnet.env, and without either it says so in /readyz. A mistyped --node is not
 * ready either, with a reason, instead of silently enforcing nothing.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { testAgent } from "./support/agent.js";
import { waitFor } from "./support/apiserver/client.js";
import { type ApiServer, startApiServer } from "./support/apiserver/server.js";
import { type LabFixture, type Ports, withLab } from "./support/lab.js";
import { type Json, namespace, node, pod, snapshotOf } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const PORTS: Ports = [{ port: 80, protocol: "TCP" }];
const web = [{ name: "http", containerPort: 80 }];
const PODS: Json[] = [
  pod("x", "a", { labels: { app: "a" }, ips: ["10.1.0.10"], node: "n1", ports: web }),
  pod("x", "b", { labels: { app: "b" }, ips: ["10.1.0.11"], node: "n1", ports: web }),
];
/** In the lab (a sandbox on the node's bridge) but unknown to the API server. */
const GHOST = pod("x", "ghost", { labels: { app: "ghost" }, ips: ["10.1.0.20"], node: "n1", ports: web });
const SUBNET_ENV =
  "FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.0.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n";

const toA = (lab: LabFixture, from: string) =>
  lab.prober.probe({ from, dst: "10.1.0.10", port: 80, protocol: "TCP", timeoutMs: 300 });

describeAsRoot("this node's pod CIDR and Node object", () => {
  let api: ApiServer;
  beforeAll(async () => {
    api = await startApiServer();
    // The Node as Flannel's etcd subnet manager leaves it: no spec.podCIDRs.
    for (const o of [namespace("x"), node("n1", "192.168.0.1", []), ...PODS]) api.create(o);
  });
  afterAll(async () => {
    await api.close();
  });

  it(
    "a Node without podCIDRs takes Flannel's subnet.env and drops an unprogrammed address",
    { timeout: 60_000 },
    async () => {
      const lab = [namespace("x"), node("n1", "192.168.0.1", ["10.1.0.0/24"]), ...PODS, GHOST];
      await withLab(snapshotOf(lab), PORTS, async (f) => {
        let subnetEnv: string | undefined;
        const agent = testAgent(api, f.lab.nodes[0]?.netns as string, {
          flannelSubnetFile: "/run/flannel/subnet.env",
          readText: () => Promise.resolve(subnetEnv),
          tableWatch: { pollMs: 100 },
        });
        await agent.start();
        try {
          // Neither source gives a CIDR: not ready, saying why.
          await waitFor(
            "not ready for lack of a pod CIDR",
            () => /no pod CIDR/.test(agent.notReady() ?? ""),
            10_000,
          );
          expect(agent.notReady()).toContain("/run/flannel/subnet.env does not exist");
          // ... and the unknown sandbox is indeed unrestricted meanwhile (what the reason warns of).
          expect((await toA(f, "x/ghost")).ok).toBe(true);

          // flanneld writes its lease: the agent follows without an API event.
          subnetEnv = SUBNET_ENV;
          await waitFor("ready", () => agent.notReady() === undefined, 10_000);
          expect((await toA(f, "x/ghost")).ok).toBe(false);
          expect((await toA(f, "x/b")).ok).toBe(true);
        } finally {
          await agent.stop();
        }
      });
    },
  );

  it("--node naming no Node is not ready, with the reason on /readyz", { timeout: 60_000 }, async () => {
    const lab = [namespace("x"), node("n1", "192.168.0.1", ["10.1.0.0/24"]), ...PODS];
    await withLab(snapshotOf(lab), PORTS, async (f) => {
      const agent = testAgent(api, f.lab.nodes[0]?.netns as string, {
        nodeName: "no-such-node",
        listen: { host: "127.0.0.1", port: 0 },
      });
      await agent.start();
      try {
        await waitFor("not ready", () => /does not exist/.test(agent.notReady() ?? ""), 10_000);
        const r = await fetch(`http://127.0.0.1:${agent.httpPort}/readyz`);
        expect(r.status).toBe(503);
        expect(await r.text()).toMatch(/node "no-such-node" does not exist in the API server \(check --node/);
      } finally {
        await agent.stop();
      }
    });
  });
});
