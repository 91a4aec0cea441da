/**
 * The fake API server's ClusterNetworkPolicies: served like any cluster-scoped resource while their
 * CRD is installed, 404 while it is not, and a CRD deleted mid-run ends its watches.
 */
import { afterEach, describe, expect, test } from "vitest";
import { denyIngressTo } from "../agent-cnp.js";
import { waitFor } from "./client.js";
import { type ApiServer, startApiServer } from "./server.js";

const CNPS = "/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies";
let server: ApiServer;

afterEach(async () => {
  await server.close();
});

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(server.url + path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The events of a watch stream, read to its end. */
async function watchToEnd(path: string): Promise<{ status: number; events: string[] }> {
  const res = await fetch(server.url + path);
  const text = await res.text();
  const events = text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as { type: string; object: { metadata?: { name?: string } } })
    .map((e) => `${e.type} ${e.object.metadata?.name ?? ""}`);
  return { status: res.status, events };
}

describe("fake API server: ClusterNetworkPolicies", () => {
  test("are served cluster-scoped while the CRD is installed (the default): create, list, watch", async () => {
    server = await startApiServer({ bookmarkIntervalMs: 0 });
    const created = await fetch(server.url + CNPS, {
      method: "POST",
      body: JSON.stringify(denyIngressTo("a", "web")),
    });
    expect(created.status).toBe(201);
    const list = await get(CNPS);
    expect(list.status).toBe(200);
    expect(list.body.kind).toBe("ClusterNetworkPolicyList");
    const items = list.body.items as Array<Record<string, unknown>>;
    expect(items.map((i) => [i.kind, (i.metadata as { name: string }).name])).toEqual([[undefined, "a"]]);
    expect(items[0]?.spec).toEqual(denyIngressTo("a", "web").spec);
    expect(
      (await get(`/apis/policy.networking.k8s.io/v1alpha2/namespaces/x/clusternetworkpolicies`)).status,
    ).toBe(404);
    const rv = (list.body.metadata as { resourceVersion: string }).resourceVersion;
    const watching = watchToEnd(`${CNPS}?watch=true&resourceVersion=${rv}`);
    await waitFor("the watch to open", () => server.openWatches === 1, 5000);
    server.update({ ...denyIngressTo("a", "web", 20) });
    server.remove("ClusterNetworkPolicy", undefined, "a");
    server.closeWatches();
    expect((await watching).events).toEqual(["MODIFIED a", "DELETED a"]);
  });

  test("answer 404 while the CRD is not installed, and are served once it is", async () => {
    server = await startApiServer({ bookmarkIntervalMs: 0, crdsInstalled: false });
    const list = await get(CNPS);
    expect(list.status).toBe(404);
    expect(list.body).toMatchObject({ kind: "Status", reason: "NotFound", code: 404 });
    expect((await fetch(`${server.url}${CNPS}?watch=true`)).status).toBe(404);
    expect(() => server.create(denyIngressTo("a", "web"))).toThrow(/not installed/);
    expect(server.list("ClusterNetworkPolicy")).toEqual([]);
    expect((await get("/api/v1/pods")).status).toBe(200);
    server.installCrd("ClusterNetworkPolicy");
    server.create(denyIngressTo("a", "web"));
    expect(((await get(CNPS)).body.items as unknown[]).length).toBe(1);
  });

  test("a CRD deleted mid-run deletes its objects, ends its watches, then answers 404", async () => {
    server = await startApiServer({ bookmarkIntervalMs: 0 });
    server.create(denyIngressTo("a", "web"));
    server.create(denyIngressTo("b", "web"));
    const watching = watchToEnd(`${CNPS}?watch=true&resourceVersion=${server.resourceVersion}`);
    const pods = fetch(`${server.url}/api/v1/pods?watch=true`);
    await waitFor("both watches to open", () => server.openWatches === 2, 5000);
    server.uninstallCrd("ClusterNetworkPolicy");
    expect(await watching).toEqual({ status: 200, events: ["DELETED a", "DELETED b"] });
    expect(server.openWatches).toBe(1); // the pods' watch stays
    expect((await get(CNPS)).status).toBe(404);
    server.installCrd("ClusterNetworkPolicy");
    expect(server.list("ClusterNetworkPolicy")).toEqual([]);
    server.closeWatches();
    await (await pods).text();
  });

  test("a CRD deleted without its cleanup keeps its objects, which reappear with it", async () => {
    server = await startApiServer({ bookmarkIntervalMs: 0 });
    server.create(denyIngressTo("a", "web"));
    server.uninstallCrd("ClusterNetworkPolicy", { deleteObjects: false });
    expect(server.list("ClusterNetworkPolicy")).toEqual([]);
    server.installCrd("ClusterNetworkPolicy");
    expect(server.list("ClusterNetworkPolicy").map((o) => o.metadata.name)).toEqual(["a"]);
  });
});
