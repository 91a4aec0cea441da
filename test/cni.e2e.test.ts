/**
 * The real CNI chain in a lab node: Debian's `bridge` (as Flannel delegates to it: cni0, isGateway,
 * hairpinMode, host-local IPAM over the node's subnet), `portmap`, then netguard, run by a minimal
 * runtime; the agent behind the plugin's socket watches the in-repo API server.
 */
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Agent } from "../src/agent/agent.js";
import { systemExec } from "../src/sys/exec.js";
import { testAgent } from "./support/agent.js";
import { type ApiServer, startApiServer } from "./support/apiserver/server.js";
import { type Attachment, type ConfList, CniRuntime } from "./support/cni-runtime.js";
import { type LabFixture, type Ports, withLab } from "./support/lab.js";
import { type Json, namespace, node, pod, policy, snapshotOf } from "./support/objects.js";

const root = join(import.meta.dirname, "..");
const PORTS: Ports = [{ port: 80, protocol: "TCP" }];
const BASE: Json[] = [
  namespace("x"),
  namespace("y"),
  node("n1", "192.168.0.1", ["10.1.0.0/24"]),
  pod("y", "peer", {
    labels: { app: "peer" },
    ips: ["10.1.0.10"],
    node: "n1",
    ports: [{ name: "http", containerPort: 80 }],
  }),
];
const DENY_X = policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

/** A Pod as the API has it when the kubelet sets up its sandbox: scheduled, no IP yet. */
const pendingPod = (ns: string, name: string): Json => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: ns, labels: { app: name } },
  spec: { nodeName: "n1", containers: [{ name: "c", ports: [{ containerPort: 80 }] }] },
  status: { phase: "Pending" },
});

function pluginDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "netguard-cni-bin-"));
  const shim = join(dir, "netguard");
  writeFileSync(
    shim,
    `#!/bin/sh\nexec "${process.execPath}" "${join(root, "dist", "cni", "main.js")}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return dir;
}

interface Env {
  api: ApiServer;
  lab: LabFixture;
  runtime: CniRuntime;
  conf: ConfList;
  socket: string;
  state: string;
  startAgent(): Promise<Agent>;
  sandbox(ns: string, name: string): Promise<Attachment & { netns: string }>;
  /** Connects from a sandbox's namespace with a deadline; true when the connection was made. */
  connectFrom(netns: string, ip: string, timeoutMs?: number): Promise<boolean>;
}

let counter = 0;

async function withCni(fn: (env: Env) => Promise<void>, cniVersion = "0.3.1"): Promise<void> {
  const api = await startApiServer({ bookmarkIntervalMs: 0 });
  for (const o of BASE) api.create(o as never);
  const work = mkdtempSync(join(tmpdir(), "netguard-cni-"));
  const socket = join(work, "cni.sock");
  const state = join(work, "pods.json");
  try {
    await withLab(snapshotOf(BASE), PORTS, async (lab) => {
      const nodeNs = lab.lab.nodes[0]?.netns as string;
      const conf: ConfList = {
        name: "cbr0",
        cniVersion,
        plugins: [
          {
            type: "bridge",
            bridge: "cni0",
            isGateway: true,
            isDefaultGateway: true,
            hairpinMode: true,
            ipMasq: false,
            mtu: 1450,
            ipam: {
              type: "host-local",
              ranges: [[{ subnet: "10.1.0.0/24", rangeStart: "10.1.0.100" }]],
              dataDir: join(work, "ipam"),
            },
          },
          { type: "portmap", capabilities: { portMappings: true }, snat: true },
          { type: "netguard", agentSocket: socket, timeoutMs: 5000, logFile: join(work, "cni.log") },
        ],
      };
      const runtime = new CniRuntime(systemExec, nodeNs, [pluginDir(), "/usr/lib/cni"]);
      const servers: Array<Promise<unknown>> = [];
      const env: Env = {
        api,
        lab,
        runtime,
        conf,
        socket,
        state,
        async startAgent() {
          const agent = testAgent(api, nodeNs, { cniSocket: socket, cniStateFile: state });
          await agent.start();
          return agent;
        },
        async sandbox(ns, name) {
          const netns = `${lab.lab.id}-c${counter++}`;
          expect((await systemExec("ip", ["netns", "add", netns])).code).toBe(0);
          await systemExec("ip", ["-n", netns, "link", "set", "lo", "up"]);
          // The pod's server is up before its network is: a denial can only come from the datapath.
          servers.push(
            systemExec(
              "ip",
              [
                "netns",
                "exec",
                netns,
                process.execPath,
                "-e",
                'require("net").createServer((s)=>s.end()).listen(80)',
              ],
              { timeoutMs: 60_000 },
            ),
          );
          return {
            netns,
            containerId: `ctr-${netns}`,
            netnsPath: `/var/run/netns/${netns}`,
            ifname: "eth0",
            podNamespace: ns,
            podName: name,
          };
        },
        async connectFrom(netns, ip, timeoutMs = 400) {
          const js = `const s=require("net").connect(80,"${ip}");s.setTimeout(${timeoutMs});s.on("connect",()=>{console.log("yes");s.destroy()});s.on("timeout",()=>{console.log("no");s.destroy()});s.on("error",()=>console.log("no"))`;
          const r = await systemExec("ip", ["netns", "exec", netns, process.execPath, "-e", js]);
          return r.stdout.trim() === "yes";
        },
      };
      await fn(env);
    });
  } finally {
    await api.close();
  }
}

const ipOf = (result: Record<string, unknown>): string => {
  const ips = result.ips as Array<{ address: string }>;
  return (ips[0]?.address ?? "").split("/")[0] as string;
};

describe("netguard chained after the real bridge, host-local and portmap plugins", () => {
  let skip = false;
  beforeAll(() => {
    skip = !existsSync("/usr/lib/cni/bridge");
  });
  afterAll(() => undefined);

  it(
    "a pod in a default-deny namespace cannot send or receive one packet after ADD returns; an open one can",
    { timeout: 90_000 },
    async () => {
      expect(skip, "containernetworking-plugins must be installed (.ci/run installs it)").toBe(false);
      await withCni(async (env) => {
        env.api.create(DENY_X as never);
        const agent = await env.startAgent();
        try {
          env.api.create(pendingPod("x", "locked") as never);
          const a = await env.sandbox("x", "locked");
          const added = await env.runtime.add(env.conf, a);
          expect(added).toMatchObject({ ok: true });
          const ip = ipOf((added as { result: Record<string, unknown> }).result);
          expect(ip).toBe("10.1.0.100");
          const [inbound, outbound] = await Promise.all([
            env.lab.prober.probe({ from: "y/peer", dst: ip, port: 80, protocol: "TCP", timeoutMs: 400 }),
            env.connectFrom(a.netns, "10.1.0.10"),
          ]);
          expect(inbound).toMatchObject({ ok: false, detail: "timeout" });
          expect(outbound).toBe(false);

          env.api.create(pendingPod("y", "open") as never);
          const b = await env.sandbox("y", "open");
          const added2 = await env.runtime.add(env.conf, b);
          expect(added2).toMatchObject({ ok: true });
          const ip2 = ipOf((added2 as { result: Record<string, unknown> }).result);
          expect(
            await env.lab.prober.probe({ from: "y/peer", dst: ip2, port: 80, protocol: "TCP" }),
          ).toMatchObject({ ok: true });
          expect(await env.connectFrom(b.netns, "10.1.0.10", 2000)).toBe(true);

          // DEL twice succeeds (CHECK needs CNI 0.4.0 or later: see the CHECK test).
          expect((await env.runtime.del(env.conf, b)).every((r) => r.ok)).toBe(true);
          expect((await env.runtime.del(env.conf, b)).every((r) => r.ok)).toBe(true);
        } finally {
          await agent.stop();
        }
      });
    },
  );

  it(
    "with the agent stopped, ADD fails with a CNI error and leaves nothing half-configured",
    { timeout: 90_000 },
    async () => {
      await withCni(async (env) => {
        env.api.create(pendingPod("y", "orphan") as never);
        const a = await env.sandbox("y", "orphan");
        const nodeNs = env.lab.lab.nodes[0]?.netns as string;
        const linksBefore = (await systemExec("ip", ["-n", nodeNs, "-o", "link"])).stdout.split("\n").length;
        const r = await env.runtime.add(env.conf, a);
        expect(r).toMatchObject({ ok: false, plugin: "netguard", error: { code: 11 } });
        expect((await systemExec("ip", ["-n", nodeNs, "-o", "link"])).stdout.split("\n").length).toBe(
          linksBefore,
        );
        expect((await systemExec("ip", ["-n", a.netns, "-o", "addr", "show", "dev", "eth0"])).code).not.toBe(
          0,
        );
      });
    },
  );

  it("CHECK reports failure once the agent has lost its state", { timeout: 90_000 }, async () => {
    await withCni(async (env) => {
      let agent = await env.startAgent();
      env.api.create(pendingPod("y", "kept") as never);
      const a = await env.sandbox("y", "kept");
      const addedK = await env.runtime.add(env.conf, a);
      expect(addedK, JSON.stringify(addedK)).toMatchObject({ ok: true });
      const checked = await env.runtime.check(env.conf, a);
      expect(checked, JSON.stringify(checked)).toMatchObject({ ok: true });
      await agent.stop();
      agent = await env.startAgent(); // registrations are read back from the state file
      await new Promise((r) => setTimeout(r, 500));
      expect(await env.runtime.check(env.conf, a)).toMatchObject({ ok: true });
      await agent.stop();
      writeFileSync(env.state, "[]"); // the state is lost
      agent = await env.startAgent();
      await new Promise((r) => setTimeout(r, 500));
      try {
        expect(await env.runtime.check(env.conf, a)).toMatchObject({
          ok: false,
          plugin: "netguard",
          error: { code: 100 },
        });
      } finally {
        await agent.stop();
      }
    }, "1.0.0");
  });

  it(
    "a pod started right after its namespace's policy was created is never reachable",
    { timeout: 90_000 },
    async () => {
      await withCni(async (env) => {
        const agent = await env.startAgent();
        try {
          for (let i = 0; i < 3; i++) {
            const ns = `race${i}`;
            env.api.create(namespace(ns) as never);
            env.api.create(policy(ns, "deny", { podSelector: {} }) as never);
            env.api.create(pendingPod(ns, "p") as never);
            const a = await env.sandbox(ns, "p");
            const added = await env.runtime.add(env.conf, a);
            expect(added).toMatchObject({ ok: true });
            const ip = ipOf((added as { result: Record<string, unknown> }).result);
            expect(
              await env.lab.prober.probe({
                from: "y/peer",
                dst: ip,
                port: 80,
                protocol: "TCP",
                timeoutMs: 300,
              }),
            ).toMatchObject({ ok: false });
          }
        } finally {
          await agent.stop();
        }
      });
    },
  );
});
