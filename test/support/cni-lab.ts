/**
 * The real CNI chain in a lab node: Debian's `bridge` (as Flannel delegates to it: cni0, isGateway,
 * hairpinMode, host-local IPAM over the node's subnet), `portmap`, then netguard, run by a minimal
 * runtime; the agent behind the plugin's socket watches the in-repo API server. Everything made for
 * a test (lab namespaces, sandboxes and their processes, temporary directories) is removed after
 * it, even when it fails.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { Agent } from "../../src/agent/agent.js";
import { systemExec } from "../../src/sys/exec.js";
import { testAgent } from "./agent.js";
import { type ApiServer, startApiServer } from "./apiserver/server.js";
import { type Attachment, type ConfList, CniRuntime } from "./cni-runtime.js";
import { type LabFixture, type Ports, withLab } from "./lab.js";
import { type Json, namespace, node, pod, snapshotOf } from "./objects.js";

const root = join(import.meta.dirname, "..", "..");
export const CNI_PORTS: Ports = [{ port: 80, protocol: "TCP" }];
export const CNI_BASE: Json[] = [
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

/** A Pod as the API has it when the kubelet sets up its sandbox: scheduled, no IP yet. */
export const pendingPod = (ns: string, name: string): Json => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: ns, labels: { app: name } },
  spec: { nodeName: "n1", containers: [{ name: "c", ports: [{ containerPort: 80 }] }] },
  status: { phase: "Pending" },
});

/** The first address of an ADD result. */
export const ipOf = (result: Record<string, unknown>): string => {
  const ips = result.ips as Array<{ address: string }>;
  return (ips[0]?.address ?? "").split("/")[0] as string;
};

export interface CniEnv {
  api: ApiServer;
  lab: LabFixture;
  runtime: CniRuntime;
  conf: ConfList;
  socket: string;
  state: string;
  startAgent(): Promise<Agent>;
  /** A pod sandbox (network namespace) with a server on port 80; `containerId` may be chosen. */
  sandbox(ns: string, name: string, containerId?: string): Promise<Attachment & { netns: string }>;
  /** Connects from a sandbox's namespace with a deadline; true when the connection was made. */
  connectFrom(netns: string, ip: string, timeoutMs?: number): Promise<boolean>;
}

/** Options of the chain: the CNI version of the conflist and host-local's range. */
export interface CniLabOptions {
  readonly cniVersion?: string;
  readonly range?: { readonly rangeStart: string; readonly rangeEnd?: string };
}

let counter = 0;

function pluginDir(dir: string): string {
  const shim = join(dir, "netguard");
  writeFileSync(
    shim,
    `#!/bin/sh\nexec "${process.execPath}" "${join(root, "dist", "cni", "main.js")}" "$@"\n`,
  );
  chmodSync(shim, 0o755);
  return dir;
}

function confList(work: string, socket: string, o: CniLabOptions): ConfList {
  return {
    name: "cbr0",
    cniVersion: o.cniVersion ?? "0.3.1",
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
          ranges: [[{ subnet: "10.1.0.0/24", ...(o.range ?? { rangeStart: "10.1.0.100" }) }]],
          dataDir: join(work, "ipam"),
        },
      },
      { type: "portmap", capabilities: { portMappings: true }, snat: true },
      { type: "netguard", agentSocket: socket, timeoutMs: 5000, logFile: join(work, "cni.log") },
    ],
  };
}

/** Runs `fn` with the chain in a fresh lab and API server (CNI_BASE created in it). */
export async function withCni(fn: (env: CniEnv) => Promise<void>, opts: CniLabOptions = {}): Promise<void> {
  const api = await startApiServer({ bookmarkIntervalMs: 0 });
  for (const o of CNI_BASE) api.create(o);
  const work = mkdtempSync(join(tmpdir(), "netguard-cni-"));
  const socket = join(work, "cni.sock");
  const state = join(work, "pods.json");
  try {
    await withLab(snapshotOf(CNI_BASE), CNI_PORTS, async (lab) => {
      const nodeNs = lab.lab.nodes[0]?.netns as string;
      const bin = mkdtempSync(join(work, "bin-"));
      const runtime = new CniRuntime(systemExec, nodeNs, [pluginDir(bin), "/usr/lib/cni"]);
      const env: CniEnv = {
        api,
        lab,
        runtime,
        conf: confList(work, socket, opts),
        socket,
        state,
        async startAgent() {
          const agent = testAgent(api, nodeNs, { cniSocket: socket, cniStateFile: state });
          await agent.start();
          return agent;
        },
        async sandbox(ns, name, containerId) {
          const netns = `${lab.lab.id}-c${counter++}`;
          expect((await systemExec("ip", ["netns", "add", netns])).code).toBe(0);
          await systemExec("ip", ["-n", netns, "link", "set", "lo", "up"]);
          // The pod's server is up before its network is: a denial can only come from the datapath.
          // It runs until the lab's namespaces are destroyed (their processes are killed first).
          void systemExec(
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
          );
          return {
            netns,
            containerId: containerId ?? `ctr-${netns}`,
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
    rmSync(work, { recursive: true, force: true });
  }
}
