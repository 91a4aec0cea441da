/**
 * The bundled ClusterNetworkPolicy example (examples/cluster-policy) through `validate` as a user runs
 * it: no errors, and no lint finding beyond the ones it means to show, with or without its cluster.
 */
import { describe, expect, it } from "vitest";
import { nodeInputFs } from "../load/node-fs.js";
import { validateNetworkPolicy } from "./api/validate-network-policy.js";
import { NEWEST_KUBE_VERSION } from "./api/versions.js";
import { validateManifests } from "./run.js";

const DIR = "examples/cluster-policy";
const check = (obj: unknown) => validateNetworkPolicy(obj, { kubeVersion: NEWEST_KUBE_VERSION });

async function findings(manifests: string[], cluster: string[] = []): Promise<string[]> {
  const { report } = await validateManifests(nodeInputFs, { manifests, cluster }, check);
  return report.issues.map((i) => `${i.severity} ${i.object?.name ?? ""} ${i.code} ${i.path}`);
}

/**
 * What the example shows on purpose: its scrape rule uses the experimental `destinationNamedPort`,
 * and tenant-b admits all ingress (bounded by the Admin tier's tenant isolation).
 */
const EXPECTED = [
  "warning allow-monitoring-scrape cnp-experimental-field spec.ingress[0].protocols[0].destinationNamedPort",
  "warning allow-all-ingress empty-rule spec.ingress[0]",
];

describe("examples/cluster-policy under validate", () => {
  it("has no errors and only its intended findings, policies alone", async () => {
    expect(await findings([`${DIR}/cluster-policies`, `${DIR}/policies`])).toEqual(EXPECTED);
  });

  it("has no more findings with its pods, namespaces and nodes in the input", async () => {
    expect(await findings([DIR])).toEqual(EXPECTED);
  });

  it("has no more with them as --cluster: no Baseline rule unreachable, no Pass useless, no DNS lint (an Admin policy accepts DNS)", async () => {
    const cluster = ["pods.yaml", "namespaces.yaml", "nodes.yaml"].map((f) => `${DIR}/${f}`);
    expect(await findings([`${DIR}/cluster-policies`, `${DIR}/policies`], cluster)).toEqual(EXPECTED);
  });
});
