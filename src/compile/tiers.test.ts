import { describe, expect, it } from "vitest";
import { withClusterPolicies } from "../../test/support/cnp-arbitraries.js";
import { cnp, labels, namedPort, networks, ports, subjectPods } from "../../test/support/cnp.js";
import { type Json, namespace, node, pod, policy, snapshotOf } from "../../test/support/objects.js";
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import type { Protocol, Snapshot } from "../k8s/model.js";
import { type Addr, parseAddr } from "../net/address.js";
import { compile, compileAll } from "./compile.js";
import { formatNodeRules } from "./format-ir.js";
import { allowsInCluster, interpreter } from "./interpret.js";
import type { NodeRules } from "./ir.js";

/** Two tenants on n1 (a, b), one pod of tenant a on n2, a monitoring pod on n1. */
function cluster(extra: Json[] = []): Json[] {
  return [
    namespace("a", { tenant: "a" }),
    namespace("b", { tenant: "b" }),
    namespace("mon"),
    { ...node("n1", "192.168.0.1", ["10.1.0.0/24"]), metadata: { name: "n1", labels: { role: "a" } } },
    node("n2", "192.168.0.2", ["10.2.0.0/24"]),
    pod("a", "a1", {
      labels: { app: "web" },
      ips: ["10.1.0.10"],
      ports: [{ name: "http", containerPort: 8080 }],
    }),
    pod("a", "a2", {
      labels: { app: "web" },
      ips: ["10.1.0.11"],
      ports: [{ name: "http", containerPort: 8081 }],
    }),
    pod("b", "b1", { labels: { app: "db" }, ips: ["10.1.0.20"] }),
    pod("a", "a3", { labels: { app: "web" }, ips: ["10.2.0.10"], node: "n2" }),
    pod("mon", "prom", { ips: ["10.1.0.30"] }),
    pod("mon", "host", { ips: ["192.168.0.1"], hostNetwork: true }),
    ...extra,
  ];
}

const tenant = (t: string) => labels({ tenant: t });
const snap = (cnps: ClusterNetworkPolicy[], extra: Json[] = []): Snapshot =>
  withClusterPolicies(snapshotOf(cluster(extra)), cnps);

/** The cluster-wide verdict of the compiled rules for one packet. */
function allowed(s: Snapshot, src: string, dst: string, port = 80, protocol: Protocol = "TCP"): boolean {
  const nodes = [...compileAll(s).values()].map(interpreter);
  return allowsInCluster(nodes, { src: parseAddr(src) as Addr, dst: parseAddr(dst) as Addr, protocol, port });
}

const chain = (r: NodeRules, name: string | undefined) => r.tierChains.find((c) => c.name === name);
const tiersOf = (r: NodeRules, ref: string) => r.pods.find((p) => p.ref === ref)?.tiers;

describe("ClusterNetworkPolicy tier chains", () => {
  it("a Pass rule skips the rest of the Admin tier: a lower-priority Deny does not apply", () => {
    const pass = cnp("pass", {
      priority: 1,
      ingress: [{ action: "Pass", peers: [{ kind: "namespaces", namespaces: tenant("b") }] }],
    });
    const deny = cnp("deny", {
      priority: 2,
      ingress: [{ action: "Deny", peers: [{ kind: "namespaces", namespaces: tenant("b") }] }],
    });
    expect(allowed(snap([deny]), "10.1.0.20", "10.1.0.10")).toBe(false);
    expect(allowed(snap([pass, deny]), "10.1.0.20", "10.1.0.10")).toBe(true);
    const admin = chain(
      compile(snap([pass, deny]), "n1"),
      tiersOf(compile(snap([pass, deny]), "n1"), "a/a1")?.ingress.admin,
    );
    expect(admin?.policies).toEqual(["pass", "deny"]);
    expect(admin?.rules.map((r) => r.action)).toEqual(["Pass", "Deny"]);
  });

  it("a Pass rule hands the packet to NetworkPolicy: an isolating NetworkPolicy still decides", () => {
    const pass = cnp("pass", {
      ingress: [{ action: "Pass", peers: [{ kind: "namespaces", namespaces: labels() }] }],
    });
    const isolate = policy("a", "deny-all", { podSelector: {}, policyTypes: ["Ingress"] });
    expect(allowed(snap([pass], [isolate]), "10.1.0.20", "10.1.0.10")).toBe(false);
  });

  it("an Admin Accept on egress still needs the destination's ingress to allow", () => {
    const accept = cnp("out", {
      subject: subjectPods(tenant("b"), labels()),
      egress: [{ action: "Accept", peers: [{ kind: "namespaces", namespaces: labels() }] }],
    });
    const isolateA = policy("a", "deny-in", { podSelector: {}, policyTypes: ["Ingress"] });
    const isolateB = policy("b", "deny-out", { podSelector: {}, policyTypes: ["Egress"] });
    expect(allowed(snap([accept], [isolateB]), "10.1.0.20", "10.1.0.10")).toBe(true);
    expect(allowed(snap([accept], [isolateB, isolateA]), "10.1.0.20", "10.1.0.10")).toBe(false);
  });

  it("Baseline applies only to pods no NetworkPolicy isolates", () => {
    const baseline = cnp("default-deny", {
      tier: "Baseline",
      ingress: [{ action: "Deny", peers: [{ kind: "namespaces", namespaces: labels() }] }],
    });
    const allowB = policy("a", "allow-b", {
      podSelector: { matchLabels: { app: "web" } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { tenant: "b" } } }] }],
    });
    expect(allowed(snap([baseline]), "10.1.0.20", "10.1.0.10")).toBe(false);
    expect(allowed(snap([baseline], [allowB]), "10.1.0.20", "10.1.0.10")).toBe(true);
    expect(allowed(snap([baseline], [allowB]), "10.1.0.10", "10.1.0.30")).toBe(false);
  });

  it("pods the same policies select share one chain per tier and direction; others get their own", () => {
    const all = cnp("all", { ingress: [{ action: "Deny", peers: [networks("203.0.113.0/24")] }] });
    const web = cnp("web", {
      subject: subjectPods(labels(), labels({ app: "web" })),
      ingress: [{ action: "Deny", peers: [networks("198.51.100.0/24")] }],
    });
    const r = compile(snap([all, web]), "n1");
    expect(tiersOf(r, "a/a1")).toEqual(tiersOf(r, "a/a2"));
    expect(tiersOf(r, "b/b1")?.ingress.admin).not.toEqual(tiersOf(r, "a/a1")?.ingress.admin);
    expect(tiersOf(r, "a/a1")?.egress).toEqual({});
    expect(r.tierChains.map((c) => c.policies.join(",")).sort()).toEqual(["all", "all,web"]);
    expect(chain(r, tiersOf(r, "a/a1")?.ingress.admin)?.rules).toHaveLength(2);
  });

  it("a priority change keeps the chain names and reorders the rules inside", () => {
    const first = (p: number) =>
      cnp("first", { priority: p, ingress: [{ action: "Accept", peers: [networks("203.0.113.0/24")] }] });
    const second = cnp("second", {
      priority: 5,
      ingress: [{ action: "Deny", peers: [networks("203.0.113.0/24")] }],
    });
    const before = compile(snap([first(1), second]), "n1");
    const after = compile(snap([first(9), second]), "n1");
    expect(after.tierChains.map((c) => c.name)).toEqual(before.tierChains.map((c) => c.name));
    expect(after.pods.map((p) => p.tiers)).toEqual(before.pods.map((p) => p.tiers));
    expect(before.tierChains[0]?.policies).toEqual(["first", "second"]);
    expect(after.tierChains[0]?.policies).toEqual(["second", "first"]);
    expect(allowed(snap([first(1), second]), "203.0.113.5", "10.1.0.10")).toBe(true);
    expect(allowed(snap([first(9), second]), "203.0.113.5", "10.1.0.10")).toBe(false);
  });

  it("counters are named after the policy and the rule's name, or its index when unnamed", () => {
    const p = cnp("tenants", {
      ingress: [
        { action: "Deny", name: "no-b", peers: [{ kind: "namespaces", namespaces: tenant("b") }] },
        { action: "Accept", peers: [{ kind: "namespaces", namespaces: labels() }] },
        { action: "Deny", name: "dup", peers: [networks("203.0.113.0/24")] },
        { action: "Deny", name: "dup", peers: [networks("198.51.100.0/24")] },
      ],
    });
    const r = compile(snap([p]), "n1");
    expect(r.tierChains[0]?.rules.map((x) => x.counter)).toEqual([
      "cnp/tenants/in/no-b",
      "cnp/tenants/in/1",
      "cnp/tenants/in/dup/2",
      "cnp/tenants/in/dup/3",
    ]);
    expect(r.tierChains[0]?.rules[0]?.origin).toEqual({
      policy: "tenants",
      rule: "spec.ingress[0]",
      name: "no-b",
    });
  });

  it("fails closed on an unsupported peer: a Deny or Pass rule denies everything, an Accept rule nothing", () => {
    const unsupported = { kind: "unsupported" as const, fields: ["domainNames"] };
    const pass = cnp("pass", { egress: [{ action: "Pass", peers: [unsupported] }] });
    const accept = cnp("accept", {
      egress: [{ action: "Accept", peers: [unsupported, networks("0.0.0.0/0")] }],
    });
    const r = compile(snap([pass]), "n1");
    expect(r.tierChains[0]?.rules).toEqual([
      expect.objectContaining({ action: "Deny", peers: { kind: "any" }, ports: { kind: "any" } }),
    ]);
    expect(allowed(snap([pass]), "10.1.0.10", "10.1.0.20")).toBe(false);
    expect(compile(snap([accept]), "n1").tierChains).toEqual([]);
    const isolate = policy("a", "deny-out", { podSelector: {}, policyTypes: ["Egress"] });
    expect(allowed(snap([accept], [isolate]), "10.1.0.10", "203.0.113.5")).toBe(false);
  });

  it("a subject netguard cannot read selects every pod: its Pass rules deny, its Accept rules match nothing", () => {
    const unknown = { kind: "unknown" as const, fields: ["future"] };
    const p = cnp("future", {
      subject: unknown,
      ingress: [
        { action: "Accept", peers: [networks("203.0.113.0/24")] },
        { action: "Pass", peers: [networks("198.51.100.0/24")] },
      ],
    });
    const r = compile(snap([p]), "n1");
    expect(r.tierChains[0]?.rules.map((x) => [x.action, x.origin.rule])).toEqual([
      ["Deny", "spec.ingress[1]"],
    ]);
    expect(r.pods.filter((x) => x.tiers).map((x) => x.ref)).toEqual(["a/a1", "a/a2", "b/b1", "mon/prom"]);
    expect(allowed(snap([p]), "198.51.100.7", "10.1.0.30")).toBe(false);
  });

  it("a NetworkPolicy-only snapshot compiles to no tier chains and no pod tiers", () => {
    const r = compile(snapshotOf(cluster()), "n1");
    expect(r.tierChains).toEqual([]);
    expect(r.pods.some((p) => "tiers" in p)).toBe(false);
  });

  it("a named port resolves against the destination: other pods on egress, the chain's own pods on ingress", () => {
    const egress = cnp("to-http", {
      subject: subjectPods(tenant("b"), labels()),
      egress: [
        {
          action: "Deny",
          peers: [{ kind: "namespaces", namespaces: tenant("a") }],
          protocols: [namedPort("http"), ports("UDP", 53)],
        },
      ],
    });
    const ingress = cnp("in-http", {
      subject: subjectPods(tenant("a"), labels()),
      ingress: [
        {
          action: "Deny",
          peers: [{ kind: "namespaces", namespaces: tenant("b") }],
          protocols: [namedPort("http")],
        },
      ],
    });
    const s = snap([egress]);
    expect(allowed(s, "10.1.0.20", "10.1.0.10", 8080)).toBe(false);
    expect(allowed(s, "10.1.0.20", "10.1.0.11", 8080)).toBe(true);
    expect(allowed(s, "10.1.0.20", "10.1.0.11", 8081)).toBe(false);
    const rules = compile(s, "n1").tierChains[0]?.rules ?? [];
    expect(rules.map((x) => x.ports.kind)).toEqual(["set", "endpoints"]);
    const t = snap([ingress]);
    expect(allowed(t, "10.1.0.20", "10.1.0.10", 8080)).toBe(false);
    expect(allowed(t, "10.1.0.20", "10.1.0.10", 8081)).toBe(true);
    expect(allowed(t, "10.1.0.20", "10.1.0.11", 8081)).toBe(false);
  });

  it("a nodes peer matches the selected Nodes' addresses, not their pod-CIDR gateways", () => {
    const p = cnp("no-nodes", {
      egress: [{ action: "Deny", peers: [{ kind: "nodes", nodes: labels({ role: "a" }) }] }],
    });
    const r = compile(snap([p]), "n2");
    const set = r.addressSets.find(
      (x) => x.name === (r.tierChains[0]?.rules[0]?.peers as { v4?: string }).v4,
    );
    expect(set?.intervals).toEqual([{ lo: 0xc0a80001n, hi: 0xc0a80001n }]);
    expect(allowed(snap([p]), "10.2.0.10", "192.168.0.1")).toBe(false);
    expect(allowed(snap([p]), "10.2.0.10", "10.1.0.1")).toBe(true);
  });

  it("host-network pods are never subjects", () => {
    const p = cnp("all", { ingress: [{ action: "Deny", peers: [networks("0.0.0.0/0")] }] });
    const r = compile(snap([p]), "n1");
    expect(r.pods.map((x) => x.ref)).not.toContain("mon/host");
    expect(r.pods.every((x) => x.tiers?.ingress.admin === r.tierChains[0]?.name)).toBe(true);
  });
});

describe("formatNodeRules with tiers", () => {
  it("prints each pod's tier jumps around its NetworkPolicy chain, then the tier chains", () => {
    const s = withClusterPolicies(
      snapshotOf([
        namespace("a"),
        node("n1", "192.168.0.1", ["10.1.0.0/24"]),
        pod("a", "web", { ips: ["10.1.0.10"], ports: [{ name: "http", containerPort: 8080 }] }),
      ]),
      [
        cnp("tenants", {
          ingress: [
            { action: "Pass", name: "same", peers: [{ kind: "namespaces", namespaces: labels() }] },
            {
              action: "Deny",
              peers: [networks("203.0.113.0/24")],
              protocols: [ports("TCP", 80), namedPort("http")],
            },
          ],
        }),
        cnp("base", { tier: "Baseline", egress: [{ action: "Deny", peers: [networks("0.0.0.0/0")] }] }),
      ],
    );
    const text = formatNodeRules(compile(s, "n1"));
    expect(text.split("\n").slice(3, 16)).toEqual([
      "  pod a/web 10.1.0.10",
      "    ingress: admin tier -> admin-in/056e22b6f713",
      "    ingress: open",
      "    egress: open",
      "    egress: baseline tier -> baseline-out/cae662172fd4",
      "  tier chain admin-in/056e22b6f713 (Admin ingress): tenants",
      '    Pass from @peer4_f01a187a18d1 any port counter cnp/tenants/in/same (tenants spec.ingress[0] "same")',
      "    Deny from @peer4_a80850d760d0 ports @ports_a287ce746a04 counter cnp/tenants/in/1 (tenants spec.ingress[1])",
      "    Deny from @peer4_a80850d760d0 address.port @named4_56bedc1f5401 counter cnp/tenants/in/1 (tenants spec.ingress[1])",
      "    return",
      "  tier chain baseline-out/cae662172fd4 (Baseline egress): base",
      "    Deny to @peer4_76da43521586 any port counter cnp/base/out/0 (base spec.egress[0])",
      "    return",
    ]);
  });
});
