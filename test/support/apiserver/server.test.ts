/**
 * The fake API server's REST and watch protocol: through the real `@kubernetes/client-node` API
 * clients for the REST verbs, and on the wire (plain fetch) for the watch stream itself.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiException, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, test } from "vitest";
import { type Clients, clientsFor, namespace, networkPolicy, node, pod } from "./client.js";
import { type ApiServer, startApiServer } from "./server.js";

let server: ApiServer;
let clients: Clients;

async function setup(opts: Parameters<typeof startApiServer>[0] = {}): Promise<void> {
  server = await startApiServer({ bookmarkIntervalMs: 0, ...opts });
  clients = clientsFor(server);
}

afterEach(async () => {
  await server.close();
});

interface WireEvent {
  type: string;
  object: {
    kind?: string;
    metadata?: { name?: string; namespace?: string; resourceVersion?: string };
    code?: number;
  };
}

/** Opens a watch (resolves once headers arrive); `events()` reads the stream to its end. */
async function watch(path: string): Promise<{ status: number; events: () => Promise<WireEvent[]> }> {
  const res = await fetch(server.url + path);
  const events = async (): Promise<WireEvent[]> =>
    (await res.text())
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as WireEvent);
  return { status: res.status, events };
}

const summary = (events: WireEvent[]): string[] =>
  events.map((e) => `${e.type} ${e.object.metadata?.namespace ?? ""}/${e.object.metadata?.name ?? ""}`);

const rejectsWith = (code: number) => (e: unknown) => e instanceof ApiException && e.code === code;

describe("fake API server REST", () => {
  test("creates, reads and lists objects with uid, creationTimestamp and increasing resourceVersions", async () => {
    await setup();
    const { core, net } = clients;
    const ns = await core.createNamespace({ body: { metadata: { name: "x" } } });
    expect(ns.metadata?.labels).toEqual({ "kubernetes.io/metadata.name": "x" });
    const body = {
      metadata: { name: "a", labels: { app: "web" } },
      spec: { containers: [{ name: "c", image: "i" }] },
    };
    const a = await core.createNamespacedPod({ namespace: "x", body });
    expect(a.metadata).toMatchObject({ namespace: "x", resourceVersion: "3" });
    expect(a.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata?.creationTimestamp).toBeInstanceOf(Date);
    server.create(pod("x", "b"));
    server.create(node("n1"));
    server.create(networkPolicy("x", "deny"));

    const pods = await core.listPodForAllNamespaces();
    expect(pods.metadata?.resourceVersion).toBe(server.resourceVersion);
    expect(pods.items.map((p) => [p.metadata?.name, p.metadata?.resourceVersion])).toEqual([
      ["a", "3"],
      ["b", "4"],
    ]);
    const web = await core.listNamespacedPod({ namespace: "x", labelSelector: "app=web" });
    expect(web.items.map((p) => p.metadata?.name)).toEqual(["a"]);
    const notWeb = await core.listNamespacedPod({ namespace: "x", labelSelector: "app notin (web)" });
    expect(notWeb.items.map((p) => p.metadata?.name)).toEqual(["b"]);
    expect((await core.listNode()).items.map((n) => n.metadata?.name)).toEqual(["n1"]);
    const policies = await net.listNamespacedNetworkPolicy({ namespace: "x" });
    expect(policies).toMatchObject({ kind: "NetworkPolicyList", items: [{ metadata: { name: "deny" } }] });
    expect((await core.readNamespacedPod({ namespace: "x", name: "b" })).status?.podIP).toBe("10.244.1.5");
  });

  test("answers conflicts, missing objects and unknown paths with Status bodies and the real codes", async () => {
    await setup();
    const { core } = clients;
    server.create(pod("x", "a"));
    await expect(core.readNamespacedPod({ namespace: "x", name: "nope" })).rejects.toSatisfy(
      rejectsWith(404),
    );
    const stale = await core.readNamespacedPod({ namespace: "x", name: "a" });
    const dup = { metadata: { name: "a" }, spec: { containers: [{ name: "c", image: "i" }] } };
    await expect(core.createNamespacedPod({ namespace: "x", body: dup })).rejects.toSatisfy(rejectsWith(409));
    server.patchLabels("Pod", "x", "a", { v: "2" });
    // A replace carrying the resourceVersion it read is refused once the object moved on.
    await expect(core.replaceNamespacedPod({ namespace: "x", name: "a", body: stale })).rejects.toSatisfy(
      rejectsWith(409),
    );
    const fresh = await core.readNamespacedPod({ namespace: "x", name: "a" });
    const replaced = await core.replaceNamespacedPod({ namespace: "x", name: "a", body: fresh });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(
      Number(fresh.metadata?.resourceVersion),
    );
    expect((await core.deleteNamespacedPod({ namespace: "x", name: "a" })).metadata?.name).toBe("a");
    server.create(node("n1"));
    expect(await core.deleteNode({ name: "n1" })).toMatchObject({
      status: "Success",
      details: { name: "n1" },
    });

    const res = await fetch(`${server.url}/api/v1/services`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      kind: "Status",
      status: "Failure",
      reason: "NotFound",
      code: 404,
    });
    const bad = await fetch(`${server.url}/api/v1/pods?labelSelector=${encodeURIComponent("a in b")}`);
    expect(bad.status).toBe(400);
  });

  test("writes a kubeconfig file that KubeConfig.loadFromFile accepts", async () => {
    await setup();
    const dir = mkdtempSync(join(tmpdir(), "ngfake-"));
    try {
      const kc = new KubeConfig();
      kc.loadFromFile(server.writeKubeconfig(dir));
      expect(kc.getCurrentCluster()?.server).toBe(server.url);
      expect((await kc.makeApiClient(CoreV1Api).listNamespace()).items).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("keeps the Events the agent posts", async () => {
    await setup();
    await clients.core.createNamespacedEvent({
      namespace: "x",
      body: {
        metadata: { generateName: "netguard." },
        involvedObject: { kind: "Pod", namespace: "x", name: "a" },
        reason: "PolicyEnforced",
        message: "2 policies",
        type: "Normal",
      },
    });
    expect(server.events).toMatchObject([
      { kind: "Event", metadata: { namespace: "x" }, reason: "PolicyEnforced" },
    ]);
  });
});

describe("fake API server watch protocol", () => {
  test("replays history after a resourceVersion for one namespace, then live events, until closed", async () => {
    await setup();
    server.create(pod("x", "a"));
    const rv = server.resourceVersion;
    server.create(pod("y", "b"));
    server.create(pod("x", "c"));
    server.patchLabels("Pod", "x", "c", { v: "2" });
    const w = await watch(`/api/v1/namespaces/x/pods?watch=true&resourceVersion=${rv}`);
    expect(w.status).toBe(200);
    server.remove("Pod", "x", "c");
    server.closeWatches();
    const events = await w.events();
    expect(summary(events)).toEqual(["ADDED x/c", "MODIFIED x/c", "DELETED x/c"]);
    expect(events[2]?.object.metadata?.resourceVersion).toBe(server.resourceVersion);
  });

  test("a watch without resourceVersion starts with synthetic ADDED; a selector turns moves into ADDED/DELETED", async () => {
    await setup();
    server.create(pod("x", "a", { app: "web" }));
    server.create(pod("x", "b"));
    const w = await watch("/api/v1/pods?watch=true&labelSelector=app%3Dweb");
    server.patchLabels("Pod", "x", "b", { app: "web" });
    server.patchLabels("Pod", "x", "a", { app: null });
    server.closeWatches();
    expect(summary(await w.events())).toEqual(["ADDED x/a", "ADDED x/b", "DELETED x/a"]);
  });

  test("an expired resourceVersion gets 200, a single ERROR 410 Expired event and the end", async () => {
    await setup({ historyLimit: 2 });
    for (const n of ["a", "b", "c", "d"]) server.create(pod("x", n));
    const w = await watch("/api/v1/pods?watch=true&resourceVersion=2");
    expect(w.status).toBe(200);
    expect(await w.events()).toEqual([
      {
        type: "ERROR",
        object: {
          kind: "Status",
          apiVersion: "v1",
          metadata: {},
          status: "Failure",
          message: "too old resource version: 2 (4)",
          reason: "Expired",
          code: 410,
        },
      },
    ]);
    const ok = await watch("/api/v1/pods?watch=true&resourceVersion=3");
    server.closeWatches();
    expect(summary(await ok.events())).toEqual(["ADDED x/c", "ADDED x/d"]);
  });

  test("timeoutSeconds ends the stream; bookmarks come only when allowed and carry the current resourceVersion", async () => {
    await setup({ bookmarkIntervalMs: 100 });
    server.create(namespace("x"));
    const started = Date.now();
    const [withBookmarks, without] = await Promise.all([
      watch(`/api/v1/pods?watch=true&resourceVersion=1&allowWatchBookmarks=true&timeoutSeconds=1`),
      watch(`/api/v1/pods?watch=true&resourceVersion=1&timeoutSeconds=1`),
    ]);
    const [a, b] = await Promise.all([withBookmarks.events(), without.events()]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(a.length).toBeGreaterThanOrEqual(5);
    expect(a[0]).toEqual({
      type: "BOOKMARK",
      object: { kind: "Pod", apiVersion: "v1", metadata: { resourceVersion: server.resourceVersion } },
    });
    expect(b).toEqual([]);
  });

  test("error500 answers 500 and ends open watches; drop resets open and new connections", async () => {
    await setup();
    const w = await watch("/api/v1/nodes?watch=true");
    server.setOutage("error500");
    expect(await w.events()).toEqual([]);
    const res = await fetch(`${server.url}/api/v1/nodes`);
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ kind: "Status", reason: "InternalError", code: 500 });

    server.setOutage("none");
    const open = await watch("/api/v1/nodes?watch=true");
    server.setOutage("drop");
    await expect(open.events()).rejects.toThrow();
    await expect(fetch(`${server.url}/api/v1/nodes`)).rejects.toThrow();
    server.setOutage("none");
    expect((await fetch(`${server.url}/api/v1/nodes`)).status).toBe(200);
  });
});
