/**
 * The REST verbs of the fake API server — list, get, create (POST), replace (PUT), delete — and the
 * Events sink, as functions from a parsed request to a reply. Watches are served by `watch.ts`.
 */

import { randomUUID } from "node:crypto";
import type { Route } from "./routes.js";
import { parseFieldSelector, parseLabelSelector, type Predicate } from "./selector.js";
import type { ObjectStore, Preconditions } from "./store.js";
import type { WatchRequest } from "./watch.js";
import { fail, isRecord, type KubeObject, type Result, type ResourceDef, statusBody } from "./types.js";

/** An HTTP status and JSON body. */
export interface Reply {
  readonly code: number;
  readonly body: KubeObject;
}

/** What the handlers act on: the object store and the Events posted so far. */
export interface HandlerContext {
  readonly store: ObjectStore;
  readonly events: KubeObject[];
}

function reply(result: Result<KubeObject>, code = 200): Reply {
  return result.ok
    ? { code, body: result.value }
    : { code: result.failure.code, body: statusBody(result.failure) };
}

/** `?watch=true` (or `1`), as the server's query decoder accepts it. */
export function isWatch(query: URLSearchParams): boolean {
  const v = query.get("watch");
  return v === "true" || v === "1";
}

/** `labelSelector` and `fieldSelector` combined. */
export function parseSelectors(query: URLSearchParams): Result<Predicate> {
  const labels = parseLabelSelector(query.get("labelSelector") ?? "");
  if (!labels.ok) return labels;
  const fields = parseFieldSelector(query.get("fieldSelector") ?? "");
  if (!fields.ok) return fields;
  return { ok: true, value: (o) => labels.value(o) && fields.value(o) };
}

/** The watch parameters of a GET on a collection; a non-numeric resourceVersion is a 400. */
export function parseWatchRequest(
  def: ResourceDef,
  namespace: string | undefined,
  query: URLSearchParams,
  bookmarkIntervalMs: number,
): Result<WatchRequest> {
  const selector = parseSelectors(query);
  if (!selector.ok) return selector;
  const rvText = query.get("resourceVersion") ?? "";
  const rv = rvText === "" || rvText === "0" ? undefined : Number(rvText);
  if (rv !== undefined && !(Number.isSafeInteger(rv) && rv > 0)) {
    return fail(400, "BadRequest", `invalid resource version: ${JSON.stringify(rvText)}`);
  }
  const timeoutText = query.get("timeoutSeconds");
  const timeoutSeconds = timeoutText === null ? undefined : Number(timeoutText);
  if (timeoutSeconds !== undefined && !Number.isFinite(timeoutSeconds)) {
    return fail(400, "BadRequest", `invalid timeoutSeconds: ${JSON.stringify(timeoutText)}`);
  }
  const bookmarks = query.get("allowWatchBookmarks") === "true";
  return {
    ok: true,
    value: {
      def,
      selector: selector.value,
      bookmarkIntervalMs: bookmarks ? bookmarkIntervalMs : 0,
      ...(namespace === undefined ? {} : { namespace }),
      ...(rv === undefined ? {} : { resourceVersion: rv }),
      ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
    },
  };
}

/** GET on a collection: every matching object and the store's current resourceVersion. */
function list(
  ctx: HandlerContext,
  def: ResourceDef,
  namespace: string | undefined,
  query: URLSearchParams,
): Reply {
  const selector = parseSelectors(query);
  if (!selector.ok) return reply(selector);
  // List items carry no kind/apiVersion: the real server strips them from typed lists.
  const items = ctx.store
    .list(def, namespace)
    .filter(selector.value)
    .map(({ kind: _kind, apiVersion: _apiVersion, ...item }) => item);
  return {
    code: 200,
    body: {
      kind: def.listKind,
      apiVersion: def.apiVersion,
      metadata: { resourceVersion: ctx.store.resourceVersion },
      items,
    },
  };
}

/** `DeleteOptions.preconditions` from a DELETE body, when there is one. */
function preconditions(body: unknown): Preconditions {
  if (!isRecord(body) || !isRecord(body.preconditions)) return {};
  const { uid, resourceVersion } = body.preconditions;
  return {
    ...(typeof uid === "string" ? { uid } : {}),
    ...(typeof resourceVersion === "string" ? { resourceVersion } : {}),
  };
}

/** DELETE answers with the object (pods, namespaces) or a `Status` Success naming it. */
function remove(
  ctx: HandlerContext,
  def: ResourceDef,
  namespace: string,
  name: string,
  body: unknown,
): Reply {
  const removed = ctx.store.remove(def, namespace, name, preconditions(body));
  if (!removed.ok || def.deleteReturnsObject) return reply(removed);
  const details = { name, kind: def.plural, uid: removed.value.metadata.uid };
  return { code: 200, body: { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details } };
}

/** POST of an Event: stored in the list a test reads, with identity filled in. */
function postEvent(ctx: HandlerContext, namespace: string, body: unknown): Reply {
  if (!isRecord(body) || (body.metadata !== undefined && !isRecord(body.metadata))) {
    return reply(fail(400, "BadRequest", "the request body is not an Event object"));
  }
  const meta = isRecord(body.metadata) ? body.metadata : {};
  if (meta.namespace !== undefined && meta.namespace !== namespace) {
    return reply(
      fail(
        400,
        "BadRequest",
        "the namespace of the provided object does not match the namespace sent on the request",
      ),
    );
  }
  const name =
    typeof meta.name === "string" && meta.name !== ""
      ? meta.name
      : `${typeof meta.generateName === "string" ? meta.generateName : "event."}${randomUUID().slice(0, 8)}`;
  const event: KubeObject = {
    apiVersion: "v1",
    kind: "Event",
    ...structuredClone(body),
    metadata: {
      ...structuredClone(meta),
      name,
      namespace,
      uid: randomUUID(),
      resourceVersion: ctx.store.allocateResourceVersion(),
      creationTimestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    },
  };
  ctx.events.push(event);
  return { code: 201, body: structuredClone(event) };
}

const NOT_ALLOWED = (method: string): Reply =>
  reply(
    fail(
      405,
      "MethodNotAllowed",
      `the server does not allow this method on the requested resource: ${method}`,
    ),
  );

/** Handles every non-watch request on a known route. */
export function handleRest(
  ctx: HandlerContext,
  route: Route,
  method: string,
  query: URLSearchParams,
  body: unknown,
): Reply {
  if (route.kind === "events") {
    if (method === "POST") return postEvent(ctx, route.namespace, body);
    if (method !== "GET") return NOT_ALLOWED(method);
    const items = ctx.events.filter((e) => e.metadata?.namespace === route.namespace);
    return {
      code: 200,
      body: { kind: "EventList", apiVersion: "v1", metadata: {}, items: structuredClone(items) },
    };
  }
  const { def, namespace } = route;
  if (route.kind === "collection") {
    if (method === "GET") return list(ctx, def, namespace, query);
    if (method === "POST") return reply(ctx.store.create(def, body, namespace), 201);
    return NOT_ALLOWED(method);
  }
  const ns = namespace ?? "";
  switch (method) {
    case "GET": {
      const found = ctx.store.get(def, ns, route.name);
      return found === undefined
        ? reply(fail(404, "NotFound", `${def.plural} "${route.name}" not found`))
        : { code: 200, body: found };
    }
    case "PUT":
      return reply(ctx.store.replace(def, body, namespace, route.name));
    case "DELETE":
      return remove(ctx, def, ns, route.name, body);
    default:
      return NOT_ALLOWED(method);
  }
}
