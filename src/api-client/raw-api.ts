/**
 * Reads the Kubernetes API as the plain JSON the API server sends. The client library's typed calls
 * (`listNetworkPolicyForAllNamespaces`, `readNamespacedPod`, …) deserialize responses into models
 * whose field names differ from the wire (`from` becomes `_from`), and a decoder written for the
 * wire then silently misses them; one item the models cannot deserialize also fails the whole list.
 * Every read of the cluster goes through here instead, so the agent, the CNI path and the CLI decode
 * the same JSON that watch events carry, with the one decoder.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import fetch from "node-fetch";

/** A list response: the items as sent, and the list's resourceVersion (where a watch may start). */
export interface RawList {
  readonly items: readonly unknown[];
  readonly resourceVersion: string;
}

/** The reads netguard makes (injected, so edges can be tested with a fake). */
export interface KubeReader {
  /** GET of one object; undefined when it does not exist (404). */
  get(path: string): Promise<unknown>;
  /** A full LIST, following `continue` tokens page by page. */
  list(path: string): Promise<RawList>;
}

/** An API error with the HTTP status (for callers that tell "gone" from "unreachable"). */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

/** Items per LIST page: bounds the API server's and our memory per request (as informers do). */
export const LIST_PAGE_SIZE = 500;

/** A reader over a kubeconfig (credentials, CA and proxy settings applied as the library does). */
export function kubeReader(kc: KubeConfig, timeoutMs = 60_000): KubeReader {
  const request = async (path: string, query: Record<string, string>): Promise<unknown> => {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KubeApiError("the kubeconfig has no current cluster", undefined);
    const url = new URL(cluster.server.replace(/\/+$/, "") + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const init = await kc.applyToFetchOptions({});
    const res = await fetch(url.toString(), { ...init, method: "GET", timeout: timeoutMs });
    const text = await res.text();
    if (res.status === 404) return undefined;
    if (res.status !== 200)
      throw new KubeApiError(`GET ${path}: HTTP ${res.status}: ${statusMessage(text)}`, res.status);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new KubeApiError(`GET ${path}: the response is not JSON`, res.status);
    }
  };
  return {
    get: (path) => request(path, {}),
    async list(path) {
      const items: unknown[] = [];
      let token: string | undefined;
      let resourceVersion: string | undefined;
      do {
        const page = await request(path, {
          limit: String(LIST_PAGE_SIZE),
          ...(token ? { continue: token } : {}),
        });
        const parsed = listPage(page, path);
        for (const item of parsed.items) items.push(item);
        resourceVersion = parsed.resourceVersion;
        token = parsed.continueToken;
      } while (token);
      return { items, resourceVersion: resourceVersion ?? "" };
    },
  };
}

function listPage(
  page: unknown,
  path: string,
): { items: readonly unknown[]; resourceVersion: string; continueToken?: string } {
  if (page === undefined) throw new KubeApiError(`GET ${path}: not found`, 404);
  const o = page as { items?: unknown; metadata?: { resourceVersion?: unknown; continue?: unknown } };
  if (typeof page !== "object" || page === null || !Array.isArray(o.items))
    throw new KubeApiError(`GET ${path}: the response is not a list`, 200);
  const rv = o.metadata?.resourceVersion;
  const cont = o.metadata?.continue;
  return {
    items: o.items as unknown[],
    resourceVersion: typeof rv === "string" ? rv : "",
    ...(typeof cont === "string" && cont !== "" ? { continueToken: cont } : {}),
  };
}

/** The `message` of a Status body, or the start of the text. */
function statusMessage(text: string): string {
  try {
    const s = JSON.parse(text) as { message?: unknown };
    if (typeof s.message === "string") return s.message;
  } catch {
    // not a Status object
  }
  return text.slice(0, 200);
}
