/**
 * Finding 1 on the CLI: `simulate`, `explain` and `diff --kubeconfig` read the cluster by LIST. A
 * policy's `from` peers must arrive as written (the typed client models once renamed them `_from`,
 * and denied connections were reported as allowed).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { nodeInputFs } from "../src/load/node-fs.js";
import { type ApiServer, startApiServer } from "./support/apiserver/server.js";
import { memoryIo } from "./support/memory-io.js";
import { namespace, pod, policy } from "./support/objects.js";

describe("--kubeconfig reads policies' peers as the API server sends them", () => {
  let api: ApiServer;
  let dir: string;
  beforeAll(async () => {
    api = await startApiServer({ bookmarkIntervalMs: 0 });
    const web = [{ containerPort: 80 }];
    for (const o of [
      namespace("x"),
      pod("x", "a", { labels: { app: "a" }, ips: ["10.0.0.10"], ports: web }),
      pod("x", "b", { labels: { app: "b" }, ips: ["10.0.0.11"], ports: web }),
      pod("x", "c", { labels: { app: "c" }, ips: ["10.0.0.12"], ports: web }),
      policy("x", "a-from-b", {
        podSelector: { matchLabels: { app: "a" } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "b" } } }] }],
      }),
    ])
      api.create(o);
    dir = mkdtempSync(join(tmpdir(), "netguard-list-path-"));
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("simulate denies the pod the from peer excludes and allows the one it names", async () => {
    const io = { ...memoryIo({}), fs: nodeInputFs };
    const kubeconfig = api.writeKubeconfig(dir);
    expect(await runCli(io, ["simulate", "-f", "json", "--kubeconfig", kubeconfig, "-p", "80"])).toBe(0);
    const cell = (from: string) =>
      (
        JSON.parse(io.stdout()) as { results: Array<{ from: string; to: string; allowed: boolean }> }
      ).results.find((r) => r.from === from && r.to === "x/a")?.allowed;
    expect(cell("x/b")).toBe(true);
    expect(cell("x/c")).toBe(false);
  });
});

describe("--kubeconfig reads the workloads that own the cluster's pods", () => {
  let api: ApiServer;
  let dir: string;
  const owner = (kind: string, name: string) => [
    { apiVersion: "apps/v1", kind, name, uid: `u-${name}`, controller: true },
  ];
  beforeAll(async () => {
    api = await startApiServer({ bookmarkIntervalMs: 0 });
    const template = {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "c", image: "i" }] },
    };
    for (const o of [
      namespace("x"),
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { namespace: "x", name: "web" },
        spec: { template },
      },
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: { namespace: "x", name: "web-5d8f7c9b6", ownerReferences: owner("Deployment", "web") },
        spec: { template },
      },
      {
        ...pod("x", "web-5d8f7c9b6-abcde", { labels: { app: "web" }, ips: ["10.0.0.10"] }),
      },
      pod("x", "db", { labels: { app: "db" }, ips: ["10.0.0.11"], ports: [{ containerPort: 5432 }] }),
    ])
      api.create(o);
    const webPod = api.get("Pod", "x", "web-5d8f7c9b6-abcde");
    if (!webPod) throw new Error("the web pod was not stored");
    api.update({
      ...webPod,
      metadata: { ...webPod.metadata, ownerReferences: owner("ReplicaSet", "web-5d8f7c9b6") },
    });
    dir = mkdtempSync(join(tmpdir(), "netguard-list-path-"));
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("simulate names the Deployment at the top of a live pod's owner chain", async () => {
    const io = { ...memoryIo({}), fs: nodeInputFs };
    const kubeconfig = api.writeKubeconfig(dir);
    expect(await runCli(io, ["simulate", "-f", "json", "--kubeconfig", kubeconfig, "-p", "5432"])).toBe(0);
    const out = JSON.parse(io.stdout()) as { owners: Record<string, string>; pods: string[] };
    expect(out.owners).toMatchObject({ "x/web-5d8f7c9b6-abcde": "x/Deployment/web" });
    // The pods stand for their Deployment and ReplicaSet: neither appears as a template entry too.
    expect(out.pods).toEqual(["x/db", "x/web-5d8f7c9b6-abcde"]);
  });
});
