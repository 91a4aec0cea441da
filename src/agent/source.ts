/**
 * Watches Pods (all namespaces), Namespaces, Nodes and NetworkPolicies with @kubernetes/client-node
 * informers (list, then watch from the list's resourceVersion; a `410 Gone` makes the informer
 * re-list). An informer that fails (API unreachable, 5xx) is restarted with exponential backoff;
 * the rules in force stay as they are meanwhile.
 */
import {
  ADD,
  DELETE,
  ERROR,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type ListPromise,
  ListWatch,
  UPDATE,
} from "@kubernetes/client-node";
import { error, type Issue, locate } from "../issue/issue.js";
import { isObject } from "../k8s/fields.js";
import type { KubeReader } from "../api-client/raw-api.js";
import type { Clock } from "./clock.js";
import { ReportingWatch } from "./reporting-watch.js";
import { type ClusterStore, resourceVersionOf, type WatchedKind } from "./store.js";

/** The collection path of each watched kind (all namespaces). */
export const WATCH_PATHS: Readonly<Record<WatchedKind, string>> = {
  Namespace: "/api/v1/namespaces",
  Node: "/api/v1/nodes",
  Pod: "/api/v1/pods",
  NetworkPolicy: "/apis/networking.k8s.io/v1/networkpolicies",
};

/** Which object an event is about. */
export interface ObjectIdentity {
  readonly namespace: string | undefined;
  readonly name: string;
  readonly uid: string | undefined;
}

const identity = (o: KubernetesObject): ObjectIdentity => ({
  namespace: o.metadata?.namespace,
  name: o.metadata?.name ?? "",
  uid: o.metadata?.uid,
});

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
}

interface Watched {
  readonly kind: WatchedKind;
  readonly informer: Informer<KubernetesObject>;
  synced: boolean;
  connected: boolean;
  failures: number;
}

/**
 * Makes the list-then-watch informer of one collection path from its LIST function (production:
 * the library's `makeInformer` over a kubeconfig; tests: its `ListWatch` over a fake `Watch`).
 */
export type InformerFactory = (
  path: string,
  list: ListPromise<KubernetesObject>,
) => Informer<KubernetesObject>;

/** Informers that watch through the API server of `kc` (the library's Watch and ListWatch). */
export function kubeInformers(kc: KubeConfig): InformerFactory {
  return (path, list) => new ListWatch(path, new ReportingWatch(kc), list, false);
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

/** The collaborators of KubeSource. */
export interface KubeSourceDeps {
  readonly store: ClusterStore;
  readonly events: SourceEvents;
  /** Times events and the reconnect backoff. */
  readonly clock: Clock;
  /** LISTs, as raw JSON. */
  readonly reader: KubeReader;
  /** WATCHes, from the LIST's resourceVersion. */
  readonly informers: InformerFactory;
}

/** First reconnect delay of a failed informer, doubled per failure up to RETRY_MAX_MS. */
export const RETRY_BASE_MS = 500;
/** Longest reconnect delay. */
export const RETRY_MAX_MS = 30_000;

/** The informers of the four watched kinds. */
export class KubeSource implements ClusterSource {
  private readonly watched: Watched[];
  private stopped = false;
  private readonly timers = new Set<ReturnType<Clock["setTimeout"]>>();
  private readonly store: ClusterStore;
  private readonly events: SourceEvents;
  private readonly clock: Clock;

  /**
   * Lists go through `deps.reader` as raw JSON (never the library's typed models, which rename
   * fields such as `from`), so listed and watched objects reach the store's one decoder identically.
   */
  constructor(deps: KubeSourceDeps) {
    this.store = deps.store;
    this.events = deps.events;
    this.clock = deps.clock;
    this.watched = (Object.keys(WATCH_PATHS) as WatchedKind[]).map((kind) => ({
      kind,
      informer: deps.informers(WATCH_PATHS[kind], () => this.listRaw(deps.reader, kind)),
      synced: false,
      connected: false,
      failures: 0,
    }));
    for (const w of this.watched) this.wire(w);
  }

  /**
   * One kind's LIST as raw JSON. An item without a name cannot be cached by the informer: it is
   * reported and left out, and the rest of the list is used (one bad object never blocks a kind).
   */
  private async listRaw(
    reader: KubeReader,
    kind: WatchedKind,
  ): Promise<KubernetesListObject<KubernetesObject>> {
    const list = await reader.list(WATCH_PATHS[kind]);
    const items: KubernetesObject[] = [];
    list.items.forEach((item, i) => {
      const meta = isObject(item) && isObject(item.metadata) ? item.metadata : undefined;
      if (meta && typeof meta.name === "string" && meta.name !== "") items.push(item as KubernetesObject);
      else {
        const issue = error(
          "malformed-object",
          "metadata.name",
          `item ${i} of the ${kind} list has no name; skipped`,
        );
        this.events.upserted(
          kind,
          { namespace: undefined, name: `#${i}`, uid: undefined },
          locate([issue], { file: `kubernetes:${kind}`, line: 0 }, { kind }),
        );
      }
    });
    return {
      apiVersion: "v1",
      kind: `${kind}List`,
      metadata: { resourceVersion: list.resourceVersion },
      items,
    };
  }

  /** True once every kind has completed a full list. */
  get synced(): boolean {
    return this.watched.every((w) => w.synced);
  }

  /** True while every informer is connected. */
  get connected(): boolean {
    return this.watched.every((w) => w.connected);
  }

  /** Starts every informer; resolves when each has listed once or failed (it then retries). */
  async start(): Promise<void> {
    await Promise.all(this.watched.map((w) => this.startOne(w)));
  }

  /** Stops watching. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) this.clock.clearTimeout(t);
    await Promise.all(this.watched.map((w) => w.informer.stop()));
  }

  private wire(w: Watched): void {
    const upsert = (obj: KubernetesObject) => {
      const issues = this.store.upsert(w.kind, obj);
      this.events.upserted(w.kind, identity(obj), issues);
      this.events.changed(w.kind, this.clock.now());
    };
    w.informer.on(ADD, upsert);
    w.informer.on(UPDATE, upsert);
    w.informer.on(DELETE, (obj) => {
      this.store.remove(w.kind, obj.metadata?.namespace, obj.metadata?.name ?? "", resourceVersionOf(obj));
      this.events.removed(w.kind, identity(obj));
      this.events.changed(w.kind, this.clock.now());
    });
    w.informer.on(ERROR, (err: unknown) => this.fail(w, err));
  }

  /**
   * The one failure path (an ERROR callback, or informer.start() rejecting, e.g. the watch request
   * failing after the LIST): the kind is disconnected and restarted after the backoff.
   */
  private fail(w: Watched, err: unknown): void {
    if (this.stopped) return; // stop() aborts the watch, which the informer reports as an error
    w.connected = false;
    w.failures++;
    const retry = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(w.failures - 1, 6));
    this.events.disconnected(w.kind, describeError(err), retry);
    const t = this.clock.setTimeout(() => {
      this.timers.delete(t);
      void this.startOne(w);
    }, retry);
    this.timers.add(t);
  }

  /**
   * informer.start() resolves when the list and watch succeeded, resolves after an ERROR callback
   * when the LIST failed, and rejects without one when the watch request itself failed; a failure
   * count that did not move and no rejection means success.
   */
  private async startOne(w: Watched): Promise<void> {
    if (this.stopped) return;
    const before = w.failures;
    try {
      await w.informer.start();
    } catch (err) {
      if (w.failures === before) this.fail(w, err);
      return;
    }
    if (this.stopped || w.failures !== before) return;
    w.connected = true;
    w.synced = true;
    w.failures = 0;
    this.events.connected(w.kind);
    this.events.changed(w.kind, this.clock.now());
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === "object" && err !== null) {
    const o = err as { code?: unknown; statusCode?: unknown; message?: unknown };
    for (const v of [o.message, o.statusCode, o.code])
      if (typeof v === "string" || typeof v === "number") return String(v);
    return JSON.stringify(err);
  }
  return String(err);
}
