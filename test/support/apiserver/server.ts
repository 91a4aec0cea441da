/**
 * A fake Kubernetes API server for tests: real HTTP on 127.0.0.1 speaking the list/watch protocol
 * the way kube-apiserver does (resourceVersions, history replay, 410 Expired, bookmarks, watch
 * timeouts) for pods, namespaces, nodes, networkpolicies and clusternetworkpolicies (served while
 * their CRD is installed: crds.ts), plus fault injection (500s, connection resets) and controls to
 * change objects behind the client's back.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Crds, type UninstallOptions } from "./crds.js";
import { handleRest, isWatch, parseWatchRequest, type HandlerContext, type Reply } from "./handlers.js";
import { kubeconfigYaml, writeKubeconfigFile } from "./kubeconfig.js";
import { parseRoute } from "./routes.js";
import { ObjectStore } from "./store.js";
import {
  fail,
  type Kind,
  type KubeObject,
  RESOURCES,
  resourceOf,
  type Result,
  statusBody,
  type StoredObject,
} from "./types.js";
import { serveWatch, type WatchHandle } from "./watch.js";

export type { Kind, KubeObject, StoredObject } from "./types.js";

/** Options of `startApiServer`. */
export interface ApiServerOptions {
  /** Changes retained for watches to resume from (default 1000); older resourceVersions get 410. */
  historyLimit?: number;
  /** Interval of BOOKMARK events on watches that allow them (default 1000 ms; 0 disables them). */
  bookmarkIntervalMs?: number;
  /** Whether the CRDs (ClusterNetworkPolicy) are installed at start (default true). */
  crdsInstalled?: boolean;
}

/**
 * Fault injection: `error500` answers every request 500 with a Status and ends open watches;
 * `drop` resets every open connection and every new one as it is accepted; `none` is healthy.
 */
export type Outage = "none" | "error500" | "drop";

/** List and watch requests answered (outside outages), per resource plural (`pods`, …). */
export interface RequestStats {
  readonly list: Readonly<Record<string, number>>;
  readonly watch: Readonly<Record<string, number>>;
}

/** A running fake API server and its test controls. */
export interface ApiServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** A kubeconfig for `KubeConfig.loadFromString`: this server, no credentials, one context. */
  kubeconfig(): string;
  /** Writes the kubeconfig to `<dir>/kubeconfig` and returns the path. */
  writeKubeconfig(dir: string): string;
  /** Creates an object (kind from `obj.kind`), emitting ADDED; throws if it exists. */
  create(obj: KubeObject): StoredObject;
  /** Replaces an object by kind/namespace/name, emitting MODIFIED; a stale resourceVersion throws. */
  update(obj: KubeObject): StoredObject;
  /** Merges labels into an object (`null` removes a label), emitting MODIFIED. */
  patchLabels(
    kind: Kind,
    namespace: string | undefined,
    name: string,
    labels: Record<string, string | null>,
  ): StoredObject;
  /** Installs the CRD serving `kind` (ClusterNetworkPolicy): its resource answers from now on. */
  installCrd(kind: Kind): void;
  /**
   * Deletes the CRD serving `kind`: its objects are deleted (unless `deleteObjects: false`), its
   * watches end, and its resource answers 404 from then on.
   */
  uninstallCrd(kind: Kind, opts?: UninstallOptions): void;
  /** Deletes an object, emitting DELETED with the final object at a new resourceVersion. */
  remove(kind: Kind, namespace: string | undefined, name: string): StoredObject;
  /** A copy of a stored object, or undefined (also while its CRD is not installed). */
  get(kind: Kind, namespace: string | undefined, name: string): StoredObject | undefined;
  /** Copies of every object of a kind, sorted by namespace/name (none while its CRD is not installed). */
  list(kind: Kind): StoredObject[];
  /** The Events POSTed to `/api/v1/namespaces/{ns}/events` (or events.k8s.io/v1), in order. */
  readonly events: readonly KubeObject[];
  /** The current global resourceVersion. */
  readonly resourceVersion: string;
  /** Forgets all history: a watch resuming from any earlier resourceVersion gets 410 Expired. */
  compact(): void;
  /** Ends every open watch cleanly, as a server-side watch timeout does. */
  closeWatches(): void;
  /** Sets the fault mode (see `Outage`). */
  setOutage(mode: Outage): void;
  /** A snapshot of request counts. */
  readonly stats: RequestStats;
  /** Requests answered 500 because of an `error500` outage. */
  readonly refused: number;
  /** Watch streams currently open. */
  readonly openWatches: number;
  /** Ends watches, resets connections and stops listening. */
  close(): Promise<void>;
}

function kindOf(obj: KubeObject): Kind {
  const found = RESOURCES.find((r) => r.kind === obj.kind);
  if (found === undefined) throw new Error(`fake API server: unsupported kind ${String(obj.kind)}`);
  return found.kind;
}

/** Test controls are called by tests: a failure is a bug in the test, so it throws. */
function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`fake API server: ${result.failure.code} ${result.failure.message}`);
  return result.value;
}

async function readBody(req: IncomingMessage): Promise<Result<unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return fail(400, "BadRequest", "the request body is not valid JSON");
  }
}

function send(res: ServerResponse, r: Reply): void {
  const body = JSON.stringify(r.body);
  res.writeHead(r.code, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** Starts a fake API server on 127.0.0.1 at a random port. */
export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const store = new ObjectStore(opts.historyLimit ?? 1000);
  const bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 1000;
  const ctx: HandlerContext = { store, events: [] };
  const stats = { list: new Map<string, number>(), watch: new Map<string, number>() };
  const sockets = new Set<Socket>();
  /** Open watch streams, with the plural of the resource each watches. */
  const watches = new Map<WatchHandle, string>();
  const crds = new Crds(opts.crdsInstalled ?? true);
  let outage: Outage = "none";
  let refused = 0;
  let closing: Promise<void> | undefined;

  const count = (m: Map<string, number>, key: string): void => void m.set(key, (m.get(key) ?? 0) + 1);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    if (outage === "error500") {
      refused++;
      req.resume();
      return send(res, {
        code: 500,
        body: statusBody({ code: 500, reason: "InternalError", message: "injected outage" }),
      });
    }
    const route = parseRoute(url.pathname);
    if (route === undefined || (route.kind !== "events" && !crds.serves(route.def))) {
      req.resume();
      const message = "the server could not find the requested resource";
      return send(res, { code: 404, body: statusBody({ code: 404, reason: "NotFound", message }) });
    }
    const body = await readBody(req);
    if (!body.ok) return send(res, { code: 400, body: statusBody(body.failure) });
    if (route.kind === "collection" && method === "GET" && isWatch(url.searchParams)) {
      const watchReq = parseWatchRequest(route.def, route.namespace, url.searchParams, bookmarkIntervalMs);
      if (!watchReq.ok) return send(res, { code: watchReq.failure.code, body: statusBody(watchReq.failure) });
      count(stats.watch, route.def.plural);
      const stream = serveWatch(res, store, watchReq.value, () => watches.delete(stream));
      if (!res.writableEnded) watches.set(stream, route.def.plural);
      return;
    }
    if (route.kind === "collection" && method === "GET") count(stats.list, route.def.plural);
    send(res, handleRest(ctx, route, method, url.searchParams, body.value));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      // A bug in the fake: answer 500 rather than leave the client hanging.
      if (!res.headersSent)
        send(res, {
          code: 500,
          body: statusBody({ code: 500, reason: "InternalError", message: String(err) }),
        });
      else res.destroy();
    });
  });
  server.on("connection", (socket: Socket) => {
    if (outage === "drop") {
      socket.resetAndDestroy();
      return;
    }
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const endWatches = (plural?: string): void =>
    [...watches].forEach(([w, p]) => (plural === undefined || p === plural) && w.end());
  const resetSockets = (): void => [...sockets].forEach((s) => s.resetAndDestroy());
  /** The resource of `kind`; a test control on a resource whose CRD is not installed is a test bug. */
  const served = (kind: Kind) => {
    const def = resourceOf(kind);
    if (!crds.serves(def)) throw new Error(`fake API server: 404: the ${kind} CRD is not installed`);
    return def;
  };
  const lookup = (kind: Kind, namespace: string | undefined, name: string): StoredObject => {
    const found = store.get(served(kind), namespace ?? "", name);
    if (found === undefined) throw new Error(`fake API server: ${kind} ${namespace ?? ""}/${name} not found`);
    return found;
  };

  return {
    url,
    kubeconfig: () => kubeconfigYaml(url),
    writeKubeconfig: (dir) => writeKubeconfigFile(dir, url),
    create: (obj) => unwrap(store.create(served(kindOf(obj)), obj)),
    update: (obj) => {
      const def = served(kindOf(obj));
      return unwrap(store.replace(def, obj, obj.metadata?.namespace, obj.metadata?.name ?? ""));
    },
    patchLabels: (kind, namespace, name, labels) => {
      const current = structuredClone(lookup(kind, namespace, name));
      const merged: Record<string, string> = { ...current.metadata.labels };
      for (const [k, v] of Object.entries(labels)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      current.metadata.labels = merged;
      return unwrap(store.replace(resourceOf(kind), current, current.metadata.namespace, name));
    },
    installCrd: (kind) => crds.install(kind),
    uninstallCrd: (kind, o) => crds.uninstall(kind, store, endWatches, o),
    remove: (kind, namespace, name) => unwrap(store.remove(served(kind), namespace ?? "", name)),
    get: (kind, namespace, name) => {
      const def = resourceOf(kind);
      const found = crds.serves(def) ? store.get(def, namespace ?? "", name) : undefined;
      return found === undefined ? undefined : structuredClone(found);
    },
    list: (kind) => {
      const def = resourceOf(kind);
      return crds.serves(def) ? structuredClone(store.list(def)) : [];
    },
    get events() {
      return structuredClone(ctx.events);
    },
    get resourceVersion() {
      return store.resourceVersion;
    },
    compact: () => store.compact(),
    closeWatches: () => endWatches(),
    setOutage: (mode) => {
      outage = mode;
      if (mode === "error500") endWatches();
      if (mode === "drop") resetSockets();
    },
    get stats() {
      return { list: Object.fromEntries(stats.list), watch: Object.fromEntries(stats.watch) };
    },
    get refused() {
      return refused;
    },
    get openWatches() {
      return watches.size;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        endWatches();
        server.close(() => resolve());
        resetSockets();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
