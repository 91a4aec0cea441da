import { describe, expect, it } from "vitest";
import type { Node, Snapshot } from "../k8s/model.js";
import { type Cidr, formatInterval, parseCidr } from "../net/cidr.js";
import { localNodeView, parseSubnetEnv, readFlannelSubnet, withFallbackCidrs } from "./flannel-subnet.js";

const cidr = (t: string) => parseCidr(t) as Cidr;
const text = (cs: readonly Cidr[]) => cs.map((c) => formatInterval(c.family, c.range));
const FLANNEL =
  "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n";

function snapshotWith(nodes: Node[]): Snapshot {
  return {
    namespaces: new Map(),
    pods: [],
    policies: [],
    nodes: new Map(nodes.map((n) => [n.name, n])),
    clusterPolicies: [],
  };
}

describe("parseSubnetEnv", () => {
  it("takes the pod CIDR from FLANNEL_SUBNET's network (the lease is written with the gateway)", () => {
    const r = parseSubnetEnv(FLANNEL);
    expect(r.kind).toBe("found");
    if (r.kind === "found") {
      expect(text(r.cidrs)).toEqual(["10.244.1.0/24"]);
      expect(r.cidrs[0]?.hostBitsSet).toBe(false);
    }
  });

  it("reads FLANNEL_IPV6_SUBNET too, quoted values and comments included", () => {
    const r = parseSubnetEnv(`# lease\n${FLANNEL}FLANNEL_IPV6_SUBNET="fd00:10:244:1::1/64"\n`);
    expect(r.kind === "found" && text(r.cidrs)).toEqual(["10.244.1.0/24", "fd00:10:244:1::/64"]);
  });

  it("rejects a file without a subnet, a malformed subnet and a subnet of the wrong family", () => {
    expect(parseSubnetEnv("FLANNEL_MTU=1450\n").kind).toBe("invalid");
    expect(parseSubnetEnv("FLANNEL_SUBNET=10.244.1.300/24\n").kind).toBe("invalid");
    expect(parseSubnetEnv("FLANNEL_SUBNET=fd00::1/64\n").kind).toBe("invalid");
  });
});

describe("readFlannelSubnet", () => {
  it("tells an absent file from an unreadable one", async () => {
    expect(await readFlannelSubnet(() => Promise.resolve(undefined), "/x")).toEqual({ kind: "absent" });
    const broken = await readFlannelSubnet(() => Promise.reject(new Error("EACCES")), "/x");
    expect(broken).toEqual({ kind: "invalid", error: "cannot read /x: EACCES" });
  });
});

describe("localNodeView", () => {
  const bare: Node = { name: "n1", labels: {}, addresses: [], podCIDRs: [] };
  const found = { kind: "found", cidrs: [cidr("10.244.1.0/24")] } as const;

  it("lays the file's CIDR onto a Node without spec.podCIDRs, and then nothing is wrong", () => {
    const v = localNodeView(snapshotWith([bare]), "n1", found, "/run/flannel/subnet.env");
    expect(text(v.snapshot.nodes.get("n1")?.podCIDRs ?? [])).toEqual(["10.244.1.0/24"]);
    expect(v.problem).toBeUndefined();
  });

  it("keeps the Node's own CIDR for its family and adds only the families it lacks", () => {
    const node = { ...bare, podCIDRs: [cidr("10.1.0.0/24")] };
    const both = { kind: "found", cidrs: [cidr("10.244.1.0/24"), cidr("fd00::/64")] } as const;
    expect(text(withFallbackCidrs(node, both.cidrs).podCIDRs)).toEqual(["10.1.0.0/24", "fd00::/64"]);
  });

  it("names a node without any pod CIDR as a problem, with the file's state", () => {
    const v = localNodeView(snapshotWith([bare]), "n1", { kind: "absent" }, "/run/flannel/subnet.env");
    expect(v.problem).toMatch(/n1 has no pod CIDR .*\/run\/flannel\/subnet.env does not exist/);
  });

  it("names a missing Node as a problem and does not invent one from the file", () => {
    const v = localNodeView(snapshotWith([bare]), "no-such-node", found, "/f");
    expect(v.problem).toMatch(/"no-such-node" does not exist in the API server \(check --node/);
    expect(v.snapshot.nodes.has("no-such-node")).toBe(false);
  });
});
