/**
 * The agent's wiring builds a part only when its option asks for it (nothing is started: no
 * sockets, processes or API calls happen while building), and the parts it builds work: CNI
 * handling over the API server (a fake one) and a state file, the socket through the listen given.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startApiServer } from "../../test/support/apiserver/server.js";
import { namespace, node, pod } from "../../test/support/objects.js";
import { compile } from "../compile/compile.js";
import type { NodeRules } from "../compile/ir.js";
import { ManualClock } from "../agent/clock.js";
import type { AgentOptions } from "../agent/options.js";
import type { Exec } from "../sys/exec.js";
import { agentParts } from "./agent-parts.js";

const ran: string[] = [];
const exec: Exec = (cmd, args) => (
  ran.push([cmd, ...args].join(" ")),
  Promise.resolve({ code: 1, stdout: "", stderr: "" })
);

function options(more: Partial<AgentOptions> = {}): AgentOptions {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: "c", server: "https://127.0.0.1:1", skipTLSVerify: true }],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  return {
    nodeName: "n1",
    kubeConfig,
    exec,
    clock: new ManualClock(),
    logger: pino({ level: "silent" }),
    driftIntervalMs: 0,
    dropsIntervalMs: 1000,
    ...more,
  };
}

describe("agentParts", () => {
  it("leaves out the endpoints and watches no option asks for", () => {
    const p = agentParts(options({ vethDiscovery: false }));
    expect([p.cniServer, p.http, p.chaining, p.tableWatch, p.veths]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(p.nodeName).toBe("n1");
    expect(ran).toEqual([]);
  });

  it("builds each part its option names, and veth discovery by default", () => {
    const p = agentParts(
      options({
        cniSocket: "/run/netguard/x.sock",
        listen: { host: "127.0.0.1", port: 0 },
        cniConfDir: "/etc/cni/net.d",
        tableWatch: { pollMs: 1000 },
        netns: "ngt-x",
      }),
    );
    expect(typeof p.cniServer).toBe("function");
    expect(typeof p.http).toBe("function");
    expect(typeof p.chaining).toBe("function");
    expect(typeof p.tableWatch).toBe("function");
    expect(p.veths).toBeDefined();
    expect(p.netns).toBe("ngt-x");
    expect(ran).toEqual([]);
  });

  it("lists the tables through the injected exec, inside the node's namespace", async () => {
    const p = agentParts(options({ netns: "ngt-y" }));
    expect(await p.listTables()).toBeUndefined(); // the fake nft failed
    expect(ran.at(-1)).toBe("ip netns exec ngt-y nft -j list tables");
  });

  it("builds CNI handling that loads, registers through the API server and keeps a state file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "netguard-parts-"));
    const api = await startApiServer({ bookmarkIntervalMs: 0 });
    try {
      for (const o of [namespace("x"), node("n1", "192.168.0.1", ["10.1.0.0/24"])]) api.create(o);
      api.create(pod("x", "a", { ips: ["10.1.0.10"], node: "n1" }));
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromString(api.kubeconfig());
      const stateFile = join(dir, "state", "cni.json");
      const p = agentParts(options({ kubeConfig, cniStateFile: stateFile }));
      let applied: NodeRules | undefined;
      const cni = p.cni({
        ready: () => true,
        notReady: () => undefined,
        syncNow: () => {
          applied = compile(cni.view(p.store.snapshot()).snapshot, "n1");
          return Promise.resolve({ kind: "full", commands: 1, scriptBytes: 1 });
        },
        syncSoon: () => undefined,
        applied: () => applied,
      });
      await cni.load();
      const add = { containerId: "c1", namespace: "x", name: "a", ips: ["10.1.0.10"] };
      expect(await cni.cniAdd(add)).toEqual({ ok: true });
      const kept = JSON.parse(await readFile(stateFile, "utf8")) as { pods: Array<{ containerId: string }> };
      expect(kept.pods.map((r) => r.containerId)).toEqual(["c1"]);
    } finally {
      await api.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("binds the CNI socket at its path through the listen function given", async () => {
    const dir = await mkdtemp(join(tmpdir(), "netguard-parts-"));
    const socket = join(dir, "parts.sock");
    const bound: string[] = [];
    try {
      const p = agentParts(
        options({ cniSocket: socket, cniListen: (_server, path) => (bound.push(path), Promise.resolve()) }),
      );
      if (!p.cniServer) throw new Error("no CNI server built");
      const server = p.cniServer({
        cniAdd: () => Promise.resolve({ ok: true }),
        cniDel: () => Promise.resolve({ ok: true }),
        cniCheck: () => Promise.resolve({ ok: true }),
        cniGc: () => Promise.resolve({ ok: true }),
        cniStatus: () => ({ ok: true }),
      });
      await server.start();
      await server.stop();
      expect(bound).toEqual([socket]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
