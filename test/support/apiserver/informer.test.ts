/**
 * The fake API server against the real `@kubernetes/client-node` 1.3.0 informer (`makeInformer`, a
 * `ListWatch`): the behaviours the node agent relies on, including how the informer fails.
 */

import {
  ApiException,
  type Informer,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
  makeInformer,
  type ObjectCache,
  Watch,
} from "@kubernetes/client-node";
import { afterEach, describe, expect, test } from "vitest";
import {
  cached,
  type Clients,
  clientsFor,
  namespace,
  networkPolicy,
  node,
  pod,
  record,
  waitFor,
} from "./client.js";
import { type ApiServer, type Kind, type KubeObject, startApiServer } from "./server.js";

let server: ApiServer;
let clients: Clients;
const informers: Informer<KubernetesObject>[] = [];

async function setup(opts: Parameters<typeof startApiServer>[0] = {}): Promise<void> {
  server = await startApiServer({ bookmarkIntervalMs: 0, ...opts });
  clients = clientsFor(server);
}

type ListFn = () => Promise<KubernetesListObject<KubernetesObject>>;

function informer(path: string, list: ListFn): Informer<KubernetesObject> {
  const inf = makeInformer(clients.kc, path, list);
  informers.push(inf);
  return inf;
}

/** A Watch that asks for bookmarks, which ListWatch never does on its own. */
class BookmarkingWatch extends Watch {
  override watch(...[path, params, callback, done]: Parameters<Watch["watch"]>): Promise<AbortController> {
    return super.watch(path, { ...params, allowWatchBookmarks: true }, callback, done);
  }
}

/** A pod informer over all namespaces with a pod `x/a` already listed and `x/b` changed live. */
async function runningPodInformer(): Promise<{
  inf: Informer<KubernetesObject>;
  rec: ReturnType<typeof record>;
}> {
  server.create(pod("x", "a"));
  const inf = informer("/api/v1/pods", () => clients.core.listPodForAllNamespaces());
  const rec = record(inf);
  await inf.start();
  server.create(pod("x", "b"));
  await waitFor("add x/b", () => rec.changes.includes("add x/b"));
  return { inf, rec };
}

afterEach(async () => {
  for (const inf of informers.splice(0)) await inf.stop();
  await server.close();
});

describe("informer on the fake API server", () => {
  const kinds: Array<{
    kind: Kind;
    path: string;
    list: () => ListFn;
    obj: (n: string) => KubeObject;
    ns?: string;
  }> = [
    {
      kind: "Pod",
      path: "/api/v1/pods",
      list: () => () => clients.core.listPodForAllNamespaces(),
      obj: (n) => pod("x", n),
      ns: "x",
    },
    {
      kind: "Namespace",
      path: "/api/v1/namespaces",
      list: () => () => clients.core.listNamespace(),
      obj: namespace,
    },
    { kind: "Node", path: "/api/v1/nodes", list: () => () => clients.core.listNode(), obj: node },
    {
      kind: "NetworkPolicy",
      path: "/apis/networking.k8s.io/v1/networkpolicies",
      list: () => () => clients.net.listNetworkPolicyForAllNamespaces(),
      obj: (n) => networkPolicy("x", n),
      ns: "x",
    },
  ];

  test.each(kinds)("gets ADD, UPDATE and DELETE for $kind", async ({ kind, path, list, obj, ns }) => {
    await setup();
    const q = (n: string): string => (ns === undefined ? n : `${ns}/${n}`);
    server.create(obj("listed"));
    const inf = informer(path, list());
    const rec = record(inf);
    await inf.start();
    expect(rec.changes).toEqual([`add ${q("listed")}`]);
    server.create(obj("live"));
    server.patchLabels(kind, ns, "live", { tier: "web" });
    server.remove(kind, ns, "listed");
    await waitFor("delete", () => rec.changes.length === 4);
    expect(rec.changes).toEqual([
      `add ${q("listed")}`,
      `add ${q("live")}`,
      `update ${q("live")}`,
      `delete ${q("listed")}`,
    ]);
    expect(rec.errors).toEqual([]);
  });

  test("resumes from its resourceVersion after a server-side watch close, without re-listing", async () => {
    await setup();
    const { inf, rec } = await runningPodInformer();
    server.closeWatches();
    // Synchronously after the close: these land while the informer is reconnecting.
    server.create(pod("x", "c"));
    server.remove("Pod", "x", "a");
    await waitFor("replayed history", () => rec.changes.includes("delete x/a"));
    expect(cached(inf)).toEqual(["x/b", "x/c"]);
    expect(server.stats).toEqual({ list: { pods: 1 }, watch: { pods: 2 } });
    expect(rec.errors).toEqual([]);
  });

  test("re-lists after compaction (410 Expired) and converges", async () => {
    await setup();
    const { inf, rec } = await runningPodInformer();
    server.closeWatches();
    server.create(pod("x", "c"));
    server.remove("Pod", "x", "a");
    server.compact();
    await waitFor("second list", () => server.stats.list["pods"] === 2 && server.openWatches === 1);
    await waitFor("converged", () => cached(inf).join() === "x/b,x/c");
    // The DELETE of x/a comes from comparing the new list with the cache, not from a watch event.
    expect(rec.changes).toEqual(["add x/a", "add x/b", "delete x/a", "add x/c"]);
    expect(server.stats.watch["pods"]).toBe(3); // resumed watch (410), then the watch after the list
    expect(rec.errors).toEqual([]);
  });

  test("reports ERROR during error500, stays stopped, and converges after none + start()", async () => {
    await setup();
    const { inf, rec } = await runningPodInformer();
    server.setOutage("error500");
    await waitFor("error", () => rec.errors.length === 1);
    const err = rec.errors[0];
    // A failed watch is a plain Error with statusCode; a failed list is an ApiException with code.
    expect(err).toMatchObject({ message: "Internal Server Error", statusCode: 500 });
    await expect(clients.core.listNode()).rejects.toSatisfy(
      (e) => e instanceof ApiException && e.code === 500,
    );
    await waitFor("watch closed", () => server.openWatches === 0);
    const watches = server.stats.watch["pods"];
    server.create(pod("x", "c"));
    server.remove("Pod", "x", "a");
    // A request sent after any immediate retry of the informer's has been answered: none came.
    await expect(clients.core.listNode()).rejects.toSatisfy((e) => e instanceof ApiException);
    expect(server.stats.watch["pods"]).toBe(watches); // the informer gave up: no retry of its own
    expect(server.openWatches).toBe(0);
    server.setOutage("none");
    await inf.start();
    await waitFor("converged", () => cached(inf).join() === "x/b,x/c");
    expect(server.stats.list["pods"]).toBe(1); // resumed from history, no re-list
  });

  test("reports ERROR (ECONNRESET) during drop and converges after none + start()", async () => {
    await setup();
    const { inf, rec } = await runningPodInformer();
    server.setOutage("drop");
    await waitFor("error", () => rec.errors.length === 1);
    expect(rec.errors[0]).toMatchObject({ code: "ECONNRESET" });
    await expect(clients.core.listNode()).rejects.toMatchObject({ code: "ECONNRESET" });
    server.create(pod("x", "c"));
    server.setOutage("none");
    await inf.start();
    await waitFor("converged", () => cached(inf).join() === "x/a,x/b,x/c");
    expect(rec.errors).toHaveLength(1);
  });

  test("bookmarks advance the resourceVersion of an informer that asks for them, and do not disturb it", async () => {
    await setup({ bookmarkIntervalMs: 20 });
    const list = (): Promise<KubernetesListObject<KubernetesObject>> =>
      clients.core.listPodForAllNamespaces();
    // makeInformer builds `new ListWatch(path, new Watch(kc), list, false)`; ListWatch never sends
    // allowWatchBookmarks, so a plain informer gets no bookmarks. This Watch adds the parameter.
    const plain = new ListWatch("/api/v1/pods", new Watch(clients.kc), list, false);
    const bookmarked = new ListWatch("/api/v1/pods", new BookmarkingWatch(clients.kc), list, false);
    informers.push(plain, bookmarked);
    const rec = record(bookmarked);
    await Promise.all([plain.start(), bookmarked.start()]);
    const listed = server.resourceVersion;
    server.create(namespace("y")); // moves the global resourceVersion without a pod event
    await waitFor("bookmark", () => bookmarked.latestResourceVersion() === server.resourceVersion);
    expect(plain.latestResourceVersion()).toBe(listed);
    server.create(pod("y", "a"));
    await waitFor("add y/a", () => rec.changes.includes("add y/a"));
    expect(rec.errors).toEqual([]);
    expect(server.stats).toEqual({ list: { pods: 2 }, watch: { pods: 2 } });
  });

  test("list objects are deserialized models, watch objects raw JSON (client-node 1.3.0)", async () => {
    await setup();
    const { inf } = await runningPodInformer();
    if (!(inf instanceof ListWatch)) throw new Error("makeInformer returned something else than a ListWatch");
    const cache: ObjectCache<KubernetesObject> = inf;
    expect(cache.get("a", "x")?.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(typeof cache.get("b", "x")?.metadata?.creationTimestamp).toBe("string");
  });

  test("close() leaves no sockets or servers open, even with a watch connected", async () => {
    // Vitest talks to this worker over pipes; TCP handles here are the fake server's and the client's.
    const tcp = (): string[] => process.getActiveResourcesInfo().filter((r) => /^TCP|^Connect/.test(r));
    await setup({ bookmarkIntervalMs: 10 });
    const { rec } = await runningPodInformer();
    expect(tcp()).toEqual(expect.arrayContaining(["TCPServerWrap", "TCPSocketWrap"]));
    await server.close();
    await waitFor("informer error", () => rec.errors.length === 1);
    await waitFor("no TCP handles", () => tcp().length === 0);
  });
});
