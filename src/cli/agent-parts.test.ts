/**
 * The agent's wiring builds a part only when its option asks for it (nothing is started: no
 * sockets, processes or API calls happen while building).
 */
import { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
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
    expect(ran.at(-1)).toBe("ip netns exec ngt-y nft list tables");
  });
});
