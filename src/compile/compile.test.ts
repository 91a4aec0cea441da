import { describe, expect, it } from "vitest";
import { type Json, namespace, node, pod, policy, snapshotOf } from "../../test/support/objects.js";
import { compile, compileAll } from "./compile.js";
import { formatNodeRules } from "./format-ir.js";

const http = [{ name: "http", containerPort: 8080 }];

function shop(): Json[] {
  return [
    namespace("web"),
    namespace("db", { tier: "db" }),
    node("n1", "192.168.0.1", ["10.1.0.0/24", "fd01::/64"]),
    node("n2", "192.168.0.2", ["10.2.0.0/24"]),
    pod("web", "w1", { labels: { app: "web" }, ips: ["10.1.0.11", "fd01::11"], ports: http }),
    pod("web", "w2", { labels: { app: "web" }, ips: ["10.2.0.12"], node: "n2", ports: http }),
    pod("db", "pg", {
      labels: { app: "pg" },
      ips: ["10.1.0.20"],
      ports: [{ name: "pg", containerPort: 5432 }],
    }),
    policy("db", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    policy("db", "from-web", {
      podSelector: { matchLabels: { app: "pg" } },
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "web" } } }],
          ports: [{ port: "pg" }],
        },
      ],
    }),
    policy("web", "egress", {
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { tier: "db" } } }],
          ports: [{ port: "pg" }, { port: 5433 }],
        },
        {
          to: [{ ipBlock: { cidr: "203.0.113.0/24", except: ["203.0.113.128/25"] } }],
          ports: [{ port: 443 }],
        },
      ],
    }),
  ];
}

describe("compile", () => {
  it("produces per-pod chains over named sets (golden)", () => {
    expect(formatNodeRules(compile(snapshotOf(shop()), "n1"))).toBe(
      [
        "node n1",
        "  own addresses: 192.168.0.1 10.1.0.1 fd01::1",
        "  pod CIDRs (unprogrammed addresses dropped): 10.1.0.0/24 fd01::/64",
        "  pod db/pg 10.1.0.20",
        "    ingress: isolated by db/deny, db/from-web",
        "      allow from @peer4_8e351bf380f1|@peer6_568666aa09c3 ports @ports_21c198e6402e (db/from-web spec.ingress[0])",
        "      drop",
        "    egress: isolated by db/deny",
        "      drop",
        "  pod web/w1 10.1.0.11 fd01::11",
        "    ingress: open",
        "    egress: isolated by web/egress",
        "      allow to @peer4_3d3fe3991409 ports @ports_1a243fa1236b (web/egress spec.egress[0])",
        "      allow to address.port @named4_3a32770488c6 (web/egress spec.egress[0])",
        "      allow to @peer4_78712133f992 ports @ports_1c5e727b91cc (web/egress spec.egress[1])",
        "      drop",
        "  set peer4_3d3fe3991409 IPv4: 10.1.0.20",
        "  set peer4_78712133f992 IPv4: 203.0.113.0/25",
        "  set peer4_8e351bf380f1 IPv4: 10.1.0.11, 10.2.0.12",
        "  set peer6_568666aa09c3 IPv6: fd01::11",
        "  set ports_1a243fa1236b: TCP 5433",
        "  set ports_1c5e727b91cc: TCP 443",
        "  set ports_21c198e6402e: TCP 5432",
        "  set named4_3a32770488c6 IPv4: 10.1.0.20 TCP 5432",
        "",
      ].join("\n"),
    );
  });

  it("is deterministic: same input, same bytes, whatever the input order", () => {
    const a = formatNodeRules(compile(snapshotOf(shop()), "n1"));
    const b = formatNodeRules(compile(snapshotOf([...shop()].reverse()), "n1"));
    expect(b).toBe(a);
  });

  it("shares one set among all pods and policies with the same peers", () => {
    const objs = [
      ...shop(),
      pod("db", "pg2", {
        labels: { app: "pg" },
        ips: ["10.1.0.21"],
        ports: [{ name: "pg", containerPort: 5432 }],
      }),
      policy("db", "from-web-too", {
        podSelector: { matchLabels: { app: "pg" } },
        ingress: [
          { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "web" } } }] },
        ],
      }),
    ];
    const rules = compile(snapshotOf(objs), "n1");
    const peerSets = rules.addressSets.filter((s) => s.intervals.length === 2 && s.family === "IPv4");
    expect(peerSets).toHaveLength(1);
    const pg2 = rules.pods.find((p) => p.ref === "db/pg2");
    expect(
      pg2?.ingress.kind === "isolated" && pg2.ingress.rules.map((r) => r.kind === "allow" && r.peers),
    ).toEqual([
      { kind: "sets", v4: peerSets[0]?.name, v6: "peer6_568666aa09c3" },
      { kind: "sets", v4: peerSets[0]?.name, v6: "peer6_568666aa09c3" },
    ]);
  });

  it("keeps a set's name when only its members change, so updates touch elements only", () => {
    const before = compile(snapshotOf(shop()), "n1");
    const after = compile(
      snapshotOf([...shop(), pod("web", "w3", { labels: { app: "web" }, ips: ["10.2.0.30"], node: "n2" })]),
      "n1",
    );
    const members = (r: typeof before) =>
      r.addressSets.find((s) => s.name === "peer4_8e351bf380f1")?.intervals.length;
    expect(members(before)).toBe(2);
    expect(members(after)).toBe(3);
    expect(after.pods).toEqual(before.pods);
  });

  it("merges sets of different definitions with equal content under the smaller name", () => {
    const objs = [
      ...shop(),
      policy("db", "same-addresses", {
        podSelector: { matchLabels: { app: "pg" } },
        ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: "web" } } }] }],
      }),
    ];
    const rules = compile(snapshotOf(objs), "n1");
    const pg = rules.pods.find((p) => p.ref === "db/pg");
    const names =
      pg?.ingress.kind === "isolated"
        ? pg.ingress.rules.map((r) => (r.kind === "allow" && r.peers.kind === "sets" ? r.peers.v4 : ""))
        : [];
    expect(names).toHaveLength(2);
    expect(names[0]).toBe(names[1]);
  });

  it("drops a rule whose peers select no address, leaving the pod isolated", () => {
    const objs = [
      ...shop(),
      policy("db", "from-nobody", {
        podSelector: {},
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "ghost" } } }] }],
      }),
    ];
    const pg = compile(snapshotOf(objs), "n1").pods.find((p) => p.ref === "db/pg");
    expect(pg?.ingress).toMatchObject({ kind: "isolated" });
    expect(pg?.ingress.kind === "isolated" && pg.ingress.rules.map((r) => r.origin.policy)).toEqual([
      "db/from-web",
    ]);
  });

  it("compiles every node, including nodes without pods", () => {
    const all = compileAll(snapshotOf([...shop(), node("n3", "192.168.0.3", ["10.3.0.0/24"])]));
    expect([...all.keys()]).toEqual(["n1", "n2", "n3"]);
    expect(all.get("n3")?.pods).toEqual([]);
    expect(all.get("n2")?.pods.map((p) => p.ref)).toEqual(["web/w2"]);
  });
});
