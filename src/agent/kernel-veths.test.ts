import { describe, expect, it } from "vitest";
import type { Pod, Snapshot } from "../k8s/model.js";
import { parseAddr } from "../net/address.js";
import { localPodIps, mergeInterfaces } from "./kernel-veths.js";

describe("mergeInterfaces", () => {
  it("keeps every CNI registration and adds the kernel's pairs only for pods and veths CNI does not name", () => {
    const cni = new Map([
      ["x/a", "veth-a"],
      ["x/b", "veth-b2"],
    ]);
    const kernel = new Map([
      ["x/b", "veth-b1"], // CNI named x/b: its registration wins
      ["x/c", "veth-a"], // veth-a belongs to x/a by CNI: not given to another pod
      ["x/d", "veth-d"],
    ]);
    expect([...mergeInterfaces(cni, kernel)]).toEqual([
      ["x/a", "veth-a"],
      ["x/b", "veth-b2"],
      ["x/d", "veth-d"],
    ]);
  });
});

describe("localPodIps", () => {
  it("maps the canonical addresses of this node's pods to their refs", () => {
    const pod = (name: string, nodeName: string, ips: string[]): Pod =>
      ({
        namespace: "x",
        name,
        labels: {},
        nodeName,
        ips: ips.map((i) => parseAddr(i)),
        ports: [],
      }) as unknown as Pod;
    const snapshot: Snapshot = {
      namespaces: new Map(),
      policies: [],
      nodes: new Map(),
      clusterPolicies: [],
      pods: [pod("a", "n1", ["10.1.0.10", "fd00:0::a"]), pod("b", "n2", ["10.2.0.10"])],
    };
    expect([...localPodIps(snapshot, "n1")]).toEqual([
      ["10.1.0.10", "x/a"],
      ["fd00::a", "x/a"],
    ]);
  });
});
