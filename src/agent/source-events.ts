/**
 * What the cluster source tells the agent (SourceEvents) and what the agent asks of it
 * (ClusterSource); implemented by KubeSource (source.ts) and by the tests' fake source.
 */
import type { Issue } from "../issue/issue.js";
import type { KindAvailability } from "./crd-kinds.js";
import type { WatchedKind } from "./store.js";

/** Which object an event is about. */
export interface ObjectIdentity {
  readonly namespace: string | undefined;
  readonly name: string;
  readonly uid: string | undefined;
}

/** What the source reports to the rest of the agent. */
export interface SourceEvents {
  /** An object changed at time `at` (a sync should follow). */
  changed(kind: WatchedKind, at: number): void;
  /**
   * An object was added or changed, with the problems decoding it (none when it is valid);
   * reported once per change of that object.
   */
  upserted(kind: WatchedKind, object: ObjectIdentity, issues: readonly Issue[]): void;
  /** An object was deleted. */
  removed(kind: WatchedKind, object: ObjectIdentity): void;
  /** An informer failed and will be restarted after `retryInMs`. */
  disconnected(kind: WatchedKind, error: string, retryInMs: number): void;
  /** An informer (re)connected and listed. */
  connected(kind: WatchedKind): void;
  /**
   * A CRD kind (crd-kinds.ts) became watched, or absent: reported when that changes (the first
   * time included), not on every re-check.
   */
  availability(kind: WatchedKind, availability: KindAvailability): void;
}

/** What the agent needs from its view of the cluster (implemented by KubeSource). */
export interface ClusterSource {
  /** True once every kind has completed a full list. */
  readonly synced: boolean;
  /** True while every watch is connected. */
  readonly connected: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}
