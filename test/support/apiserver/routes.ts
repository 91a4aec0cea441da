/**
 * Maps request paths to resources the way the API server's REST mapping does:
 * `<prefix>/<plural>[/<name>]` and `<prefix>/namespaces/<ns>/<plural>[/<name>]`, where `<prefix>` is
 * `/api/v1` for the core group and `/apis/<group>/<version>` otherwise.
 */

import { RESOURCES, type ResourceDef } from "./types.js";

/** What a request path addresses. */
export type Route =
  /** A collection: list, watch or create. `namespace` is absent for "all namespaces". */
  | { readonly kind: "collection"; readonly def: ResourceDef; readonly namespace?: string }
  /** One object: get, replace or delete. */
  | { readonly kind: "item"; readonly def: ResourceDef; readonly namespace?: string; readonly name: string }
  /** `events` (core v1 or events.k8s.io/v1) of a namespace, where Events are posted. */
  | { readonly kind: "events"; readonly namespace: string };

const EVENT_PREFIXES = ["/api/v1", "/apis/events.k8s.io/v1"];

function splitPrefix(pathname: string): { prefix: string; segments: string[] } | undefined {
  const prefixes = new Set([...RESOURCES.map((r) => r.prefix), ...EVENT_PREFIXES]);
  for (const prefix of prefixes) {
    if (pathname.startsWith(prefix + "/")) {
      const segments = pathname.slice(prefix.length + 1).split("/");
      if (segments.some((s) => s === "")) return undefined;
      try {
        return { prefix, segments: segments.map((s) => decodeURIComponent(s)) };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function resource(prefix: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.prefix === prefix && r.plural === plural);
}

/** The route of a path, or undefined (404). */
export function parseRoute(pathname: string): Route | undefined {
  const split = splitPrefix(pathname);
  if (split === undefined) return undefined;
  const { prefix, segments } = split;
  const [first, second, third, fourth, ...rest] = segments;
  if (rest.length > 0 || first === undefined) return undefined;
  if (first === "namespaces" && second !== undefined && third !== undefined) {
    if (third === "events" && fourth === undefined && EVENT_PREFIXES.includes(prefix)) {
      return { kind: "events", namespace: second };
    }
    const def = resource(prefix, third);
    if (def === undefined || !def.namespaced) return undefined;
    return fourth === undefined
      ? { kind: "collection", def, namespace: second }
      : { kind: "item", def, namespace: second, name: fourth };
  }
  const def = resource(prefix, first);
  if (def === undefined || third !== undefined) return undefined;
  // A namespaced object is addressed only through its namespace; `/api/v1/pods/x` does not exist.
  if (def.namespaced && second !== undefined) return undefined;
  return second === undefined ? { kind: "collection", def } : { kind: "item", def, name: second };
}
