import { describe, expect, it } from "vitest";
import { parseJson } from "../../test/support/json.js";
import { memoryIo } from "../../test/support/memory-io.js";
import { cnpYaml, tenantsCluster } from "../../test/support/cnp.js";
import type { TieredVerdict } from "../policy/cnp-verdict.js";
import { runCli } from "./main.js";

/** Two tenants and monitoring on one node; no policy. */
const CLUSTER = tenantsCluster();

/** An Admin policy isolating the tenants from each other on egress; rule 0 lets DNS out. */
const TENANCY = cnpYaml("tenancy", {
  tier: "Admin",
  priority: 10,
  subject: "{ namespaces: { matchLabels: { tenant: a } } }",
  egress: `    - name: dns
      action: Accept
      to: [{ networks: [10.96.0.10/32] }]
      protocols: [{ udp: { destinationPort: { number: 53 } } }]
    - name: no-cross-tenant
      action: Deny
      to: [{ namespaces: { matchLabels: { tenant: b } } }]`,
});

/** An Admin policy handing monitoring's scrapes to the teams' NetworkPolicies. */
const DELEGATE = cnpYaml("delegate-monitoring", {
  tier: "Admin",
  priority: 20,
  ingress: `    - name: to-teams
      action: Pass
      from: [{ namespaces: { matchLabels: { kubernetes.io/metadata.name: monitoring } } }]`,
});

/** A Baseline default deny of all ingress. */
const BASELINE_DENY = cnpYaml("default-deny", {
  tier: "Baseline",
  priority: 100,
  ingress: `    - action: Deny
      from: [{ namespaces: {} }]`,
});

/** tenant-b's own policy: only monitoring, on 8080. */
const B_FROM_MONITORING = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-monitoring, namespace: tenant-b }
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from: [{ namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } } }]
      ports: [{ port: 8080 }]
`;

async function explain(docs: readonly string[], from: string, to: string, port: string, ...more: string[]) {
  const io = memoryIo({ "/in/cluster.yaml": [CLUSTER, ...docs].join("\n---\n") });
  const code = await runCli(io, ["explain", "--from", from, "--to", to, "--port", port, ...more, "/in"]);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe("netguard explain with ClusterNetworkPolicies", () => {
  it("names the Admin policy, rule path and rule name of a Deny, and skips the tiers below it", async () => {
    const r = await explain([TENANCY], "tenant-a/web", "tenant-b/api", "8080/TCP");
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        "pod tenant-a/web (10.244.1.10) -> pod tenant-b/api (10.244.1.20) TCP/8080: DENIED",
        "  egress of the source: pod tenant-a/web: DENIED by the Admin tier",
        "    Admin tier: consulted tenancy (priority 10)",
        '      matched tenancy spec.egress[1] "no-cross-tenant" (to[0]): Deny',
        "    NetworkPolicy: not consulted (the Admin tier decided)",
        "    Baseline tier: not consulted (the Admin tier decided)",
        "  ingress of the destination: pod tenant-b/api: allowed by default (no tier decided)",
        "    Admin tier: no Admin ClusterNetworkPolicy selects the pod",
        "    NetworkPolicy: pod tenant-b/api is not isolated (no policy selects it for this direction)",
        "    Baseline tier: no Baseline ClusterNetworkPolicy selects the pod",
        "    default: allowed (all pods can communicate with each other)",
        "",
      ].join("\n"),
    );
  });

  it("shows an Admin Pass handing the packet to the NetworkPolicy that allows it", async () => {
    const r = await explain(
      [DELEGATE, BASELINE_DENY, B_FROM_MONITORING],
      "monitoring/prom",
      "tenant-b/api",
      "8080",
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain("TCP/8080: ALLOWED\n");
    expect(r.out).toContain(
      [
        "  ingress of the destination: pod tenant-b/api: allowed by NetworkPolicy",
        "    Admin tier: consulted delegate-monitoring (priority 20)",
        '      matched delegate-monitoring spec.ingress[0] "to-teams" (from[0]): Pass, on to NetworkPolicy',
        "    NetworkPolicy: pod tenant-b/api is isolated by tenant-b/from-monitoring: allowed",
        "      allowed by tenant-b/from-monitoring spec.ingress[0].from[0] spec.ingress[0].ports[0]",
        "    Baseline tier: not consulted (NetworkPolicy isolates the pod)",
        "",
      ].join("\n"),
    );
  });

  it("denies by the Baseline tier a pod that no NetworkPolicy isolates", async () => {
    const r = await explain([BASELINE_DENY, B_FROM_MONITORING], "tenant-b/api", "tenant-a/web", "80");
    expect(r.code).toBe(0);
    expect(r.out).toContain("TCP/80: DENIED\n");
    expect(r.out).toContain(
      [
        "  ingress of the destination: pod tenant-a/web: DENIED by the Baseline tier",
        "    Admin tier: no Admin ClusterNetworkPolicy selects the pod",
        "    NetworkPolicy: pod tenant-a/web is not isolated (no policy selects it for this direction)",
        "    Baseline tier: consulted default-deny (priority 100)",
        "      matched default-deny spec.ingress[0] (from[0]): Deny",
        "",
      ].join("\n"),
    );
  });

  it("allows by default when the selecting policies' rules do not match", async () => {
    const r = await explain([TENANCY], "tenant-a/web", "monitoring/prom", "9090");
    expect(r.code).toBe(0);
    expect(r.out).toContain("TCP/9090: ALLOWED\n");
    expect(r.out).toContain(
      [
        "  egress of the source: pod tenant-a/web: allowed by default (no tier decided)",
        "    Admin tier: consulted tenancy (priority 10)",
        "      no rule matches",
        "    NetworkPolicy: pod tenant-a/web is not isolated (no policy selects it for this direction)",
        "    Baseline tier: no Baseline ClusterNetworkPolicy selects the pod",
        "    default: allowed (all pods can communicate with each other)",
        "",
      ].join("\n"),
    );
  });

  it("lets an Admin egress Accept through while the destination's NetworkPolicy still denies ingress", async () => {
    const accept = TENANCY.replace("action: Deny", "action: Accept");
    const r = await explain([accept, B_FROM_MONITORING], "tenant-a/web", "tenant-b/api", "8080");
    expect(r.code).toBe(0);
    expect(r.out).toContain("TCP/8080: DENIED\n");
    expect(r.out).toContain(
      "  egress of the source: pod tenant-a/web: allowed by the Admin tier; the destination's ingress still applies\n" +
        "    Admin tier: consulted tenancy (priority 10)\n" +
        '      matched tenancy spec.egress[1] "no-cross-tenant" (to[0]): Accept\n',
    );
    expect(r.out).toContain(
      "  ingress of the destination: pod tenant-b/api: DENIED by NetworkPolicy\n" +
        "    Admin tier: no Admin ClusterNetworkPolicy selects the pod\n" +
        "    NetworkPolicy: pod tenant-b/api is isolated by tenant-b/from-monitoring: DENIED, no rule allows it\n",
    );
  });

  it("notes a consulted rule whose named port resolves to another number on the receiving pod", async () => {
    const exporter = [
      "apiVersion: v1",
      "kind: Pod",
      "metadata: { name: exporter, namespace: tenant-b }",
      "spec: { nodeName: n1, containers: [{ name: c, ports: [{ name: metrics, containerPort: 9100 }] }] }",
      "status: { podIPs: [{ ip: 10.244.1.21 }] }",
    ].join("\n");
    const scrape = DELEGATE.replace("name: delegate-monitoring", "name: scrape")
      .replace("action: Pass", "action: Accept")
      .replace(
        "from: [{ namespaces",
        "protocols: [{ destinationNamedPort: metrics }]\n      from: [{ namespaces",
      );
    const r = await explain(
      [exporter, scrape, BASELINE_DENY],
      "monitoring/prom",
      "tenant-b/exporter",
      "9090",
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain("TCP/9090: DENIED\n");
    expect(r.out).toContain(
      "  notes:\n" +
        '    - ClusterNetworkPolicy scrape spec.ingress[0].protocols[0] names port "metrics", which is 9100/TCP on pod tenant-b/exporter, not 9090\n',
    );
    const ok = await explain(
      [exporter, scrape, BASELINE_DENY],
      "monitoring/prom",
      "tenant-b/exporter",
      "9100",
    );
    expect(ok.out).toContain("TCP/9100: ALLOWED\n");
    expect(ok.out).not.toContain("notes:");
  });

  it("prints the tiered trace as JSON with --format json", async () => {
    const r = await explain([TENANCY], "tenant-a/web", "tenant-b/api", "8080", "-f", "json");
    expect(r.code).toBe(0);
    const v = parseJson<TieredVerdict & { notes: string[]; errors: unknown[] }>(r.out);
    expect(v).toMatchObject({
      allowed: false,
      egress: {
        allowed: false,
        decidedBy: "admin",
        admin: {
          policies: ["tenancy"],
          hit: {
            policy: "tenancy",
            tier: "Admin",
            priority: 10,
            rule: "spec.egress[1]",
            name: "no-cross-tenant",
            action: "Deny",
            peer: "spec.egress[1].to[0]",
          },
        },
      },
      ingress: { allowed: true, decidedBy: "default", networkPolicy: { kind: "pod", isolated: false } },
      errors: [],
    });
  });
});
