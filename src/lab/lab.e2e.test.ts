// Real namespaces, veths, bridges and VXLAN, and real TCP/UDP packets. Needs root (CI runs as root).
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeAsRoot } from "../../test/support/root.js";
import { type Exec, systemExec } from "../sys/exec.js";
import { systemSpawnInNetns } from "./agent-process.js";
import { type ProbeRequest, type Prober, startAgents } from "./prober.js";
import type { LabSpec } from "./spec.js";
import { type Lab, buildLab, destroyLab, labNamespaces, newLabId } from "./topology.js";

/** 2 nodes × 2 pods, dual-stack; pods serve TCP 80 and UDP 53. */
const spec: LabSpec = {
  nodes: [1, 2].map((n) => ({
    name: `node${n}`,
    nodeIP: `192.168.77.${n}`,
    podCIDR4: `10.244.${n}.0/24`,
    podCIDR6: `fd00:10:244:${n}::/64`,
  })),
  pods: ["a/p0", "a/p1", "b/p2", "b/p3"].map((key, j) => {
    const n = j < 2 ? 1 : 2;
    const host = 10 + (j % 2);
    return {
      key,
      node: `node${n}`,
      ips: [`10.244.${n}.${host}`, `fd00:10:244:${n}::${host}`],
      ports: [
        { port: 80, protocol: "TCP" as const },
        { port: 53, protocol: "UDP" as const },
        { port: 9, protocol: "SCTP" as const },
      ],
    };
  }),
};

/** Names of the host namespace's interfaces. */
async function hostLinks(): Promise<string[]> {
  const r = await systemExec("ip", ["-o", "link", "show"]);
  return r.stdout
    .split("\n")
    .flatMap((l) => /^\d+: ([^:@]+)/.exec(l)?.[1] ?? [])
    .sort();
}

describeAsRoot("a two-node dual-stack lab", () => {
  const id = newLabId();
  let before: string[] = [];
  let lab: Lab;
  let prober: Prober | undefined;

  beforeAll(async () => {
    before = await hostLinks();
    lab = await buildLab(systemExec, spec, id);
    prober = await startAgents(systemSpawnInNetns, lab, { timeoutMs: 2000 });
  });

  afterAll(async () => {
    await prober?.close();
    await destroyLab(systemExec, id);
  });

  const p = (): Prober => prober as Prober;

  it("creates only lab namespaces and no interface in the host namespace", async () => {
    expect(await hostLinks()).toEqual(before);
    expect(await labNamespaces(systemExec, id)).toEqual(
      [`${id}-n0`, `${id}-n1`, `${id}-p0`, `${id}-p1`, `${id}-p2`, `${id}-p3`, `${id}-wire`].sort(),
    );
  });

  it("connects every pod to every pod over TCP and UDP, IPv4 and IPv6, on one node and across nodes", async () => {
    const probes: ProbeRequest[] = lab.pods.flatMap((from) =>
      lab.pods.flatMap((to) =>
        to.ips.flatMap((dst) => [
          { from: from.key, dst, port: 80, protocol: "TCP" as const },
          { from: from.key, dst, port: 53, protocol: "UDP" as const },
        ]),
      ),
    );
    const results = await p().probeMany(probes, 32);
    const failed = probes.flatMap((q, i) => (results[i]?.ok ? [] : [{ ...q, result: results[i] }]));
    expect(failed).toEqual([]);
    expect(results.map((r) => r.detail)).toEqual(
      probes.map((q) => (q.protocol === "TCP" ? "connected" : "echoed")),
    );
  });

  it("reaches local and remote pods from a node", async () => {
    const results = await p().probeMany(
      ["10.244.1.10", "fd00:10:244:1::10", "10.244.2.11", "fd00:10:244:2::11"].map((dst) => ({
        from: { node: "node1" },
        dst,
        port: 80,
        protocol: "TCP" as const,
      })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it("reports a closed port as refused at once, for TCP (RST) and UDP (ICMP port unreachable)", async () => {
    const started = Date.now();
    const results = await p().probeMany([
      { from: "a/p0", dst: "10.244.2.10", port: 81, protocol: "TCP", timeoutMs: 3000 },
      { from: "a/p0", dst: "fd00:10:244:2::10", port: 81, protocol: "TCP", timeoutMs: 3000 },
      { from: "a/p0", dst: "10.244.1.11", port: 54, protocol: "UDP", timeoutMs: 3000 },
      { from: "a/p0", dst: "fd00:10:244:2::10", port: 54, protocol: "UDP", timeoutMs: 3000 },
    ]);
    expect(results).toEqual(Array(4).fill({ ok: false, detail: "refused" }));
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("reports silence as a timeout, and SCTP as skipped", async () => {
    const results = await p().probeMany([
      { from: "a/p0", dst: "10.244.2.99", port: 80, protocol: "TCP", timeoutMs: 300 },
      { from: "a/p0", dst: "10.244.2.99", port: 53, protocol: "UDP", timeoutMs: 300 },
      { from: "a/p0", dst: "10.244.2.10", port: 9, protocol: "SCTP" },
    ]);
    expect(results.map((r) => r.detail)).toEqual(["timeout", "timeout", "skipped: SCTP not supported"]);
  });

  it("sends from a source address the pod does not own once it is added to eth0", async () => {
    const forged = {
      from: "a/p0",
      dst: "10.244.2.10",
      port: 80,
      protocol: "TCP" as const,
      src: "10.244.1.99",
    };
    expect(await p().probe(forged)).toEqual({ ok: false, detail: "bind failed: EADDRNOTAVAIL" });
    const pod = lab.pods[0];
    const added = await systemExec("ip", [
      "-n",
      pod?.netns ?? "",
      "addr",
      "add",
      "10.244.1.99/32",
      "dev",
      "eth0",
    ]);
    expect(added.stderr).toBe("");
    expect(await p().probe(forged)).toEqual({ ok: true, detail: "connected" });
    expect(await p().probe({ ...forged, port: 53, protocol: "UDP" })).toEqual({ ok: true, detail: "echoed" });
  });

  // Last: tears the lab down under running agents.
  it("destroyLab kills the agents, removes every namespace, and can run twice", async () => {
    await destroyLab(systemExec, id);
    expect(await labNamespaces(systemExec, id)).toEqual([]);
    const r = await p().probe({ from: "a/p0", dst: "10.244.1.11", port: 80, protocol: "TCP" });
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/^agent exited: killed by SIGKILL/);
    await destroyLab(systemExec, id);
    expect(await hostLinks()).toEqual(before);
  });
});

describeAsRoot("a lab that cannot be built", () => {
  it("rejects an invalid spec before creating anything", async () => {
    const id = newLabId();
    const bad: LabSpec = {
      ...spec,
      pods: [{ key: "a/p0", node: "node1", ips: ["10.244.1.300"], ports: [] }],
    };
    try {
      await expect(buildLab(systemExec, bad, id)).rejects.toThrow(/pods\[0\]\.ips\[0\]: "10.244.1.300"/);
      expect(await labNamespaces(systemExec, id)).toEqual([]);
    } finally {
      await destroyLab(systemExec, id);
    }
  });

  it("removes everything it created when a step fails halfway", async () => {
    const id = newLabId();
    const before = await hostLinks();
    const ran: string[] = [];
    // Fails the third pod's setup, after the namespaces, nodes, veths and two pods exist.
    const failing: Exec = (cmd, args, opts) => {
      ran.push([cmd, ...args].join(" "));
      if (args.includes(`${id}-p2`) && args.includes("-batch")) {
        return Promise.resolve({ code: 1, stdout: "", stderr: "injected failure" });
      }
      return systemExec(cmd, args, opts);
    };
    try {
      await expect(buildLab(failing, spec, id)).rejects.toThrow(/lab step failed in .*-p2.*injected failure/);
      expect(ran.some((c) => c.includes(`${id}-p1 ip -batch`))).toBe(true);
      expect(await labNamespaces(systemExec, id)).toEqual([]);
      expect(await hostLinks()).toEqual(before);
    } finally {
      await destroyLab(systemExec, id);
    }
  });

  it("refuses an id whose namespaces exist, and leaves them alone", async () => {
    const id = newLabId();
    try {
      await systemExec("ip", ["netns", "add", `${id}-stray`]);
      await expect(buildLab(systemExec, spec, id)).rejects.toThrow(/already has namespaces: .*-stray/);
      expect(await labNamespaces(systemExec, id)).toEqual([`${id}-stray`]);
    } finally {
      await destroyLab(systemExec, id);
    }
  });
});
