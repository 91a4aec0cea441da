import { describe, expect, it } from "vitest";
import { flannelMac, hostVethName, isLabId } from "./names.js";
import { planLab } from "./plan.js";
import type { LabSpec } from "./spec.js";

const spec: LabSpec = {
  nodes: [1, 2].map((n) => ({
    name: `node${n}`,
    nodeIP: `192.168.77.${n}`,
    podCIDR4: `10.244.${n}.0/24`,
    podCIDR6: `fd00:10:244:${n}::/64`,
  })),
  pods: [
    { key: "a/p0", node: "node1", ips: ["10.244.1.10", "fd00:10:244:1:0:0:0:10"], ports: [] },
    { key: "b/p1", node: "node2", ips: ["10.244.2.10"], ports: [{ port: 53, protocol: "UDP" }] },
  ],
};

function input(netns: string | undefined, cmd = "ip"): string[] {
  const step = planLab(spec, "ngltest").steps.find((s) => s.netns === netns && s.cmd === cmd && s.input);
  return (step?.input ?? "").trimEnd().split("\n");
}

describe("planLab", () => {
  it("describes the lab it builds", () => {
    const { lab } = planLab(spec, "ngltest");
    expect(lab.wireNetns).toBe("ngltest-wire");
    expect(lab.nodes[0]).toEqual({
      name: "node1",
      netns: "ngltest-n0",
      nodeIP: "192.168.77.1",
      gateway4: "10.244.1.1",
      gateway6: "fd00:10:244:1::1",
      podCIDR4: "10.244.1.0/24",
      podCIDR6: "fd00:10:244:1::/64",
      flannelMac: "0e:6e:67:00:00:01",
    });
    expect(lab.pods.map((p) => [p.netns, p.hostVeth, p.ips])).toEqual([
      ["ngltest-p0", hostVethName("a/p0"), ["10.244.1.10", "fd00:10:244:1::10"]],
      ["ngltest-p1", hostVethName("b/p1"), ["10.244.2.10"]],
    ]);
  });

  it("creates interfaces only inside lab namespaces", () => {
    const { steps } = planLab(spec, "ngltest");
    const inHost = steps.filter((s) => s.netns === undefined);
    expect(inHost.map((s) => s.input)).toEqual([
      "netns add ngltest-wire\nnetns add ngltest-n0\nnetns add ngltest-n1\nnetns add ngltest-p0\nnetns add ngltest-p1\n",
    ]);
    expect(steps.every((s) => s.netns === undefined || s.netns.startsWith("ngltest-"))).toBe(true);
  });

  it("builds flannel.1 with routes, neighbours and FDB entries for the other node", () => {
    const node = input("ngltest-n0");
    expect(node).toContain(
      "link add flannel.1 address 0e:6e:67:00:00:01 type vxlan id 1 local 192.168.77.1 dev eth0 dstport 8472 nolearning",
    );
    expect(node).toContain("addr add 10.244.1.0/32 dev flannel.1");
    expect(node).toContain("addr add fd00:10:244:1::/128 dev flannel.1 nodad");
    expect(node).toContain("route add 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink");
    expect(node).toContain("neigh add 10.244.2.0 lladdr 0e:6e:67:00:00:02 dev flannel.1 nud permanent");
    expect(node).toContain("route add fd00:10:244:2::/64 via fd00:10:244:2:: dev flannel.1 onlink");
    expect(node).not.toContain("route add 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink");
    expect(input("ngltest-n0", "bridge")).toEqual([
      "fdb append 0e:6e:67:00:00:02 dev flannel.1 dst 192.168.77.2",
    ]);
  });

  it("attaches each pod with a veth made from the node straight into the pod", () => {
    const veth = hostVethName("a/p0");
    expect(input("ngltest-n0")).toEqual(
      expect.arrayContaining([
        `link add ${veth} mtu 1450 type veth peer name eth0 mtu 1450 netns ngltest-p0`,
        `link set ${veth} master cni0`,
      ]),
    );
    expect(input("ngltest-p0")).toEqual([
      "link set lo up",
      "addr add 10.244.1.10/24 dev eth0",
      "addr add fd00:10:244:1::10/64 dev eth0 nodad",
      "link set eth0 up",
      "route add 0.0.0.0/0 via 10.244.1.1",
      "route add ::/0 via fd00:10:244:1::1",
    ]);
  });

  it("turns on forwarding and br_netfilter in nodes", () => {
    const sysctl = planLab(spec, "ngltest").steps.find((s) => s.netns === "ngltest-n1" && s.cmd === "sysctl");
    expect(sysctl?.args).toEqual(
      expect.arrayContaining(["net.ipv4.ip_forward=1", "net.bridge.bridge-nf-call-iptables=1"]),
    );
  });
});

describe("lab names", () => {
  it("keeps host veth names short and stable", () => {
    expect(hostVethName("a/p0")).toMatch(/^veth[0-9a-f]{8}$/);
    expect(hostVethName("a/p0")).toBe(hostVethName("a/p0"));
    expect(hostVethName("a/p0")).not.toBe(hostVethName("a/p1"));
  });

  it("derives unicast, locally administered flannel.1 MACs", () => {
    expect(flannelMac(0)).toBe("0e:6e:67:00:00:01");
    expect(flannelMac(300)).toBe("0e:6e:67:00:01:2d");
  });

  it("accepts only ids that cannot be a prefix of another lab's namespaces", () => {
    expect(isLabId("ngl3fa9c1")).toBe(true);
    expect(isLabId("ngl-1")).toBe(false);
    expect(isLabId("")).toBe(false);
  });
});
