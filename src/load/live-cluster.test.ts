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

/** A ClusterNetworkPolicy without kind and apiVersion (the tests add them where the API has them). */
const denyFromX = {
  metadata: { name: "deny-from-x" },
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

let api: ApiServer | undefined;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "netguard-live-"));
});
afterEach(async () => {
  await api?.close();
  api = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** The fake API server with x/a and y/b on n1; `crdsInstalled: false` is a cluster without the CNP CRD. */
async function start(crdsInstalled: boolean): Promise<ApiServer> {
  const server = await startApiServer({ bookmarkIntervalMs: 0, crdsInstalled });
  api = server;
  for (const o of [namespace("x"), namespace("y"), node("n1", "192.168.0.1", ["10.1.0.0/24"])])
    server.create(o);
  server.create(pod("x", "a", { ips: ["10.1.0.10"] }));
  server.create(pod("y", "b", { ips: ["10.1.0.20"] }));
  return server;
}

/** `netguard explain --kubeconfig <server> --from x/a --to y/b --port 80`. */
async function explainLive(server: ApiServer) {
  const io = memoryIo({});
  const args = [
    "explain",
    "--kubeconfig",
    server.writeKubeconfig(dir),
    "--from",
    "x/a",
    "--to",
    "y/b",
    "--port",
    "80",
  ];
  const code = await runCli(io, args);
  return { code, out: io.stdout(), err: io.stderr() };
}

function kubeConfig(server: ApiServer): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
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
    const server = await start(false);
    const real = kubeReader(kubeConfig(server));
    const asked: string[] = [];
    const recording: KubeReader = { get: (p) => real.get(p), list: (p) => (asked.push(p), real.list(p)) };
    const objects = await readLiveCluster(kubeConfig(server), recording);
    expect(asked).toContain(CNP_PATH);
    await expect(real.list(CNP_PATH)).rejects.toMatchObject({ status: 404 });
    expect(objects.map((o) => (o.value as { kind: string }).kind)).not.toContain("ClusterNetworkPolicy");
    expect(objects).toHaveLength(5);
    const r = await explainLive(server);
    expect(r.code).toBe(0);
    expect(r.out).toContain("TCP/80: ALLOWED\n");
    expect(r.out).toContain("is not isolated (no policy selects it for this direction): allowed");
    expect(r.err).toBe("");
  });

  it("lists the cluster's ClusterNetworkPolicies as the raw JSON the one decoder reads", async () => {
    const server = await start(true);
    server.create({ apiVersion: CNP_API_VERSION, kind: "ClusterNetworkPolicy", ...denyFromX });
    const { snapshot, issues } = buildSnapshot(await readLiveCluster(kubeConfig(server)));
    expect(issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(snapshot.clusterPolicies.map((p) => [p.name, p.tier, p.priority, p.ingress[0]?.name])).toEqual([
      ["deny-from-x", "Admin", 5, "no-x"],
    ]);
    expect(snapshot.clusterPolicies[0]?.source).toEqual({ file: "<cluster>", line: 0 });
  });

  it("explain --kubeconfig answers with the live Admin Deny, and sees a CRD installed after a first read", async () => {
    const server = await start(false);
    expect((await explainLive(server)).out).toContain("TCP/80: ALLOWED\n");
    server.installCrd("ClusterNetworkPolicy");
    server.create({ apiVersion: CNP_API_VERSION, kind: "ClusterNetworkPolicy", ...denyFromX });
    const r = await explainLive(server);
    expect(r.code).toBe(0);
    expect(r.out).toContain("TCP/80: DENIED\n");
    expect(r.out).toContain('      matched deny-from-x spec.ingress[0] "no-x" (from[0]): Deny\n');
  });

  it("fails on any other error listing ClusterNetworkPolicies (403: the answer would ignore them)", async () => {
    const kc = kubeConfig(await start(true));
    const forbidden = () => Promise.reject(new KubeApiError(`GET ${CNP_PATH}: HTTP 403: forbidden`, 403));
    await expect(readLiveCluster(kc, withCnpList(kc, forbidden))).rejects.toThrow("HTTP 403");
  });
});
