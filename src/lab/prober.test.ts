// The prober against fake agents: command routing, readiness and failure handling, without root.
import { describe, expect, it } from "vitest";
import type { AgentHandlers, SpawnInNetns } from "./agent-process.js";
import type { Lab } from "./lab.js";
import { agentPortArgs, startAgents } from "./prober.js";

const lab: Lab = {
  id: "nglfake",
  wireNetns: "nglfake-wire",
  nodes: [
    {
      name: "node1",
      netns: "nglfake-n0",
      nodeIP: "192.168.77.1",
      gateway4: "10.244.1.1",
      podCIDR4: "10.244.1.0/24",
      flannelMac: "0e:6e:67:00:00:01",
    },
  ],
  pods: [
    {
      key: "a/p0",
      node: "node1",
      netns: "nglfake-p0",
      hostVeth: "veth00000000",
      ips: ["10.244.1.10"],
      ports: [
        { port: 80, protocol: "TCP" },
        { port: 53, protocol: "UDP" },
        { port: 7, protocol: "TCP" },
        { port: 9, protocol: "SCTP" },
      ],
    },
  ],
};

interface Fake {
  readonly spawn: SpawnInNetns;
  readonly started: Array<{
    netns: string;
    args: readonly string[];
    handlers: AgentHandlers;
    killed: boolean;
  }>;
}

/** Agents that become ready (unless `silent`) and answer `ok` when dst ends in ".10". */
function fakeSpawn(behaviour: { silent?: boolean; dieOnProbe?: boolean } = {}): Fake {
  const started: Fake["started"] = [];
  const spawn: SpawnInNetns = (netns, _cmd, args, handlers) => {
    const entry = { netns, args, handlers, killed: false };
    started.push(entry);
    if (!behaviour.silent) setTimeout(() => handlers.onLine('{"ready":true}'), 1);
    return {
      writeLine(line) {
        const c = JSON.parse(line) as { id: number; dst: string };
        if (behaviour.dieOnProbe) {
          setTimeout(() => handlers.onExit("exited with code 1"), 1);
          return;
        }
        const ok = c.dst.endsWith(".10");
        setTimeout(
          () => handlers.onLine(JSON.stringify({ id: c.id, ok, detail: ok ? "connected" : "timeout" })),
          1,
        );
      },
      kill() {
        entry.killed = true;
        setTimeout(() => handlers.onExit("killed by SIGKILL"), 1);
      },
    };
  };
  return { spawn, started };
}

describe("startAgents", () => {
  it("runs one agent per pod with its TCP and UDP ports, one per node without listeners", async () => {
    const fake = fakeSpawn();
    const prober = await startAgents(fake.spawn, lab, { agentPath: "/x/probe-agent.js" });
    await prober.close();
    expect(fake.started.map((s) => [s.netns, s.args])).toEqual([
      ["nglfake-p0", ["/x/probe-agent.js", "--tcp", "7,80", "--udp", "53"]],
      ["nglfake-n0", ["/x/probe-agent.js"]],
    ]);
    expect(fake.started.every((s) => s.killed)).toBe(true);
  });

  it("makes every node's agent a server too on nodePorts (egress to node addresses)", async () => {
    const fake = fakeSpawn();
    const prober = await startAgents(fake.spawn, lab, {
      agentPath: "/x/probe-agent.js",
      nodePorts: [
        { port: 10250, protocol: "TCP" },
        { port: 9, protocol: "SCTP" },
      ],
    });
    await prober.close();
    expect(fake.started.find((s) => s.netns === "nglfake-n0")?.args).toEqual([
      "/x/probe-agent.js",
      "--tcp",
      "10250",
    ]);
  });

  it("routes probes to the source's agent and answers in order", async () => {
    const prober = await startAgents(fakeSpawn().spawn, lab);
    try {
      const results = await prober.probeMany(
        [
          { from: "a/p0", dst: "10.244.1.10", port: 80, protocol: "TCP" },
          { from: { node: "node1" }, dst: "10.244.1.11", port: 80, protocol: "TCP" },
        ],
        2,
      );
      expect(results).toEqual([
        { ok: true, detail: "connected" },
        { ok: false, detail: "timeout" },
      ]);
      await expect(
        prober.probe({ from: "x/none", dst: "10.244.1.10", port: 1, protocol: "TCP" }),
      ).rejects.toThrow(/no probe agent for pod:x\/none/);
    } finally {
      await prober.close();
    }
  });

  it("gives up on agents that never get ready, and kills them", async () => {
    const fake = fakeSpawn({ silent: true });
    await expect(startAgents(fake.spawn, lab, { readyTimeoutMs: 50 })).rejects.toThrow(
      /not ready within 50 ms/,
    );
    expect(fake.started.every((s) => s.killed)).toBe(true);
  });

  it("fails a probe whose agent exits instead of answering", async () => {
    const prober = await startAgents(fakeSpawn({ dieOnProbe: true }).spawn, lab);
    try {
      const r = await prober.probe({ from: "a/p0", dst: "10.244.1.10", port: 80, protocol: "TCP" });
      expect(r).toEqual({ ok: false, detail: "agent exited: exited with code 1" });
    } finally {
      await prober.close();
    }
  });
});

describe("agentPortArgs", () => {
  it("omits protocols without ports", () => {
    expect(agentPortArgs({ ports: [{ port: 9, protocol: "SCTP" }] })).toEqual([]);
  });
});
