/**
 * The end-to-end check of the agent against the in-repo API server: the node's kernel ruleset must
 * equal `netguard compile` of what the API server holds — ClusterNetworkPolicies included — loaded
 * into a scratch namespace and listed the same way.
 */
import { expect } from "vitest";
import type { Agent } from "../../src/agent/agent.js";
import { runCompile } from "../../src/cli/compile.js";
import { systemExec } from "../../src/sys/exec.js";
import type { ApiServer } from "./apiserver/server.js";
import type { Kind } from "./apiserver/types.js";
import { memoryIo } from "./memory-io.js";
import { nsRun } from "./netns.js";
import { normalizedTables } from "./nft-listing.js";
import type { Json } from "./objects.js";

const KINDS: ReadonlyArray<readonly [Kind, string]> = [
  ["Namespace", "v1"],
  ["Node", "v1"],
  ["Pod", "v1"],
  ["NetworkPolicy", "networking.k8s.io/v1"],
  ["ClusterNetworkPolicy", "policy.networking.k8s.io/v1alpha2"],
];

/** What the API server holds (no ClusterNetworkPolicies while their CRD is not installed). */
export function apiState(api: ApiServer): Json[] {
  return KINDS.flatMap(([kind, apiVersion]) =>
    api.list(kind).map((o) => ({ ...(o as unknown as Json), kind, apiVersion })),
  );
}

/** `netguard compile --node n1` of the API server's state, loaded into `scratch` and listed. */
export async function expectedTables(api: ApiServer, scratch: string): Promise<string> {
  const io = memoryIo({
    "/cluster.json": JSON.stringify({ apiVersion: "v1", kind: "List", items: apiState(api) }),
  });
  const code = await runCompile(io, ["/cluster.json"], { node: "n1" });
  expect(code, io.stderr()).toBe(0);
  await nsRun(scratch, "nft", ["flush", "ruleset"]);
  await nsRun(scratch, "nft", ["-f", "-"], io.stdout());
  return normalizedTables(systemExec, scratch);
}

/** Waits until the node's tables equal `netguard compile` of the API state; fails with the difference. */
export async function converged(
  api: ApiServer,
  nodeNs: string,
  scratch: string,
  after: string,
  timeoutMs = 20_000,
): Promise<string> {
  const want = await expectedTables(api, scratch);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const have = await normalizedTables(systemExec, nodeNs);
    if (have === want) return have;
    if (Date.now() > deadline) {
      expect(have, `the node's ruleset differs from netguard compile after ${after}`).toEqual(want);
      return have;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The agent's syncs that changed the kernel (full or incremental), by trigger. */
export async function changingSyncs(agent: Agent): Promise<number> {
  const values = (await agent.metrics.syncs.get()).values;
  return values
    .filter((v) => v.labels.kind === "full" || v.labels.kind === "incremental")
    .reduce((n, v) => n + v.value, 0);
}

/** The value of a gauge of the agent's, by its one label's value. */
export async function gaugeOf(
  agent: Agent,
  name: "clusterPolicies" | "clusterPolicyWatch",
): Promise<Record<string, number>> {
  const values = (await agent.metrics[name].get()).values;
  return Object.fromEntries(values.map((v) => [String(Object.values(v.labels)[0]), v.value]));
}
