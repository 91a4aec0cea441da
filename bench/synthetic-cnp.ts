/**
 * Deterministic synthetic ClusterNetworkPolicies (`policy.networking.k8s.io/v1alpha2`) for the
 * benchmarks of issue 14, as raw objects that go through the one decoder like everything else.
 * Half Admin, half Baseline, 10 rules each (5 ingress, 5 egress), distinct priorities per tier.
 * The shapes an admin writes: tenant isolation with a `Pass` to the namespace owners for their own
 * tenant, monitoring and DNS always allowed, the cloud metadata address denied (IPv4 and IPv6
 * `networks`), port numbers, ranges and named ports, and a Baseline default posture. Subjects
 * select a few per cent of the namespaces each (by the `tenant` label, by name with `In`, or
 * pods of an app in a tenant), so a pod is selected by a handful of policies per tier.
 */
import { prng, TENANTS } from "./synthetic-shared.js";

type Json = Record<string, unknown>;

/** Builds `count` policies (the first half Admin, the rest Baseline) over the given namespaces. */
export function syntheticClusterPolicies(count: number, namespaces: readonly string[], seed = 14): Json[] {
  const rand = prng(seed);
  const admin = Math.ceil(count / 2);
  const out: Json[] = [];
  for (let i = 0; i < count; i++) {
    const baseline = i >= admin;
    const k = baseline ? i - admin : i;
    const tenant = `tn-${k % TENANTS}`;
    const g: Gen = { k, tenant, rand, namespaces };
    out.push({
      apiVersion: "policy.networking.k8s.io/v1alpha2",
      kind: "ClusterNetworkPolicy",
      metadata: { name: `${baseline ? "baseline" : "admin"}-${String(k).padStart(3, "0")}` },
      spec: {
        tier: baseline ? "Baseline" : "Admin",
        priority: (k * 10) % 1001,
        subject: subject(g),
        ingress: baseline ? baselineIngress(g) : adminIngress(g),
        egress: baseline ? baselineEgress(g) : adminEgress(g),
      },
    });
  }
  return out;
}

interface Gen {
  readonly k: number;
  readonly tenant: string;
  readonly rand: () => number;
  readonly namespaces: readonly string[];
}

const tcp = (port: number): Json => ({ tcp: { destinationPort: { number: port } } });
const udp = (port: number): Json => ({ udp: { destinationPort: { number: port } } });
const tcpRange = (start: number, end: number): Json => ({
  tcp: { destinationPort: { range: { start, end } } },
});
const named = (name: string): Json => ({ destinationNamedPort: name });
const nsLabels = (labels: Record<string, string>): Json => ({ namespaces: { matchLabels: labels } });
const pods = (ns: Record<string, string>, pod: Record<string, string>): Json => ({
  pods: { namespaceSelector: { matchLabels: ns }, podSelector: { matchLabels: pod } },
});
const otherTenants = (tenant: string): Json => ({
  namespaces: { matchExpressions: [{ key: "tenant", operator: "NotIn", values: [tenant] }] },
});

/** A tenant's namespaces (2-3 % at 100 namespaces), three namespaces by name, or one app's pods in a tenant. */
function subject(g: Gen): Json {
  switch (g.k % 4) {
    case 1: {
      const names = [0, 1, 2].map(() => g.namespaces[Math.floor(g.rand() * g.namespaces.length)] as string);
      return {
        namespaces: {
          matchExpressions: [
            { key: "kubernetes.io/metadata.name", operator: "In", values: [...new Set(names)] },
          ],
        },
      };
    }
    case 3:
      return pods({ tenant: g.tenant }, { app: `app-${g.k % 10}` });
    default:
      return nsLabels({ tenant: g.tenant });
  }
}

/** A third of the policies trade one Deny for a Pass and one Pass for an Accept: mixed actions. */
const variant = (g: Gen) => g.k % 3 === 2;

function adminIngress(g: Gen): Json[] {
  const team = `t${Math.floor(g.rand() * 10)}`;
  return [
    {
      name: "monitoring",
      action: "Accept",
      from: [nsLabels({ role: "monitoring" })],
      protocols: [tcp(9090)],
    },
    {
      name: "no-frontend-to-db",
      action: "Deny",
      from: [pods({ team }, { tier: "fe" })],
      protocols: [tcpRange(5432, 5440), udp(5432)],
    },
    {
      name: "prod-http",
      action: "Accept",
      from: [pods({ env: "prod" }, { app: `app-${Math.floor(g.rand() * 10)}` })],
      protocols: [named("http")],
    },
    { name: "own-tenant", action: variant(g) ? "Accept" : "Pass", from: [nsLabels({ tenant: g.tenant })] },
    { name: "tenant-isolation", action: variant(g) ? "Pass" : "Deny", from: [otherTenants(g.tenant)] },
  ];
}

function adminEgress(g: Gen): Json[] {
  const h = g.k.toString(16);
  return [
    {
      name: "no-metadata",
      action: "Deny",
      to: [{ networks: ["169.254.169.254/32", "fd00:ec2::254/128"] }],
    },
    {
      name: "dns",
      action: "Accept",
      to: [pods({ "kubernetes.io/metadata.name": g.namespaces[0] as string }, { app: "app-0" })],
      protocols: [udp(53), tcp(53)],
    },
    {
      name: "no-smtp-out",
      action: variant(g) ? "Accept" : "Deny",
      to: [{ networks: [`198.18.${g.k % 256}.0/24`, `2001:db8:${h}::/48`, "203.0.113.0/24"] }],
      protocols: [tcp(25), tcpRange(465, 587)],
    },
    { name: "own-tenant", action: "Pass", to: [nsLabels({ tenant: g.tenant })] },
    {
      name: "monitoring-scrape",
      action: "Accept",
      to: [nsLabels({ role: "monitoring" }), pods({ team: "t0" }, { tier: "be" })],
      protocols: [named("metrics")],
    },
  ];
}

function baselineIngress(g: Gen): Json[] {
  return [
    { name: "own-tenant", action: "Accept", from: [nsLabels({ tenant: g.tenant })] },
    {
      name: "monitoring",
      action: "Accept",
      from: [nsLabels({ role: "monitoring" })],
      protocols: [named("metrics")],
    },
    { name: "dev-decides", action: "Pass", from: [nsLabels({ env: "dev" })] },
    {
      name: "partner-api",
      action: variant(g) ? "Deny" : "Accept",
      from: [pods({ team: `t${Math.floor(g.rand() * 10)}` }, { tier: "be" })],
      protocols: [tcpRange(8000, 8100)],
    },
    { name: "default-deny", action: "Deny", from: [{ namespaces: {} }] },
  ];
}

function baselineEgress(g: Gen): Json[] {
  return [
    {
      name: "dns",
      action: "Accept",
      to: [pods({ "kubernetes.io/metadata.name": g.namespaces[0] as string }, { app: "app-0" })],
      protocols: [udp(53), tcp(53)],
    },
    {
      name: "internal-https",
      action: "Accept",
      to: [{ networks: ["10.0.0.0/8", "fd00::/8"] }],
      protocols: [tcp(443)],
    },
    { name: "own-tenant", action: "Accept", to: [nsLabels({ tenant: g.tenant })] },
    { name: "staging-decides", action: "Pass", to: [nsLabels({ env: "staging" })] },
    {
      name: "default-deny",
      action: variant(g) ? "Pass" : "Deny",
      to: [{ namespaces: {} }, { networks: ["0.0.0.0/0", "::/0"] }],
    },
  ];
}
