/**
 * Kinds served by a CustomResourceDefinition (ClusterNetworkPolicy, `policy.networking.k8s.io/
 * v1alpha2`): unlike the built-in kinds, their API may not exist. The agent then works without them,
 * says so once, and looks again with a backoff until the CRD is installed; when the CRD is deleted
 * (the API server deletes its objects with it) the objects it held are dropped.
 */
import type { WatchedKind } from "./store.js";

/** The watched kinds whose API exists only once their CRD is installed (crds/). */
export const CRD_KINDS: ReadonlySet<WatchedKind> = new Set(["ClusterNetworkPolicy"]);

/**
 * Why a CRD kind is not watched: `not-installed` (the API server answers 404: no such resource) or
 * `forbidden` (403: the agent's role lacks `list`/`watch` on it; examples/deploy/rbac.yaml grants it).
 */
export type KindAbsence = "not-installed" | "forbidden";

/** Whether a CRD kind is watched; reported when it changes, never per re-check. */
export type KindAvailability =
  | { readonly state: "watched" }
  | {
      readonly state: "absent";
      readonly why: KindAbsence;
      /** The API server's answer. */
      readonly detail: string;
      /** Objects of the kind that were held and are no longer enforced (0 at start). */
      readonly dropped: number;
      /** When the API is looked for again. */
      readonly recheckInMs: number;
    };

/** How often an absent CRD kind is looked for: first after `baseMs`, doubling up to `maxMs`. */
export interface RecheckBackoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Default re-check: 2 s, doubling to once a minute (one LIST per node and minute while absent). */
export const DEFAULT_RECHECK: RecheckBackoff = { baseMs: 2_000, maxMs: 60_000 };

/** The delay before re-check number `n` (0-based); also a failed watch's reconnect delay (source.ts). */
export function recheckDelay(b: RecheckBackoff, n: number): number {
  return Math.min(b.maxMs, b.baseMs * 2 ** Math.min(n, 20));
}

/**
 * Whether a LIST or WATCH error says the kind's API is absent: the reader's KubeApiError carries
 * `status`, the library's Watch error `statusCode`.
 */
export function absenceOf(err: unknown): KindAbsence | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const o = err as { status?: unknown; statusCode?: unknown; code?: unknown };
  const status = [o.status, o.statusCode, o.code].find((v) => typeof v === "number");
  if (status === 404) return "not-installed";
  if (status === 403) return "forbidden";
  return undefined;
}

/** A short description of an informer's error, for the log. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === "object" && err !== null) {
    const o = err as { code?: unknown; statusCode?: unknown; message?: unknown };
    for (const v of [o.message, o.statusCode, o.code])
      if (typeof v === "string" || typeof v === "number") return String(v);
    return JSON.stringify(err);
  }
  return String(err);
}
