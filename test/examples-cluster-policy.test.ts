/**
 * examples/cluster-policy: a multi-tenant cluster with Admin and Baseline ClusterNetworkPolicies
 * around the teams' NetworkPolicies. Its matrix (expected.txt) was worked out by hand from the API
 * text, cell by cell, with the reasons in the README; the reference evaluator (evaluateTiered) must
 * reproduce every cell, and decide the README's key cells in the tier and rule the README names.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileAll } from "../src/compile/compile.js";
import { allowsInCluster, interpreter } from "../src/compile/interpret.js";
import type { Protocol } from "../src/k8s/model.js";
import { nodeInputFs } from "../src/load/node-fs.js";
import { loadSnapshot } from "../src/load/sources.js";
import { indexSnapshot } from "../src/policy/cluster-index.js";
import { evaluateTieredQuery, snapshotTiers } from "../src/policy/cnp-evaluate.js";
import type { TieredSide, TieredVerdict } from "../src/policy/cnp-verdict.js";
import { declaredPorts } from "../src/policy/probe-ports.js";
import { netguard } from "./dry-run-examples.js";
import { parseTruthTable } from "./support/truth-table.js";

const DIR = join(import.meta.dirname, "..", "examples", "cluster-policy");

async function load() {
  const { snapshot, issues } = await loadSnapshot(nodeInputFs, [DIR]);
  const index = indexSnapshot(snapshot);
  const tiers = snapshotTiers(snapshot);
  const verdict = (from: string, to: string, protocol: Protocol, port: number): TieredVerdict => {
    const v = evaluateTieredQuery(index, tiers, { from: { pod: from }, to: { pod: to }, protocol, port });
    if (typeof v === "string") throw new Error(`${from} -> ${to}: ${v}`);
    return v;
  };
  return { snapshot, issues, index, verdict };
}

/** Which step decided a side, and by which policy and rule (`policy spec.egress[0]`). */
function decided(side: TieredSide): string {
  switch (side.decidedBy) {
    case "admin":
      return `admin ${side.admin.hit?.policy} ${side.admin.hit?.rule} ${side.admin.hit?.action}`;
    case "baseline":
      return `baseline ${side.baseline?.hit?.policy} ${side.baseline?.hit?.rule} ${side.baseline?.hit?.action}`;
    case "network-policy": {
      const np = side.networkPolicy;
      const allowed = np.kind === "pod" && np.allowed;
      return `network-policy ${np.kind === "pod" ? np.policies.join(",") : ""} ${allowed ? "allowed" : "denied"}`;
    }
    case "default":
    case "not-a-pod":
      return side.decidedBy;
  }
}

describe("examples/cluster-policy", () => {
  it("loads without errors: 7 ClusterNetworkPolicies (6 Admin, 1 Baseline), 4 NetworkPolicies, 6 pods", async () => {
    const { snapshot, issues } = await load();
    expect(issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(snapshot.clusterPolicies.map((p) => `${p.tier} ${p.priority} ${p.name}`)).toEqual([
      "Admin 20 allow-monitoring-scrape",
      "Admin 10 always-allow-dns",
      "Baseline 100 default-deny",
      "Admin 0 deny-cloud-metadata",
      "Admin 50 isolate-tenant-a",
      "Admin 50 isolate-tenant-b",
      "Admin 30 tenants-to-shared-cache",
    ]);
    expect(snapshot.policies).toHaveLength(4);
    expect(snapshot.pods).toHaveLength(6);
    expect(snapshot.nodes.get("node-a")?.labels).toMatchObject({ "topology.kubernetes.io/zone": "zone-1" });
  });

  it("the tiered evaluator reproduces the hand-worked expected.txt cell for cell", async () => {
    const { snapshot, verdict } = await load();
    const expected = parseTruthTable(readFileSync(join(DIR, "expected.txt"), "utf8"));
    const ports = declaredPorts(snapshot);
    expect(ports.map((p) => `${p.protocol}/${p.port}`)).toEqual(expected.ports);
    const got = new Map<string, boolean>();
    for (const { protocol, port } of ports) {
      for (const from of expected.pods) {
        for (const to of expected.pods) {
          got.set(`${protocol}/${port} ${from} ${to}`, verdict(from, to, protocol, port).allowed);
        }
      }
    }
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected.cells));
  });

  it("the compiled tier chains (run by the IR interpreter) give the same cells", async () => {
    const { snapshot, index } = await load();
    const expected = parseTruthTable(readFileSync(join(DIR, "expected.txt"), "utf8"));
    const nodes = [...compileAll(snapshot).values()].map(interpreter);
    const got = new Map<string, boolean>();
    for (const key of expected.cells.keys()) {
      const [port, from, to] = key.split(" ") as [string, string, string];
      const [protocol, number] = port.split("/") as [Protocol, string];
      const src = index.podsByRef.get(from)?.ips[0];
      const dst = index.podsByRef.get(to)?.ips[0];
      if (!src || !dst) throw new Error(`no address for ${from} -> ${to}`);
      got.set(key, allowsInCluster(nodes, { src, dst, protocol, port: Number(number) }));
    }
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected.cells));
  });

  // The README's reasons, side by side: [from, to, port, egress decided by, ingress decided by].
  it.each([
    // Admin Accept on egress overrides the frontend's NetworkPolicy (which allows web:8080 only).
    [
      "tenant-a/frontend",
      "kube-system/coredns",
      "UDP/53",
      "admin always-allow-dns spec.egress[0] Accept",
      "default",
    ],
    // ...and the Baseline default deny of web's egress (no NetworkPolicy isolates it).
    [
      "tenant-a/web",
      "kube-system/coredns",
      "TCP/53",
      "admin always-allow-dns spec.egress[0] Accept",
      "default",
    ],
    // Scraping at priority 20 is decided before the isolation at 50; `metrics` is 9090 on web, 9100 on app.
    [
      "monitoring/prometheus",
      "tenant-a/web",
      "TCP/9090",
      "default",
      "admin allow-monitoring-scrape spec.ingress[0] Accept",
    ],
    [
      "monitoring/prometheus",
      "tenant-a/web",
      "TCP/9100",
      "default",
      "admin isolate-tenant-a spec.ingress[0] Deny",
    ],
    [
      "monitoring/prometheus",
      "tenant-b/app",
      "TCP/9100",
      "default",
      "admin allow-monitoring-scrape spec.ingress[0] Accept",
    ],
    // tenant-b allows all ingress, but the isolation is decided first (Admin) on both sides.
    [
      "tenant-a/frontend",
      "tenant-b/app",
      "TCP/8080",
      "admin isolate-tenant-a spec.egress[0] Deny",
      "admin isolate-tenant-b spec.ingress[0] Deny",
    ],
    // Team NetworkPolicies decide both sides; the Baseline is not consulted for pods they isolate.
    [
      "tenant-a/frontend",
      "tenant-a/web",
      "TCP/8080",
      "network-policy tenant-a/frontend-egress allowed",
      "network-policy tenant-a/web-from-frontend allowed",
    ],
    [
      "tenant-a/frontend",
      "tenant-a/web",
      "TCP/9090",
      "network-policy tenant-a/frontend-egress denied",
      "network-policy tenant-a/web-from-frontend denied",
    ],
    // Pods no NetworkPolicy isolates fall to the Baseline default deny.
    [
      "tenant-a/web",
      "tenant-a/frontend",
      "TCP/8080",
      "baseline default-deny spec.egress[0] Deny",
      "baseline default-deny spec.ingress[0] Deny",
    ],
    // An Admin Accept on egress leaves the destination's ingress to decide: the cache admits tenant-a only.
    [
      "tenant-a/web",
      "shared/cache",
      "TCP/6379",
      "admin tenants-to-shared-cache spec.egress[0] Accept",
      "network-policy shared/cache-clients allowed",
    ],
    [
      "tenant-b/app",
      "shared/cache",
      "TCP/6379",
      "admin tenants-to-shared-cache spec.egress[0] Accept",
      "network-policy shared/cache-clients denied",
    ],
    // Outside the tenants nothing is selected: the default allows.
    ["kube-system/coredns", "monitoring/prometheus", "TCP/8080", "default", "default"],
  ])("%s -> %s on %s: egress %s; ingress %s", async (from, to, port, egress, ingress) => {
    const { verdict } = await load();
    const [protocol, number] = port.split("/") as [Protocol, string];
    const v = verdict(from, to, protocol, Number(number));
    expect([decided(v.egress), decided(v.ingress)]).toEqual([egress, ingress]);
  });

  it("netguard validate reports no errors, and no missing DNS where the Admin tier accepts it", async () => {
    const r = await netguard(["validate", DIR]);
    expect(r.err).not.toMatch(/(^|: )error: /m);
    expect(r.out).not.toMatch(/(^|: )error: /m);
    expect(r.out + r.err).not.toMatch(/no-dns-egress/);
    expect(r.out).toMatch(/0 error\(s\).* 4 NetworkPolicies and 7 ClusterNetworkPolicies/);
    expect(r.code).toBe(0);
  });
});
