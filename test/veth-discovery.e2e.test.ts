/**
 * Veth discovery against a real lab node (issue 11, finding 4): the pods' host veths are learned
 * from the kernel — cni0's ports, their peers' addresses — and matched with the API's pod IPs,
 * without any CNI ADD. Compared with the lab's own record of each pod's host veth.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { discoverVeths } from "../src/agent/veth-discovery.js";
import { refOf } from "../src/k8s/model.js";
import type { Snapshot } from "../src/k8s/model.js";
import type { LabNode } from "../src/lab/lab.js";
import { formatAddr } from "../src/net/address.js";
import { inNetns, systemExec } from "../src/sys/exec.js";
import { type LabFixture, type Ports, withLab } from "./support/lab.js";
import { namespace, node, pod, snapshotOf } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const PORTS: Ports = [{ port: 80, protocol: "TCP" }];
const SNAPSHOT = snapshotOf([
  namespace("x"),
  node("n1", "192.168.0.1", ["10.1.0.0/24", "fd00:1::/64"]),
  pod("x", "a", { ips: ["10.1.0.10", "fd00:1::a"], node: "n1" }),
  pod("x", "b", { ips: ["10.1.0.11"], node: "n1" }),
  pod("x", "c", { ips: ["10.1.0.12"], node: "n1" }),
]);

/** Pod IP → pod ref of the node's pods, as the agent builds it from the API (status.podIPs). */
function podIps(s: Snapshot): Map<string, string> {
  return new Map(s.pods.flatMap((p) => p.ips.map((a): [string, string] => [formatAddr(a), refOf(p)])));
}

/** What the lab built: pod ref → host veth. */
function labVeths(f: LabFixture): Map<string, string> {
  return new Map(f.lab.pods.map((p) => [p.key, p.hostVeth]));
}

async function must(cmd: string, args: string[]): Promise<void> {
  const r = await systemExec(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
}

/**
 * A sandbox whose namespace has no name under /var/run/netns (a runtime that keeps it elsewhere):
 * `unshare --net sleep`, with a veth from the node's cni0 into it. Killing the process removes the
 * namespace and the veth.
 */
async function unnamedSandbox(n: LabNode, veth: string, ip: string): Promise<ChildProcess> {
  const proc = spawn("unshare", ["--net", "sleep", "120"], { stdio: "ignore" });
  const pid = String(proc.pid);
  try {
    await must("ip", [
      "netns",
      "exec",
      n.netns,
      "ip",
      "link",
      "add",
      veth,
      "type",
      "veth",
      "peer",
      "name",
      "eth0",
      "netns",
      pid,
    ]);
    await must("ip", ["netns", "exec", n.netns, "ip", "link", "set", veth, "master", "cni0", "up"]);
    for (const c of [`addr add ${ip}/24 dev eth0`, "link set eth0 up", "link set lo up"])
      await must("nsenter", ["-t", pid, "-n", "ip", ...c.split(" ")]);
    // A connection attempt to the gateway: the node learns the sandbox's ARP entry, the bridge its MAC.
    await systemExec("nsenter", [
      "-t",
      pid,
      "-n",
      "timeout",
      "2",
      "bash",
      "-c",
      `echo > /dev/tcp/${n.gateway4}/81`,
    ]);
  } catch (e) {
    proc.kill("SIGKILL");
    throw e;
  }
  return proc;
}

describeAsRoot("veth discovery in a lab node", () => {
  it("finds every pod's host veth from the kernel, as the lab built them", async () => {
    await withLab(SNAPSHOT, PORTS, async (f) => {
      const api = podIps(f.bind(SNAPSHOT));
      api.set("10.1.0.50", "x/gone"); // a pod the API still lists whose sandbox is gone
      const r = await discoverVeths(systemExec, { netns: f.lab.nodes[0]?.netns }, api);
      expect(r.problems).toEqual([]);
      expect(r.interfaces).toEqual(labVeths(f));
      expect(r.unmatched).toEqual(["x/gone"]);
      expect(r.fromNeighbours).toEqual([]);
    });
  });

  it("leaves out a veth whose pod added another pod's address, and keeps the victim's", async () => {
    await withLab(SNAPSHOT, PORTS, async (f) => {
      const c = f.lab.pods.find((p) => p.key === "x/c");
      await must("ip", ["-n", c?.netns ?? "", "addr", "add", "10.1.0.10/24", "dev", "eth0"]);
      const r = await discoverVeths(systemExec, { netns: f.lab.nodes[0]?.netns }, podIps(f.bind(SNAPSHOT)));
      const expected = labVeths(f);
      expected.delete("x/c");
      expect(r.interfaces).toEqual(expected);
      expect(r.unmatched).toEqual(["x/c"]);
      expect(r.problems).toEqual([
        `${c?.hostVeth}: peer addresses 10.1.0.10, 10.1.0.12 match several pods (x/a, x/c); left out`,
      ]);
    });
  });

  it("learns a sandbox in an unnamed namespace from the node's neighbour and FDB entries", async () => {
    await withLab(SNAPSHOT, PORTS, async (f) => {
      const n = f.lab.nodes[0] as LabNode;
      const veth = `ngvd${randomBytes(3).toString("hex")}`;
      const proc = await unnamedSandbox(n, veth, "10.1.0.40");
      try {
        const api = podIps(f.bind(SNAPSHOT)).set("10.1.0.40", "x/hidden");
        const r = await discoverVeths(systemExec, { netns: n.netns }, api);
        expect(r.problems).toEqual([]);
        expect(r.interfaces).toEqual(new Map([...labVeths(f), ["x/hidden", veth]]));
        expect(r.fromNeighbours).toEqual(["x/hidden"]);
      } finally {
        proc.kill("SIGKILL");
        await inNetns(systemExec, n.netns)("ip", ["link", "del", veth]); // gone with the namespace already
      }
    });
  });
});
