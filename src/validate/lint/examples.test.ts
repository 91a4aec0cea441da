import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { NetworkPolicy } from "../../k8s/model.js";
import { parseDocuments } from "../../load/documents.js";
import type { ClusterIndex } from "../../policy/cluster-index.js";
import { lintPolicy } from "./lint-policy.js";
import { clusterOf, decodePolicyObject } from "../../../test/support/lint-testing.js";

type Json = Record<string, unknown>;
const SHOP = new URL("../../../examples/shop/", import.meta.url);

function read(file: string): Json[] {
  return parseDocuments(file, readFileSync(new URL(file, SHOP), "utf8")).objects.map((o) => o.value as Json);
}

const raws = readdirSync(new URL("policies/", SHOP))
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .flatMap((f) => read(`policies/${f}`));
const policies: NetworkPolicy[] = raws.map(decodePolicyObject);
const lintShop = (cluster?: ClusterIndex) =>
  policies
    .flatMap((p, i) => lintPolicy(p, raws[i] as Json, { policies, ...(cluster ? { cluster } : {}) }))
    .map((i) => `${i.object?.namespace}/${i.object?.name} ${i.code} ${i.path}`);

/**
 * The shop policies are well written: default-deny plus allow-dns per namespace, named ports the pods
 * declare, an ipBlock for an external provider. The one finding is genuine and intended: web-public
 * admits every IPv4 and IPv6 source (pods included) on port `http`.
 */
const EXPECTED = [
  "frontend/web-public allow-all spec.ingress[0].from[0].ipBlock",
  "frontend/web-public allow-all spec.ingress[0].from[1].ipBlock",
];

describe("the shop example", () => {
  it("has no lint findings beyond its intended public ingress", () => {
    expect(policies).toHaveLength(16);
    expect(lintShop()).toEqual(EXPECTED);
  });

  it("has none either against its own cluster (every selector, peer and named port resolves)", () => {
    const cluster = clusterOf([
      ...read("namespaces.yaml"),
      ...read("nodes.yaml"),
      ...read("pods.yaml"),
      ...raws,
    ]);
    expect(cluster.targets.length).toBeGreaterThan(0);
    expect(lintShop(cluster)).toEqual(EXPECTED);
  });

  it("removing allow-dns makes every default-deny lack DNS", () => {
    const kept = policies.filter((p) => p.name !== "allow-dns");
    const found = kept.flatMap((p) =>
      lintPolicy(p, raws[policies.indexOf(p)] as Json, { policies: kept }).filter(
        (i) => i.code === "no-dns-egress",
      ),
    );
    expect(found.map((i) => `${i.object?.namespace}/${i.object?.name}`).sort()).toEqual([
      "api/api-egress",
      "api/default-deny",
      "db/default-deny",
      "frontend/default-deny",
      "frontend/web-to-api",
      "monitoring/default-deny",
      "monitoring/prometheus-scrape",
    ]);
  });
});
