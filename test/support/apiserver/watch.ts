/**
 * One watch stream (`?watch=true`): newline-delimited `metav1.WatchEvent` JSON on a chunked 200
 * response, as the API server writes it. History after the requested resourceVersion is replayed,
 * then live changes follow; a compacted resourceVersion gets a single `ERROR` 410 event.
 */

import type { ServerResponse } from "node:http";
import type { Predicate } from "./selector.js";
import type { ObjectStore, StoreEvent } from "./store.js";
import { type KubeObject, type ResourceDef, statusBody, type WatchEventType } from "./types.js";

/** What a watch request asked for. */
export interface WatchRequest {
  readonly def: ResourceDef;
  /** Only objects of this namespace (a namespaced path); all namespaces when absent. */
  readonly namespace?: string;
  /** The label and field selectors, combined. */
  readonly selector: Predicate;
  /** `?resourceVersion=`: absent, "" or "0" start with synthetic ADDED events for every object. */
  readonly resourceVersion?: number;
  /** `?allowWatchBookmarks=true` and the interval the server sends them at (0: never). */
  readonly bookmarkIntervalMs: number;
  /** `?timeoutSeconds=`: the server ends the stream after this long. */
  readonly timeoutSeconds?: number;
}

/** An open watch stream the server can end. */
export interface WatchHandle {
  /** Ends the stream cleanly (a zero-length chunk), as a server-side timeout does. */
  end(): void;
}

interface WireEvent {
  readonly type: WatchEventType;
  readonly object: KubeObject;
}

/**
 * How a change looks through a selector: an object that starts matching is ADDED, one that stops
 * matching is DELETED (the watch cache's behaviour), one that never matches is not sent.
 */
function project(req: WatchRequest, event: StoreEvent): WireEvent | undefined {
  const { object, previous } = event;
  if (object.kind !== req.def.kind) return undefined;
  if (req.namespace !== undefined && object.metadata.namespace !== req.namespace) return undefined;
  const now = req.selector(object);
  if (event.type !== "MODIFIED") return now ? { type: event.type, object } : undefined;
  const before = previous !== undefined && req.selector(previous);
  if (now && before) return { type: "MODIFIED", object };
  if (now) return { type: "ADDED", object };
  if (before) return { type: "DELETED", object };
  return undefined;
}

/** The first events of the stream: synthetic ADDED for a watch from "now", else retained history. */
function initialEvents(store: ObjectStore, req: WatchRequest): WireEvent[] | KubeObject {
  if (req.resourceVersion === undefined) {
    return store
      .list(req.def, req.namespace)
      .filter(req.selector)
      .map((object): WireEvent => ({ type: "ADDED", object }));
  }
  const history = store.since(req.resourceVersion);
  if (!history.ok) return statusBody(history.failure);
  return history.value.flatMap((e) => project(req, e) ?? []);
}

function bookmark(def: ResourceDef, resourceVersion: string): WireEvent {
  return {
    type: "BOOKMARK",
    object: { kind: def.kind, apiVersion: def.apiVersion, metadata: { resourceVersion } },
  };
}

/**
 * Serves a watch on `res` until the client goes away, `timeoutSeconds` pass or the server ends it.
 * `onClosed` runs once the response is finished or its socket is gone.
 */
export function serveWatch(
  res: ServerResponse,
  store: ObjectStore,
  req: WatchRequest,
  onClosed: () => void,
): WatchHandle {
  const write = (event: WireEvent): void => {
    if (!res.writableEnded && !res.destroyed) res.write(JSON.stringify(event) + "\n");
  };
  const end = (): void => {
    if (!res.writableEnded && !res.destroyed) res.end();
  };
  res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "no-cache, private" });
  res.flushHeaders();

  const first = initialEvents(store, req);
  if (!Array.isArray(first)) {
    // The real server answers an expired resourceVersion with 200, one ERROR event and the end.
    write({ type: "ERROR", object: first });
    end();
    res.once("close", onClosed);
    return { end };
  }
  first.forEach(write);

  const unsubscribe = store.subscribe((event) => {
    const wire = project(req, event);
    if (wire !== undefined) write(wire);
  });
  const timers: NodeJS.Timeout[] = [];
  if (req.bookmarkIntervalMs > 0) {
    timers.push(setInterval(() => write(bookmark(req.def, store.resourceVersion)), req.bookmarkIntervalMs));
  }
  if (req.timeoutSeconds !== undefined && req.timeoutSeconds > 0) {
    timers.push(setTimeout(end, req.timeoutSeconds * 1000));
  }
  res.once("close", () => {
    unsubscribe();
    timers.forEach((t) => clearTimeout(t));
    onClosed();
  });
  return { end };
}
