/**
 * Datapath behaviour on real packets in a lab: updates, node-to-pod traffic, anti-spoofing, IPv6.
 */
import { expect, it } from "vitest";
import { evaluate } from "../src/policy/evaluate.js";
import { indexSnapshot } from "../src/policy/cluster-index.js";
import type { LabMatrix } from "../src/lab/session.js";
import { systemExec } from "../src/sys/exec.js";
import { mismatches, type Ports, withLab } from "./support/lab.js";
import { type Json, namespace, node, pod, policy, snapshotOf } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const PORTS: Ports = [
  { port: 80, protocol: "TCP" },
  { port: 53, protocol: "UDP" },
];
const web = [{ name: "http", containerPort: 80 }];

function cluster(labels: Record<string, Record<string, string>> = {}): Json[] {
  return [
    namespace("x", { ns: "x" }),
    namespace("y", { ns: "y" }),
    namespace("z", { ns: "z" }),
    node("n1", "192.168.0.1", ["10.1.0.0/24", "fd01::/64"]),
    node("n2", "192.168.0.2", ["10.2.0.0/24", "fd02::/64"]),
    pod("x", "a", {
      labels: labels["x/a"] ?? { pod: "a" },
      ips: ["10.1.0.10", "fd01::10"],
      node: "n1",
      ports: web,
    }),
    pod("x", "b", {
      labels: labels["x/b"] ?? { pod: "b" },
      ips: ["10.2.0.11", "fd02::11"],
      node: "n2",
      ports: web,
    }),
    pod("y", "a", {
      labels: labels["y/a"] ?? { pod: "a" },
      ips: ["10.1.0.12", "fd01::12"],
      node: "n1",
      ports: web,
    }),
    pod("y", "b", {
      labels: labels["y/b"] ?? { pod: "b" },
      ips: ["10.2.0.13", "fd02::13"],
      node: "n2",
      ports: web,
    }),
    pod("z", "a", {
      labels: labels["z/a"] ?? { pod: "a" },
      ips: ["10.1.0.14", "fd01::14"],
      node: "n1",
      ports: web,
    }),
  ];
}

const denyX = policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
const fromNs = (ns: string) =>
  policy("x", "allow", {
    podSelector: {},
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns } } }] }],
  });

function cell(m: LabMatrix, from: string, to: string, port = 80): boolean | undefined {
  return m.results.find((r) => r.from === from && r.to === to && r.port === port)?.allowed;
}

describeAsRoot("lab behaviour", () => {
  it("follows policy updates (added, changed, deleted; a pod label changed) with incremental syncs", async () => {
    await withLab(snapshotOf(cluster()), PORTS, async (lab) => {
      let m = await lab.enforceAndProbe(snapshotOf(cluster()));
      expect(mismatches(m)).toEqual([]);
      expect(cell(m, "y/a", "x/a")).toBe(true);

      m = await lab.enforceAndProbe(snapshotOf([...cluster(), denyX]));
      expect(mismatches(m)).toEqual([]);
      expect(cell(m, "y/a", "x/a")).toBe(false);
      expect(cell(m, "x/a", "y/a")).toBe(false);

      m = await lab.enforceAndProbe(snapshotOf([...cluster(), denyX, fromNs("y")]));
      expect(mismatches(m)).toEqual([]);
      expect(cell(m, "y/b", "x/a")).toBe(true); // across nodes
      expect(cell(m, "z/a", "x/a")).toBe(false);

      const results = await lab.enforcer.enforce(lab.bind(snapshotOf([...cluster(), denyX, fromNs("z")])));
      expect([...results.values()].map((r) => r.kind)).toEqual(["incremental", "incremental"]);
      m = await lab.enforceAndProbe(snapshotOf([...cluster(), denyX, fromNs("z")]));
      expect(mismatches(m)).toEqual([]);
      expect(cell(m, "y/a", "x/a")).toBe(false);
      expect(cell(m, "z/a", "x/a")).toBe(true);

      const special = policy("x", "special", {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: "special" } } }] }],
      });
      m = await lab.enforceAndProbe(snapshotOf([...cluster(), denyX, special]));
      expect(cell(m, "y/b", "x/a")).toBe(false);
      m = await lab.enforceAndProbe(
        snapshotOf([...cluster({ "y/b": { pod: "b", role: "special" } }), denyX, special]),
      );
      expect(mismatches(m)).toEqual([]);
      expect(cell(m, "y/b", "x/a")).toBe(true);

      m = await lab.enforceAndProbe(snapshotOf(cluster()));
      expect(mismatches(m)).toEqual([]);
      expect(m.results.every((r) => r.allowed === true)).toBe(true);
    });
  });

  it("allows a pod's own node to reach it under default-deny, but not another node", async () => {
    await withLab(snapshotOf(cluster()), PORTS, async (lab) => {
      await lab.enforcer.enforce(lab.bind(snapshotOf([...cluster(), denyX])));
      const own = await lab.prober.probe({
        from: { node: "n1" },
        dst: "10.1.0.10",
        port: 80,
        protocol: "TCP",
      });
      expect(own).toMatchObject({ ok: true });
      const other = await lab.prober.probe({
        from: { node: "n2" },
        dst: "10.1.0.10",
        port: 80,
        protocol: "TCP",
        timeoutMs: 500,
      });
      expect(other).toMatchObject({ ok: false, detail: "timeout" });
      const open = await lab.prober.probe({
        from: { node: "n2" },
        dst: "10.1.0.12",
        port: 80,
        protocol: "TCP",
      });
      expect(open).toMatchObject({ ok: true });
    });
  });

  it("drops traffic from a pod that forges its source address, and only that", async () => {
    await withLab(snapshotOf(cluster()), PORTS, async (lab) => {
      const xa = lab.lab.pods.find((p) => p.key === "x/a");
      const n1 = lab.lab.nodes.find((n) => n.name === "n1");
      if (!xa || !n1) throw new Error("lab is missing x/a or n1");
      const ip = (args: string[]) => systemExec("ip", ["-n", xa.netns, ...args]);
      expect((await ip(["addr", "add", "10.1.0.99/32", "dev", "eth0"])).code).toBe(0);
      const forged = {
        from: "x/a",
        dst: "10.1.0.12",
        port: 80,
        protocol: "TCP" as const,
        src: "10.1.0.99",
        timeoutMs: 500,
      };
      // Without netguard's tables the forged connection works: the check below can fail.
      expect(await lab.prober.probe(forged)).toMatchObject({ ok: true });
      await lab.enforcer.enforce(lab.bind(snapshotOf(cluster())));
      expect(await lab.prober.probe(forged)).toMatchObject({ ok: false, detail: "timeout" });
      expect(await lab.prober.probe({ ...forged, src: "10.1.0.10" })).toMatchObject({ ok: true });
      const v6 = await lab.prober.probe({ from: "x/a", dst: "fd01::12", port: 80, protocol: "TCP" });
      expect(v6).toMatchObject({ ok: true });
      const counter = await systemExec("ip", [
        "netns",
        "exec",
        n1.netns,
        "nft",
        "list",
        "counter",
        "bridge",
        "netguard",
        "spoofed",
      ]);
      expect(counter.stdout).toMatch(/packets [1-9]/);
    });
  });

  it("enforces IPv6 within and across nodes, per family", async () => {
    const v6only = policy("x", "v6-only", {
      podSelector: {},
      ingress: [
        { from: [{ ipBlock: { cidr: "fd00::/8", except: ["fd02::13/128"] } }], ports: [{ port: "http" }] },
      ],
    });
    const objs = [...cluster(), v6only];
    await withLab(snapshotOf(objs), PORTS, async (lab) => {
      const snapshot = lab.bind(snapshotOf(objs));
      await lab.enforcer.enforce(snapshot);
      const index = indexSnapshot(snapshot);
      const cases = [
        ["y/a", "fd01::12", "x/a", "fd01::10"],
        ["y/b", "fd02::13", "x/a", "fd01::10"],
        ["z/a", "fd01::14", "x/b", "fd02::11"],
        ["y/a", "10.1.0.12", "x/a", "10.1.0.10"],
      ] as const;
      for (const [from, fromIp, to, toIp] of cases) {
        const v = evaluate(index, { from: { ip: fromIp }, to: { ip: toIp }, port: 80, protocol: "TCP" });
        if (typeof v === "string") throw new Error(v);
        const r = await lab.prober.probe({ from, dst: toIp, port: 80, protocol: "TCP", timeoutMs: 500 });
        expect(r.ok, `${from} -> ${to} (${toIp})`).toBe(v.allowed);
      }
      const allowedCount = await Promise.all(
        cases.map(([from, , , toIp]) =>
          lab.prober.probe({ from, dst: toIp, port: 80, protocol: "TCP", timeoutMs: 500 }),
        ),
      );
      expect(allowedCount.map((r) => r.ok)).toEqual([true, false, true, false]);
    });
  });

  it("a UDP probe after a policy change is a new flow, not the previous probe's conntrack entry", async () => {
    await withLab(snapshotOf(cluster()), PORTS, async (lab) => {
      // Left to the kernel, y/a's sockets would all get this one source port: a probe that reused
      // the allowed probe's port would ride its conntrack entry (30 s for UDP) past the new drop.
      const ya = lab.lab.pods.find((p) => p.key === "y/a");
      const pinned = await systemExec("ip", [
        "netns",
        "exec",
        ya?.netns ?? "",
        "sysctl",
        "-qw",
        "net.ipv4.ip_local_port_range=40000 40000",
      ]);
      expect(pinned.code, pinned.stderr).toBe(0);
      const probe = () =>
        lab.prober.probe({ from: "y/a", dst: "10.1.0.10", port: 53, protocol: "UDP", timeoutMs: 500 });
      await lab.enforcer.enforce(lab.bind(snapshotOf(cluster())));
      expect(await probe()).toMatchObject({ ok: true, detail: "echoed" });
      await lab.enforcer.enforce(lab.bind(snapshotOf([...cluster(), denyX])));
      expect(await probe()).toMatchObject({ ok: false, detail: "timeout" });
    });
  });

  it("fails closed: a pod-CIDR address the datapath has not programmed can neither send nor receive", async () => {
    const ghost = pod("y", "ghost", { labels: { pod: "g" }, ips: ["10.1.0.20"], node: "n1", ports: web });
    await withLab(snapshotOf([...cluster(), ghost]), PORTS, async (lab) => {
      // The API view (and so the agent) does not know y/ghost yet: only the lab has it.
      await lab.enforcer.enforce(lab.bind(snapshotOf(cluster())));
      const probe = (from: string, dst: string) =>
        lab.prober.probe({ from, dst, port: 80, protocol: "TCP", timeoutMs: 400 });
      expect(await probe("y/ghost", "10.1.0.12")).toMatchObject({ ok: false, detail: "timeout" });
      expect(await probe("y/a", "10.1.0.20")).toMatchObject({ ok: false, detail: "timeout" });
      expect(await probe("x/b", "10.1.0.20")).toMatchObject({ ok: false, detail: "timeout" }); // from another node
      expect(await probe("y/a", "10.1.0.10")).toMatchObject({ ok: true });
      // Once programmed, it talks.
      await lab.enforcer.enforce(lab.bind(snapshotOf([...cluster(), ghost])));
      expect(await probe("y/ghost", "10.1.0.12")).toMatchObject({ ok: true });
      expect(await probe("y/a", "10.1.0.20")).toMatchObject({ ok: true });
    });
  });
});
