import { describe, expect, it } from "vitest";
import { indexOf, type Json, namespace, node, pod, policy } from "../../test/support/objects.js";
import type { Protocol } from "../k8s/model.js";
import { evaluate } from "./evaluate.js";
import type { Verdict } from "./verdict.js";

const web = [{ name: "http", containerPort: 80 }];

/** x/a x/b y/a y/b on node n1, plus node n2 with z/c. */
function base(): Json[] {
  return [
    namespace("x", { ns: "x", team: "blue" }),
    namespace("y", { ns: "y", team: "red" }),
    namespace("z", { ns: "z" }),
    node("n1", "192.168.0.1", ["10.0.0.0/16"]),
    node("n2", "192.168.0.2", ["10.1.0.0/16"]),
    pod("x", "a", { labels: { pod: "a" }, ips: ["10.0.0.11"], ports: web }),
    pod("x", "b", { labels: { pod: "b" }, ips: ["10.0.0.12"], ports: web }),
    pod("y", "a", { labels: { pod: "a" }, ips: ["10.0.1.11"], ports: web }),
    pod("y", "b", { labels: { pod: "b", tier: "db" }, ips: ["10.0.1.12"], ports: web }),
    pod("z", "c", { labels: { pod: "c" }, ips: ["10.1.0.3"], node: "n2", ports: web }),
  ];
}

function verdict(objs: Json[], from: string, to: string, port = 80, protocol: Protocol = "TCP"): Verdict {
  const ref = (s: string) => (s.includes("/") ? { pod: s } : { ip: s });
  const v = evaluate(indexOf(objs), { from: ref(from), to: ref(to), port, protocol });
  if (typeof v === "string") throw new Error(v);
  return v;
}

const allowed = (objs: Json[], from: string, to: string, port = 80, protocol: Protocol = "TCP") =>
  verdict(objs, from, to, port, protocol).allowed;

const denyIngress = (ns: string) => policy(ns, "deny-ingress", { podSelector: {} });
const denyEgress = (ns: string) => policy(ns, "deny-egress", { podSelector: {}, policyTypes: ["Egress"] });
const allowIngress = (ns: string, name: string, spec: Json) =>
  policy(ns, name, { podSelector: {}, ingress: [spec] });

describe("isolation", () => {
  it("allows everything when no policy selects either pod", () => {
    expect(allowed(base(), "x/a", "y/b")).toBe(true);
  });

  it("isolates every pod of the namespace for ingress with an empty podSelector and no rules", () => {
    const v = verdict([...base(), denyIngress("y")], "x/a", "y/b");
    expect(v.allowed).toBe(false);
    expect(v.ingress).toMatchObject({
      kind: "pod",
      isolated: true,
      policies: ["y/deny-ingress"],
      allowedBy: [],
    });
    expect(v.egress).toMatchObject({ kind: "pod", isolated: false });
  });

  it("does not isolate pods the podSelector does not select", () => {
    const objs = [...base(), policy("y", "deny-b", { podSelector: { matchLabels: { pod: "b" } } })];
    expect(allowed(objs, "x/a", "y/b")).toBe(false);
    expect(allowed(objs, "x/a", "y/a")).toBe(true);
  });

  it("does not isolate pods of other namespaces", () => {
    expect(allowed([...base(), denyIngress("y")], "y/a", "x/b")).toBe(true);
  });

  it("defaults policyTypes to Ingress only when the spec has no egress rules", () => {
    const objs = [...base(), policy("x", "p", { podSelector: {} })];
    expect(allowed(objs, "x/a", "y/a")).toBe(true); // egress of x/a not isolated
    expect(allowed(objs, "y/a", "x/a")).toBe(false);
  });

  it("defaults policyTypes to Ingress and Egress when the spec has egress rules", () => {
    const objs = [...base(), policy("x", "p", { podSelector: {}, egress: [{ to: [{ podSelector: {} }] }] })];
    expect(allowed(objs, "y/a", "x/a")).toBe(false); // ingress isolated, no ingress rules
    expect(allowed(objs, "x/a", "x/b")).toBe(false); // x/b's ingress still isolated
    expect(allowed(objs, "x/a", "y/a")).toBe(false); // egress only to x pods
  });

  it("does not isolate egress for `egress: []` without policyTypes", () => {
    const objs = [...base(), policy("x", "p", { podSelector: {}, egress: [] })];
    expect(allowed(objs, "x/a", "y/a")).toBe(true);
  });

  it("ignores ingress rules when policyTypes lists only Egress", () => {
    const objs = [...base(), policy("x", "p", { podSelector: {}, policyTypes: ["Egress"], ingress: [{}] })];
    expect(verdict(objs, "y/a", "x/a").ingress).toMatchObject({ isolated: false });
    expect(allowed(objs, "x/a", "y/a")).toBe(false);
  });

  it("isolates egress with policyTypes Egress and no egress rules", () => {
    const v = verdict([...base(), denyEgress("x")], "x/a", "y/a");
    expect(v.allowed).toBe(false);
    expect(v.egress).toMatchObject({ isolated: true, policies: ["x/deny-egress"] });
  });

  it("requires both the source's egress and the destination's ingress to allow", () => {
    const objs = [
      ...base(),
      denyEgress("x"),
      policy("x", "egress-to-y", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { ns: "y" } } }] }],
      }),
      denyIngress("y"),
    ];
    expect(allowed(objs, "x/a", "y/a")).toBe(false); // egress allows, ingress denies
    const opened = [
      ...objs,
      allowIngress("y", "from-x", { from: [{ namespaceSelector: { matchLabels: { ns: "x" } } }] }),
    ];
    expect(allowed(opened, "x/a", "y/a")).toBe(true);
    expect(allowed(opened, "x/a", "z/c")).toBe(false); // egress does not allow z
  });

  it("adds up the allowances of several policies selecting the same pod", () => {
    const objs = [
      ...base(),
      denyIngress("y"),
      allowIngress("y", "from-x-a", {
        from: [{ namespaceSelector: {}, podSelector: { matchLabels: { pod: "a" } } }],
      }),
      allowIngress("y", "from-z", { from: [{ namespaceSelector: { matchLabels: { ns: "z" } } }] }),
    ];
    expect(allowed(objs, "x/a", "y/b")).toBe(true);
    expect(allowed(objs, "z/c", "y/b")).toBe(true);
    expect(allowed(objs, "x/b", "y/b")).toBe(false);
    expect(verdict(objs, "x/a", "y/b").ingress).toMatchObject({
      policies: ["y/deny-ingress", "y/from-x-a", "y/from-z"],
      allowedBy: [{ policy: "y/from-x-a", rule: "spec.ingress[0]", peer: "spec.ingress[0].from[0]" }],
    });
  });

  it("gives the same answer whatever the order of the policies", () => {
    const ps = [
      denyIngress("y"),
      allowIngress("y", "from-x", { from: [{ namespaceSelector: { matchLabels: { ns: "x" } } }] }),
    ];
    expect(allowed([...base(), ...ps], "x/a", "y/a")).toBe(
      allowed([...base(), ...ps.reverse()], "x/a", "y/a"),
    );
  });
});

describe("peers", () => {
  it("podSelector alone selects pods in the policy's own namespace only", () => {
    const objs = [
      ...base(),
      allowIngress("y", "p", { from: [{ podSelector: { matchLabels: { pod: "a" } } }] }),
    ];
    expect(allowed(objs, "y/a", "y/b")).toBe(true);
    expect(allowed(objs, "x/a", "y/b")).toBe(false);
  });

  it("namespaceSelector alone selects all pods in matching namespaces", () => {
    const objs = [
      ...base(),
      allowIngress("y", "p", { from: [{ namespaceSelector: { matchLabels: { team: "blue" } } }] }),
    ];
    expect(allowed(objs, "x/a", "y/b")).toBe(true);
    expect(allowed(objs, "x/b", "y/b")).toBe(true);
    expect(allowed(objs, "y/a", "y/b")).toBe(false);
  });

  it("namespaceSelector and podSelector in one peer must both match", () => {
    const objs = [
      ...base(),
      allowIngress("y", "p", {
        from: [
          { namespaceSelector: { matchLabels: { ns: "x" } }, podSelector: { matchLabels: { pod: "a" } } },
        ],
      }),
    ];
    expect(allowed(objs, "x/a", "y/b")).toBe(true);
    expect(allowed(objs, "x/b", "y/b")).toBe(false);
    expect(allowed(objs, "y/a", "y/b")).toBe(false);
  });

  it("several peers in one rule are ORed", () => {
    const objs = [
      ...base(),
      allowIngress("y", "p", {
        from: [
          { namespaceSelector: { matchLabels: { ns: "x" } } },
          { podSelector: { matchLabels: { pod: "a" } } },
        ],
      }),
    ];
    expect(allowed(objs, "x/b", "y/b")).toBe(true);
    expect(allowed(objs, "y/a", "y/b")).toBe(true);
    expect(allowed(objs, "z/c", "y/b")).toBe(false);
  });

  it("a rule without from allows every source, pods and outside addresses", () => {
    const objs = [...base(), allowIngress("y", "p", { ports: [{ port: 80 }] })];
    expect(allowed(objs, "z/c", "y/b")).toBe(true);
    expect(allowed(objs, "203.0.113.9", "y/b")).toBe(true);
    expect(allowed(objs, "z/c", "y/b", 81)).toBe(false);
  });

  it("an empty namespaceSelector selects pods in every namespace", () => {
    const objs = [...base(), allowIngress("y", "p", { from: [{ namespaceSelector: {} }] })];
    expect(allowed(objs, "z/c", "y/b")).toBe(true);
    expect(allowed(objs, "203.0.113.9", "y/b")).toBe(false);
  });

  it("a pod selector never matches an address outside the pod network", () => {
    const objs = [...base(), allowIngress("y", "p", { from: [{ podSelector: {} }] })];
    expect(allowed(objs, "10.9.9.9", "y/b")).toBe(false);
  });
});

describe("ipBlock", () => {
  const block = (cidr: string, except: string[] = []) => ({ ipBlock: { cidr, except } });

  it("allows addresses in the cidr and not in any except", () => {
    const objs = [
      ...base(),
      allowIngress("y", "p", { from: [block("203.0.113.0/24", ["203.0.113.128/25"])] }),
    ];
    expect(allowed(objs, "203.0.113.5", "y/a")).toBe(true);
    expect(allowed(objs, "203.0.113.200", "y/a")).toBe(false);
    expect(allowed(objs, "198.51.100.1", "y/a")).toBe(false);
  });

  it("matches pod addresses inside the cidr (egress to a pod by its /32)", () => {
    const objs = [
      ...base(),
      policy("x", "p", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [{ to: [block("10.0.1.12/32")] }],
      }),
    ];
    expect(allowed(objs, "x/a", "y/b")).toBe(true);
    expect(allowed(objs, "x/a", "y/a")).toBe(false);
  });

  it("carves a pod out with except", () => {
    const objs = [...base(), allowIngress("y", "p", { from: [block("10.0.0.0/16", ["10.0.0.12/32"])] })];
    expect(allowed(objs, "x/a", "y/a")).toBe(true);
    expect(allowed(objs, "x/b", "y/a")).toBe(false);
  });

  it("treats IPv6 blocks and IPv6 packets apart from IPv4", () => {
    const objs = [
      ...base(),
      pod("x", "v6", { labels: { pod: "v6" }, ips: ["fd00::5"], ports: web }),
      pod("y", "v6", { labels: { pod: "v6" }, ips: ["fd00:1::5"], ports: web }),
      allowIngress("y", "p", { from: [block("fd00::/64", ["fd00::8/125"])] }),
    ];
    expect(allowed(objs, "x/v6", "y/v6")).toBe(true);
    expect(allowed(objs, "fd00::9", "y/v6")).toBe(false);
    expect(allowed(objs, "x/a", "y/a")).toBe(false); // IPv4 source, IPv6-only block
  });

  it("decides a dual-stack pair per family", () => {
    const objs = [
      ...base(),
      pod("x", "ds", { labels: { pod: "ds" }, ips: ["10.0.0.50", "fd00::50"], ports: web }),
      pod("y", "ds", { labels: { pod: "ds" }, ips: ["10.0.1.50", "fd00:1::50"], ports: web }),
      allowIngress("y", "p", { from: [block("fd00::/64")] }),
    ];
    const index = indexOf(objs);
    const q = (family: "IPv4" | "IPv6") =>
      evaluate(index, { from: { pod: "x/ds" }, to: { pod: "y/ds" }, port: 80, protocol: "TCP", family });
    expect(q("IPv6")).toMatchObject({ allowed: true });
    expect(q("IPv4")).toMatchObject({ allowed: false });
  });
});

describe("ports", () => {
  const onPorts = (ports: Json[]) => [...base(), allowIngress("y", "p", { ports })];

  it("defaults the protocol to TCP", () => {
    expect(allowed(onPorts([{ port: 80 }]), "x/a", "y/a", 80, "TCP")).toBe(true);
    expect(allowed(onPorts([{ port: 80 }]), "x/a", "y/a", 80, "UDP")).toBe(false);
  });

  it("matches UDP and SCTP by protocol", () => {
    const objs = onPorts([
      { port: 53, protocol: "UDP" },
      { port: 9000, protocol: "SCTP" },
    ]);
    expect(allowed(objs, "x/a", "y/a", 53, "UDP")).toBe(true);
    expect(allowed(objs, "x/a", "y/a", 53, "TCP")).toBe(false);
    expect(allowed(objs, "x/a", "y/a", 9000, "SCTP")).toBe(true);
  });

  it("a protocol without a port allows every port of that protocol", () => {
    const objs = onPorts([{ protocol: "UDP" }]);
    expect(allowed(objs, "x/a", "y/a", 1, "UDP")).toBe(true);
    expect(allowed(objs, "x/a", "y/a", 65535, "UDP")).toBe(true);
    expect(allowed(objs, "x/a", "y/a", 80, "TCP")).toBe(false);
  });

  it("endPort allows the inclusive range port..endPort", () => {
    const objs = onPorts([{ port: 32000, endPort: 32768 }]);
    expect(allowed(objs, "x/a", "y/a", 31999)).toBe(false);
    expect(allowed(objs, "x/a", "y/a", 32000)).toBe(true);
    expect(allowed(objs, "x/a", "y/a", 32768)).toBe(true);
    expect(allowed(objs, "x/a", "y/a", 32769)).toBe(false);
  });

  it("a rule without ports allows every port and protocol", () => {
    const objs = [...base(), allowIngress("y", "p", { from: [{ podSelector: {} }] })];
    expect(allowed(objs, "y/a", "y/b", 12345, "UDP")).toBe(true);
  });

  it("ingress named ports resolve against the selected pod's containerPorts", () => {
    const objs = [
      ...base(),
      pod("y", "alt", {
        labels: { pod: "alt" },
        ips: ["10.0.1.9"],
        ports: [{ name: "http", containerPort: 8080 }],
      }),
      allowIngress("y", "p", { ports: [{ port: "http" }] }),
    ];
    expect(allowed(objs, "x/a", "y/alt", 8080)).toBe(true);
    expect(allowed(objs, "x/a", "y/alt", 80)).toBe(false);
    expect(allowed(objs, "x/a", "y/a", 80)).toBe(true);
    expect(allowed(objs, "x/a", "y/a", 8080)).toBe(false);
  });

  it("a named port must match the containerPort's protocol too", () => {
    const objs = [
      ...base(),
      pod("y", "dns", {
        labels: { pod: "dns" },
        ips: ["10.0.1.53"],
        ports: [{ name: "dns", containerPort: 53, protocol: "UDP" }],
      }),
      allowIngress("y", "p", { ports: [{ port: "dns", protocol: "TCP" }] }),
    ];
    expect(allowed(objs, "x/a", "y/dns", 53, "TCP")).toBe(false);
    expect(allowed(objs, "x/a", "y/dns", 53, "UDP")).toBe(false);
  });

  it("egress named ports resolve against the destination pod", () => {
    const objs = [
      ...base(),
      pod("y", "alt", {
        labels: { pod: "alt" },
        ips: ["10.0.1.9"],
        ports: [{ name: "http", containerPort: 8080 }],
      }),
      policy("x", "p", { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: "http" }] }] }),
    ];
    expect(allowed(objs, "x/a", "y/alt", 8080)).toBe(true);
    expect(allowed(objs, "x/a", "y/alt", 80)).toBe(false);
    expect(allowed(objs, "x/a", "y/a", 80)).toBe(true);
  });

  it("an egress named port never matches a destination that is not a pod", () => {
    const objs = [
      ...base(),
      policy("x", "p", { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: "http" }] }] }),
    ];
    expect(allowed(objs, "x/a", "203.0.113.1", 80)).toBe(false);
  });
});

describe("exemptions and special endpoints", () => {
  it("a pod may always reach itself", () => {
    const v = verdict([...base(), denyIngress("x"), denyEgress("x")], "x/a", "x/a");
    expect(v).toMatchObject({ allowed: true, exemption: "same-pod" });
    expect(v.reasons[0]).toMatch(/own address/);
  });

  it("traffic from a pod's own node is always allowed (kubelet probes), from the InternalIP or the cni0 gateway", () => {
    const objs = [...base(), denyIngress("x"), denyEgress("x")];
    expect(verdict(objs, "192.168.0.1", "x/a")).toMatchObject({ allowed: true, exemption: "own-node" });
    expect(verdict(objs, "10.0.0.1", "x/b")).toMatchObject({ allowed: true, exemption: "own-node" }); // cni0 gateway
    expect(verdict(objs, "x/a", "192.168.0.1")).toMatchObject({ allowed: true, exemption: "own-node" });
    expect(allowed([...base(), denyIngress("z")], "10.0.0.1", "z/c")).toBe(false); // n1's gateway, z/c is on n2
  });

  it("another node's address gets no exemption", () => {
    expect(allowed([...base(), denyIngress("x")], "192.168.0.2", "x/a")).toBe(false);
  });

  it("a host-network pod sends with its node's address", () => {
    const objs = [
      ...base(),
      pod("y", "agent", { hostNetwork: true, node: "n2" }),
      denyIngress("x"),
      denyIngress("z"),
    ];
    expect(verdict(objs, "y/agent", "z/c")).toMatchObject({ allowed: true, exemption: "own-node" });
    expect(verdict(objs, "y/agent", "x/a").allowed).toBe(false);
  });

  it("pods without an IP or that have finished are not endpoints", () => {
    const objs = [
      ...base(),
      pod("x", "pending", {}),
      pod("x", "done", { ips: ["10.0.0.77"], phase: "Succeeded" }),
    ];
    const index = indexOf(objs);
    expect(
      evaluate(index, { from: { pod: "x/pending" }, to: { pod: "x/a" }, port: 80, protocol: "TCP" }),
    ).toMatch(/no IP/);
    expect(
      evaluate(index, { from: { pod: "x/done" }, to: { pod: "x/a" }, port: 80, protocol: "TCP" }),
    ).toMatch(/finished/);
    expect(index.targets.map((p) => p.name)).not.toContain("done");
  });

  it("an outside source faces only the destination's ingress", () => {
    const v = verdict([...base(), denyEgress("y")], "203.0.113.1", "y/a");
    expect(v.allowed).toBe(true);
    expect(v.egress).toMatchObject({ kind: "not-a-pod" });
  });
});
