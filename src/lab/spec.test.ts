import { describe, expect, it } from "vitest";
import { type LabPodSpec, type LabSpec, validateLabSpec } from "./spec.js";

const base: LabSpec = {
  nodes: [
    { name: "node1", nodeIP: "192.168.77.1", podCIDR4: "10.244.1.0/24", podCIDR6: "fd00:10:244:1::/64" },
    { name: "node2", nodeIP: "192.168.77.2", podCIDR4: "10.244.2.0/24" },
  ],
  pods: [
    {
      key: "a/p0",
      node: "node1",
      ips: ["10.244.1.10", "fd00:10:244:1::10"],
      ports: [{ port: 80, protocol: "TCP" }],
    },
  ],
};

function withPod(pod: Partial<LabPodSpec>): LabSpec {
  return { ...base, pods: [{ ...(base.pods[0] as LabPodSpec), ...pod }] };
}

describe("validateLabSpec", () => {
  it("accepts a dual-stack node next to a single-stack one", () => {
    expect(validateLabSpec(base)).toEqual([]);
  });

  it.each([
    ["not an address", ["10.244.1.300"], 'pods[0].ips[0]: "10.244.1.300" is not an IP address'],
    ["the cni0 gateway", ["10.244.1.1"], "pods[0].ips[0]: the first host address is the cni0 gateway"],
    [
      "flannel.1's network address",
      ["10.244.1.0"],
      "pods[0].ips[0]: the network address is flannel.1's, not a pod's",
    ],
    ["the broadcast address", ["10.244.1.255"], "pods[0].ips[0]: the broadcast address of the pod CIDR"],
    ["the IPv6 gateway", ["fd00:10:244:1::1"], "pods[0].ips[0]: the first host address is the cni0 gateway"],
    ["another node's CIDR", ["10.244.2.10"], "pods[0].ips[0]: outside the node's pod CIDR"],
    ["two of one family", ["10.244.1.10", "10.244.1.11"], "pods[0].ips[1]: a second IPv4 address"],
  ])("rejects a pod address that is %s", (_, ips, problem) => {
    expect(validateLabSpec(withPod({ ips }))).toEqual([problem]);
  });

  it("rejects IPv6 on a node without an IPv6 pod CIDR, an unknown node and a bad port", () => {
    const spec: LabSpec = {
      ...base,
      pods: [
        { key: "a/p1", node: "node2", ips: ["fd00:10:244:2::10"], ports: [{ port: 0, protocol: "TCP" }] },
        { key: "a/p2", node: "node9", ips: ["10.244.9.10"], ports: [] },
      ],
    };
    expect(validateLabSpec(spec)).toEqual([
      "pods[0].ips[0]: the node has no IPv6 pod CIDR",
      "pods[0].ports[0].port: must be 1-65535",
      'pods[1].node: unknown node "node9"',
    ]);
  });

  it("rejects duplicate pods and addresses", () => {
    const pod = base.pods[0] as LabPodSpec;
    expect(validateLabSpec({ ...base, pods: [pod, pod] })).toEqual([
      'pods[1].key: duplicate pod "a/p0"',
      "pods[1].key: host veth name collides with another pod's on this node",
      "pods[1].ips[0]: 10.244.1.10 is used twice",
      "pods[1].ips[1]: fd00:10:244:1::10 is used twice",
    ]);
  });

  it("requires one /24 underlay and disjoint pod CIDRs", () => {
    const spec: LabSpec = {
      nodes: [
        { name: "node1", nodeIP: "192.168.77.1", podCIDR4: "10.244.0.0/16" },
        { name: "node2", nodeIP: "192.168.78.2", podCIDR4: "10.244.2.0/24" },
        { name: "node3", nodeIP: "192.168.77.3", podCIDR4: "192.168.77.0/25" },
      ],
      pods: [],
    };
    expect(validateLabSpec(spec)).toEqual([
      "nodes[1].nodeIP: all nodeIPs must share one /24 underlay",
      "nodes[1]: pod CIDR overlaps the one of nodes[0]",
      "nodes[2].podCIDR4: overlaps the underlay /24",
    ]);
  });

  it("rejects malformed pod CIDRs and node addresses", () => {
    const spec: LabSpec = {
      nodes: [{ name: "node1", nodeIP: "fd00::1", podCIDR4: "10.244.1.1/24", podCIDR6: "10.0.0.0/8" }],
      pods: [],
    };
    expect(validateLabSpec(spec)).toEqual([
      'nodes[0].nodeIP: "fd00::1" is not an IPv4 address',
      "nodes[0].podCIDR4: host bits set (write the network address)",
      "nodes[0].podCIDR6: must be an IPv6 CIDR",
    ]);
  });
});
