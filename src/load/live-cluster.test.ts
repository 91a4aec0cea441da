import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../test/support/apiserver/server.js";
import { memoryIo } from "../../test/support/memory-io.js";
import { namespace, node, pod } from "../../test/support/objects.js";
import { KubeApiError, type KubeReader, kubeReader } from "../api-client/raw-api.js";
import { runCli } from "../cli/main.js";
import { CNP_API_VERSION } from "../k8s/decode-cnp.js";
import { readLiveCluster } from "./live-cluster.js";
import { buildSnapshot } from "./snapshot.js";

const CNP_PATH = `/apis/${CNP_API_VERSION}/clusternetworkpolicies`;

/** A ClusterNetworkPolicy as a list response carries it (no kind or apiVersion on the item). */
const denyFromX = {
  metadata: { name: "deny-from-x", resourceVersion: "7" },
  spec: {
    tier: "Admin",
    priority: 5,
    subject: { namespaces: {} },
    ingress: [
      {
        name: "no-x",
        action: "Deny",
        from: [{ namespaces: { matchLabels: { "kubernetes.io/metadata.name": "x" } } }],
      },
    ],
  },
};

let api: ApiServer;
let dir: string;
beforeEach(async () => {
  api = await startApiServer({ bookmarkIntervalMs: 0 });
  dir = await mkdtemp(join(tmpdir(), "netguard-live-"));
  for (const o of [namespace("x"), namespace("y"), node("n1", "192.168.0.1", ["10.1.0.0/24"])]) api.create(o);
  api.create(pod("x", "a", { ips: ["10.1.0.10"] }));
  api.create(pod("y", "b", { ips: ["10.1.0.20"] }));
});
afterEach(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

function kubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(api.kubeconfig());
  return kc;
}

/** The fake server's reader, with the ClusterNetworkPolicy list answered by `cnps`. */
function withCnpList(kc: KubeConfig, cnps: () => Promise<unknown[]>): KubeReader {
  const real = kubeReader(kc);
  return {
    get: (path) => real.get(path),
    list: async (path) =>
      path === CNP_PATH ? { items: await cnps(), resourceVersion: "9" } : real.list(path),
  };
}

describe("readLiveCluster and ClusterNetworkPolicies", () => {
  it("treats a 404 on the ClusterNetworkPolicy list (CRD not installed) as no policies, not an error", async () => {
    const real = kubeReader(kubeConfig());
    const asked: string[] = [];
    const recording: KubeReader = { get: (p) => real.get(p), list: (p) => (asked.push(p), real.list(p)) };
    const objects = await readLiveCluster(kubeConfig(), recording);
    expect(asked).toContain(CNP_PATH);
    await expect(real.list(CNP_PATH)).rejects.toMatchObject({ status: 404 });
    expect(objects.map((o) => (o.value as { kind: string }).kind)).not.toContain("ClusterNetworkPolicy");
    expect(objects).toHaveLength(5);
    const path = api.writeKubeconfig(dir);
    const io = memoryIo({});
    const args = ["explain", "--kubeconfig", path, "--from", "x/a", "--to", "y/b", "--port", "80"];
    expect(await runCli(io, args)).toBe(0);
    expect(io.stdout()).toContain("TCP/80: ALLOWED\n");
    expect(io.stdout()).toContain("is not isolated (no policy selects it for this direction): allowed");
    expect(io.stderr()).toBe("");
  });

  it("lists the cluster's ClusterNetworkPolicies as the raw JSON the one decoder reads", async () => {
    const kc = kubeConfig();
    const objects = await readLiveCluster(
      kc,
      withCnpList(kc, () => Promise.resolve([denyFromX])),
    );
    const { snapshot, issues } = buildSnapshot(objects);
    expect(issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(snapshot.clusterPolicies.map((p) => [p.name, p.tier, p.priority, p.ingress[0]?.name])).toEqual([
      ["deny-from-x", "Admin", 5, "no-x"],
    ]);
    expect(snapshot.clusterPolicies[0]?.source).toEqual({ file: "<cluster>", line: 0 });
  });

  it("fails on any other error listing ClusterNetworkPolicies (403: the answer would ignore them)", async () => {
    const kc = kubeConfig();
    const forbidden = () => Promise.reject(new KubeApiError(`GET ${CNP_PATH}: HTTP 403: forbidden`, 403));
    await expect(readLiveCluster(kc, withCnpList(kc, forbidden))).rejects.toThrow("HTTP 403");
  });
});
