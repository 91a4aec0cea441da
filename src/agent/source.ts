/**
 * Watches Pods (all namespaces), Namespaces, Nodes, NetworkPolicies and ClusterNetworkPolicies with
 * @kubernetes/client-node informers (list, then watch from the list's resourceVersion; a `410 Gone`
 * makes the informer re-list). An informer that fails (API unreachable, 5xx) is restarted with
 * exponential backoff; the rules in force stay as they are meanwhile. A CRD kind whose API is absent
 * (crd-kinds.ts) is not a failure: it is reported once and looked for again with a backoff.
 */
import {
  ADD,
  DELETE,
  ERROR,
  type Informer,
  type KubeConfig,
  type KubernetesObject,
  type ListPromise,
  ListWatch,
  UPDATE,
} from "@kubernetes/client-node";
import type { KubeReader } from "../api-client/raw-api.js";
import type { Clock } from "./clock.js";
import {
  absenceOf,
  CRD_KINDS,
  DEFAULT_RECHECK,
  describeError,
  type KindAbsence,
  type RecheckBackoff,
  recheckDelay,
} from "./crd-kinds.js";
import { listForInformer } from "./list-raw.js";
import type { ClusterSource, ObjectIdentity, SourceEvents } from "./source-events.js";
import { ReportingWatch } from "./reporting-watch.js";
import { type ClusterStore, resourceVersionOf, type WatchedKind } from "./store.js";

export type { ClusterSource, ObjectIdentity, SourceEvents } from "./source-events.js";

/** The collection path of each watched kind (all namespaces). */
export const WATCH_PATHS: Readonly<Record<WatchedKind, string>> = {
  Namespace: "/api/v1/namespaces",
  Node: "/api/v1/nodes",
  Pod: "/api/v1/pods",
  NetworkPolicy: "/apis/networking.k8s.io/v1/networkpolicies",
  ClusterNetworkPolicy: "/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies",
};

const identity = (o: KubernetesObject): ObjectIdentity => ({
  namespace: o.metadata?.namespace,
  name: o.metadata?.name ?? "",
  uid: o.metadata?.uid,
});

interface Watched {
  readonly kind: WatchedKind;
  /** Undefined while a CRD kind is absent: its re-check starts a fresh one (an empty cache). */
  informer: Informer<KubernetesObject> | undefined;
  synced: boolean;
  connected: boolean;
  /** Consecutive failures (the reconnect backoff). */
  failures: number;
  /** Errors seen so far: a start during which none came succeeded. */
  errors: number;
  /** CRD kinds: re-checks while absent (their backoff). */
  rechecks: number;
  /** CRD kinds: the availability reported last. */
  reported: "watched" | KindAbsence | undefined;
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
  /** How often an absent CRD kind is looked for (default DEFAULT_RECHECK). */
  readonly recheck?: RecheckBackoff;
}

/** First reconnect delay of a failed informer, doubled per failure up to RETRY_MAX_MS. */
export const RETRY_BASE_MS = 500;
/** Longest reconnect delay. */
export const RETRY_MAX_MS = 30_000;
/** The reconnect backoff, in the shape of (and computed like) an absent CRD kind's re-check. */
const RETRY: RecheckBackoff = { baseMs: RETRY_BASE_MS, maxMs: RETRY_MAX_MS };

/** The informers of the watched kinds. */
export class KubeSource implements ClusterSource {
  private readonly watched: Watched[];
  private stopped = false;
  private readonly timers = new Set<ReturnType<Clock["setTimeout"]>>();
  private readonly store: ClusterStore;
  private readonly events: SourceEvents;
  private readonly clock: Clock;
  private readonly recheck: RecheckBackoff;
  private readonly newInformer: (kind: WatchedKind) => Informer<KubernetesObject>;

  /**
   * Lists go through `deps.reader` as raw JSON (never the library's typed models, which rename
   * fields such as `from`), so listed and watched objects reach the store's one decoder identically.
   */
  constructor(deps: KubeSourceDeps) {
    this.store = deps.store;
    this.events = deps.events;
    this.clock = deps.clock;
    this.recheck = deps.recheck ?? DEFAULT_RECHECK;
    this.newInformer = (kind) =>
      deps.informers(WATCH_PATHS[kind], () =>
        listForInformer(deps.reader, WATCH_PATHS[kind], kind, (object, issues) =>
          this.events.upserted(kind, object, issues),
        ),
      );
    this.watched = (Object.keys(WATCH_PATHS) as WatchedKind[]).map((kind) => ({
      kind,
      informer: undefined,
      synced: false,
      connected: false,
      failures: 0,
      errors: 0,
      rechecks: 0,
      reported: undefined,
    }));
  }

  /** True once every kind has completed a full list (an absent CRD kind: has none to list). */
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
    await Promise.all(this.watched.map((w) => w.informer?.stop() ?? Promise.resolve()));
  }

  /** A new informer of `w`'s kind, reporting to the store and the agent while it is `w`'s. */
  private informerOf(w: Watched): Informer<KubernetesObject> {
    const informer = this.newInformer(w.kind);
    const current = () => w.informer === informer && !this.stopped;
    const upsert = (obj: KubernetesObject) => {
      if (!current()) return;
      const issues = this.store.upsert(w.kind, obj);
      this.events.upserted(w.kind, identity(obj), issues);
      this.events.changed(w.kind, this.clock.now());
    };
    informer.on(ADD, upsert);
    informer.on(UPDATE, upsert);
    informer.on(DELETE, (obj) => {
      if (!current()) return;
      this.store.remove(w.kind, obj.metadata?.namespace, obj.metadata?.name ?? "", resourceVersionOf(obj));
      this.events.removed(w.kind, identity(obj));
      this.events.changed(w.kind, this.clock.now());
    });
    informer.on(ERROR, (err: unknown) => {
      if (current()) this.failed(w, err);
    });
    return informer;
  }

  /** An error of `w`'s informer: a CRD kind's API absent, or a failure to retry. */
  private failed(w: Watched, err: unknown): void {
    w.errors++;
    const absence = CRD_KINDS.has(w.kind) ? absenceOf(err) : undefined;
    if (absence) this.absent(w, absence, err);
    else this.fail(w, err);
  }

  /**
   * A CRD kind's API is absent: not a disconnection (there is nothing to watch), reported once per
   * change. `not-installed` drops what the kind held (deleting a CRD deletes its objects: their
   * enforcement must go too); `forbidden` keeps it (the objects may well still exist). The kind is
   * looked for again with a fresh informer after the re-check backoff.
   */
  private absent(w: Watched, why: KindAbsence, err: unknown): void {
    const informer = w.informer;
    w.informer = undefined;
    void informer?.stop();
    const dropped = why === "not-installed" ? this.store.clear(w.kind) : 0;
    const first = !w.synced;
    w.synced = true;
    w.connected = true;
    w.failures = 0;
    const recheckInMs = recheckDelay(this.recheck, w.rechecks++);
    if (w.reported !== why) {
      w.reported = why;
      const detail = describeError(err);
      this.events.availability(w.kind, { state: "absent", why, detail, dropped, recheckInMs });
    }
    if (first || dropped > 0) this.events.changed(w.kind, this.clock.now());
    this.after(recheckInMs, () => void this.startOne(w));
  }

  /**
   * The one failure path (an ERROR callback, or informer.start() rejecting, e.g. the watch request
   * failing after the LIST): the kind is disconnected and restarted after the backoff.
   */
  private fail(w: Watched, err: unknown): void {
    if (this.stopped) return; // stop() aborts the watch, which the informer reports as an error
    w.connected = false;
    w.failures++;
    const retry = recheckDelay(RETRY, w.failures - 1);
    this.events.disconnected(w.kind, describeError(err), retry);
    this.after(retry, () => void this.startOne(w));
  }

  /** Runs `fn` after `ms` on the clock, unless stopped first. */
  private after(ms: number, fn: () => void): void {
    const t = this.clock.setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /**
   * informer.start() resolves when the list and watch succeeded, resolves after an ERROR callback
   * when the LIST failed, and rejects without one when the watch request itself failed; an error
   * count that did not move and no rejection means success.
   */
  private async startOne(w: Watched): Promise<void> {
    if (this.stopped) return;
    const informer = (w.informer ??= this.informerOf(w));
    const before = w.errors;
    try {
      await informer.start();
    } catch (err) {
      if (w.errors === before && w.informer === informer) this.failed(w, err);
      return;
    }
    if (this.stopped || w.errors !== before || w.informer !== informer) return;
    w.connected = true;
    w.synced = true;
    w.failures = 0;
    this.events.connected(w.kind);
    if (CRD_KINDS.has(w.kind)) this.watching(w);
    this.events.changed(w.kind, this.clock.now());
  }

  /** A CRD kind listed: its API exists (again). */
  private watching(w: Watched): void {
    w.rechecks = 0;
    if (w.reported === "watched") return;
    w.reported = "watched";
    this.events.availability(w.kind, { state: "watched" });
  }
}
