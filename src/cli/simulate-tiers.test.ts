/**
 * `simulate` and `diff` on YAML input with ClusterNetworkPolicies answer the tiered question: an
 * Admin Deny overrides a NetworkPolicy allow, a Baseline Deny reaches only pods no NetworkPolicy
 * isolates, Pass hands the decision to the NetworkPolicies; the notes say how many were evaluated.
 */
import { describe, expect, it } from "vitest";
import { type DiffJson, parseJson, parseSimulate } from "../../test/support/json.js";
import { memoryIo } from "../../test/support/memory-io.js";
import { cnpYaml, tenantsCluster } from "../../test/support/cnp.js";
import { runCli } from "./main.js";

/** Two tenants and monitoring on one node, every pod serving TCP/8080. */
const CLUSTER = tenantsCluster("{ name: c, ports: [{ containerPort: 8080 }] }");

/** tenant-b accepts ingress from tenant-a and monitoring (an isolating NetworkPolicy). */
const B_ALLOWS_A = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: from-a-and-monitoring, namespace: tenant-b }
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { tenant: a } }
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: monitoring } }
`;

const TENANTS = "{ matchExpressions: [{ key: tenant, operator: Exists }] }";

const cnp = (name: string, tier: "Admin" | "Baseline", priority: number, rule: string, subject = "{}") =>
  cnpYaml(name, { tier, priority, subject: `{ namespaces: ${subject} }`, ingress: rule });

/** Admin: no tenant reaches another tenant's pods. */
const isolate = (priority: number) =>
  cnp(
    "isolate-tenants",
    "Admin",
    priority,
    `    - action: Deny
      from: [{ namespaces: ${TENANTS} }]`,
    TENANTS,
  );

/** Admin: tenant-a is trusted everywhere. */
const trustA = (priority: number) =>
  cnp(
    "trust-tenant-a",
    "Admin",
    priority,
    `    - action: Accept
      from: [{ namespaces: { matchLabels: { tenant: a } } }]`,
  );

/** Admin: monitoring's traffic goes to the NetworkPolicies (and below them, Baseline). */
const PASS_MONITORING = cnp(
  "delegate-monitoring",
  "Admin",
  5,
  `    - action: Pass
      from: [{ namespaces: { matchLabels: { kubernetes.io/metadata.name: monitoring } } }]`,
);

/** Baseline: deny all ingress. */
const BASELINE_DENY = cnp(
  "default-deny",
  "Baseline",
  100,
  `    - action: Deny
      from: [{ namespaces: {} }]`,
);

async function simulate(...docs: string[]) {
  const io = memoryIo({ "/in/cluster.yaml": [CLUSTER, ...docs].join("\n---\n") });
  const code = await runCli(io, ["simulate", "--format", "json", "/in"]);
  const out = parseSimulate(io.stdout());
  const cell = (from: string, to: string) =>
    out.results.find((r: { from: string; to: string }) => r.from === from && r.to === to)?.allowed;
  return { code, out, err: io.stderr(), cell };
}

describe("netguard simulate with ClusterNetworkPolicies", () => {
  it("an Admin Deny overrides the NetworkPolicy that allows the connection", async () => {
    expect((await simulate(B_ALLOWS_A)).cell("tenant-a/web", "tenant-b/api")).toBe(true);
    const s = await simulate(B_ALLOWS_A, isolate(10));
    expect(s.code).toBe(0);
    expect(s.cell("tenant-a/web", "tenant-b/api")).toBe(false);
    expect(s.cell("monitoring/prom", "tenant-b/api")).toBe(true);
    expect(s.cell("tenant-b/api", "monitoring/prom")).toBe(true);
  });

  it("a Baseline Deny applies only to pods no NetworkPolicy isolates", async () => {
    const s = await simulate(B_ALLOWS_A, BASELINE_DENY);
    expect(s.cell("tenant-a/web", "tenant-b/api")).toBe(true); // isolated: its NetworkPolicy decides
    expect(s.cell("tenant-b/api", "tenant-a/web")).toBe(false); // not isolated: Baseline denies
    expect(s.cell("tenant-a/web", "monitoring/prom")).toBe(false);
  });

  it("Pass hands monitoring's traffic to the NetworkPolicies, then to Baseline", async () => {
    const s = await simulate(B_ALLOWS_A, PASS_MONITORING, BASELINE_DENY);
    expect(s.cell("monitoring/prom", "tenant-b/api")).toBe(true); // allowed by tenant-b's policy
    expect(s.cell("monitoring/prom", "tenant-a/web")).toBe(false); // passed, then Baseline denies
  });

  it("says how many ClusterNetworkPolicies were evaluated, on stderr and in the JSON notes", async () => {
    const s = await simulate(B_ALLOWS_A, isolate(10), BASELINE_DENY);
    const note = "2 ClusterNetworkPolicies evaluated (1 Admin, 1 Baseline tier)";
    expect(s.err).toContain(`netguard: ${note}`);
    expect(s.out.notes.some((n) => n.startsWith(note))).toBe(true);
    expect((await simulate(B_ALLOWS_A)).err).not.toContain("ClusterNetworkPolic");
  });

  it("the table shows the tiered verdicts too", async () => {
    const io = memoryIo({ "/in/cluster.yaml": [CLUSTER, B_ALLOWS_A, isolate(10)].join("\n---\n") });
    expect(await runCli(io, ["simulate", "--format", "table", "--group-by", "none", "/in"])).toBe(0);
    expect(io.stdout()).toBe(
      [
        "TCP/8080",
        "-                monitoring/prom  tenant-a/web     tenant-b/api",
        "monitoring/prom  .                .                .",
        "tenant-a/web     .                .                X",
        "tenant-b/api     .                X                .",
        "",
      ].join("\n"),
    );
  });
});

async function diff(before: string[], after: string[], ...flags: string[]) {
  const io = memoryIo({
    "/b/cluster.yaml": [CLUSTER, ...before].join("\n---\n"),
    "/a/cluster.yaml": [CLUSTER, ...after].join("\n---\n"),
  });
  const code = await runCli(io, ["diff", "--before", "/b", "--after", "/a", ...flags]);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe("netguard diff with ClusterNetworkPolicies", () => {
  it("a priority change alone is reported as the connections it turns", async () => {
    // trust-tenant-a above isolate-tenants lets tenant-a in; below it, isolation wins.
    const d = await diff([isolate(20), trustA(10)], [isolate(20), trustA(30)], "--fail-on", "denied");
    expect(d.code).toBe(1);
    expect(d.out).toBe(
      "- denied   tenant-a/web -> tenant-b/api  TCP/8080  (1 pod pair, e.g. tenant-a/web -> tenant-b/api)\n" +
        "0 pod pair(s) newly allowed, 1 newly denied\n",
    );
    const back = await diff([isolate(20), trustA(30)], [isolate(20), trustA(10)], "-f", "json");
    const json = parseJson<DiffJson>(back.out);
    expect(json.summary).toEqual({ newlyAllowed: 1, newlyDenied: 0 });
    expect(json.notes).toContain(
      "--after: 2 ClusterNetworkPolicies evaluated (2 Admin, 0 Baseline tier): Admin, then NetworkPolicy, then Baseline decide each connection",
    );
  });

  it("an action change from Deny to Pass hands the connections back to the NetworkPolicies", async () => {
    const pass = isolate(10).replace("action: Deny", "action: Pass");
    const d = await diff([B_ALLOWS_A, isolate(10)], [B_ALLOWS_A, pass]);
    expect(d.out).toContain("+ allowed  tenant-a/web -> tenant-b/api  TCP/8080");
    expect(d.out).toContain("+ allowed  tenant-b/api -> tenant-a/web  TCP/8080");
    expect(d.out).toContain("2 pod pair(s) newly allowed, 0 newly denied");
  });

  it("adding a Baseline default deny closes only what no NetworkPolicy decides", async () => {
    const d = await diff([B_ALLOWS_A], [B_ALLOWS_A, BASELINE_DENY], "-f", "json");
    const changes = parseJson<DiffJson>(d.out).changes.map(
      (c: { from: { namespace: string }; to: { namespace: string }; change: string }) =>
        `${c.from.namespace} -> ${c.to.namespace} ${c.change}`,
    );
    expect(changes.sort()).toEqual([
      "monitoring -> tenant-a newly-denied",
      "tenant-a -> monitoring newly-denied",
      "tenant-b -> monitoring newly-denied",
      "tenant-b -> tenant-a newly-denied",
    ]);
  });
});
