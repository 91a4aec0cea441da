// A lab carries ClusterNetworkPolicies and the Node labels their `nodes` peers select, through
// planning (labFromSnapshot) and binding (bindSnapshotToLab), with the lab's addresses.
import { describe, expect, it } from "vitest";
import { snapshotOf } from "../../test/support/objects.js";
import { formatAddr } from "../net/address.js";
import { labFromSnapshot } from "./from-snapshot.js";
import type { Lab } from "./lab.js";
import { bindSnapshotToLab } from "./session.js";

const objects = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "x" } },
  {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: "n1", labels: { zone: "z1" } },
    spec: { podCIDR: "10.1.0.0/24", podCIDRs: ["10.1.0.0/24"] },
    status: { addresses: [{ type: "InternalIP", address: "172.16.0.1" }] },
  },
  {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "a", namespace: "x" },
    spec: { nodeName: "n1", containers: [{ name: "c", image: "i" }] },
    status: { phase: "Running", podIP: "10.1.0.10", podIPs: [{ ip: "10.1.0.10" }] },
  },
  {
    apiVersion: "policy.networking.k8s.io/v1alpha2",
    kind: "ClusterNetworkPolicy",
    metadata: { name: "no-kubelet" },
    spec: {
      tier: "Admin",
      priority: 1,
      subject: { namespaces: {} },
      egress: [{ action: "Deny", to: [{ nodes: { matchLabels: { zone: "z1" } } }] }],
    },
  },
];

const lab: Lab = {
  id: "nglfake",
  wireNetns: "nglfake-wire",
  nodes: [
    {
      name: "n1",
      netns: "nglfake-n0",
      nodeIP: "192.168.250.1",
      gateway4: "10.1.0.1",
      podCIDR4: "10.1.0.0/24",
      flannelMac: "0e:6e:67:00:00:01",
    },
  ],
  pods: [{ key: "x/a", node: "n1", netns: "nglfake-p0", hostVeth: "veth0", ips: ["10.1.0.10"], ports: [] }],
};

describe("a lab and ClusterNetworkPolicies", () => {
  it("labFromSnapshot keeps the ClusterNetworkPolicies and the Node labels", () => {
    const plan = labFromSnapshot(snapshotOf(objects), []);
    expect(plan.snapshot.clusterPolicies.map((p) => p.name)).toEqual(["no-kubelet"]);
    expect(plan.snapshot.nodes.get("n1")?.labels).toEqual({ zone: "z1" });
  });

  it("bindSnapshotToLab keeps them too, with the Node at the lab's address for `nodes` peers", () => {
    const { snapshot } = bindSnapshotToLab(snapshotOf(objects), lab);
    expect(snapshot.clusterPolicies.map((p) => p.name)).toEqual(["no-kubelet"]);
    const n1 = snapshot.nodes.get("n1");
    expect(n1?.labels).toEqual({ zone: "z1" });
    expect(n1?.addresses.map(formatAddr)).toEqual(["192.168.250.1"]);
  });
});
