/**
 * The agent's cluster source over the library's real ListWatch, with the API server's answers
 * played by the test: a fake Watch (events and ends on demand) and a fake LIST reader. `statuses`
 * makes a path answer an HTTP error to both LIST and WATCH, as a resource whose CRD is not
 * installed (404) or that RBAC forbids (403) does.
 */
import { KubeConfig, ListWatch, type Watch } from "@kubernetes/client-node";
import { KubeApiError, type KubeReader, type RawList } from "../../src/api-client/raw-api.js";
import type { ManualClock } from "../../src/agent/clock.js";
import type { RecheckBackoff } from "../../src/agent/crd-kinds.js";
import { KubeSource, type SourceEvents } from "../../src/agent/source.js";
import type { ClusterStore } from "../../src/agent/store.js";

type WatchCallback = (phase: string, obj: unknown) => void;
type WatchDone = (err: unknown) => void;

/** Path → HTTP status every request to it gets (absent: 200). */
export type Statuses = Map<string, number>;

/** The library's Watch, answered by the test: `emit` sends an event, `end` closes the watch. */
export class FakeWatch implements Watch {
  readonly config = new KubeConfig();
  readonly open = new Map<string, { callback: WatchCallback; done: WatchDone; rv: unknown }>();
  readonly started: string[] = [];
  /** How many of the next watch requests reject (as an auth plugin failing after the LIST does). */
  reject = 0;

  constructor(private readonly statuses: Statuses = new Map()) {}

  watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    callback: WatchCallback,
    done: WatchDone,
  ): Promise<AbortController> {
    this.started.push(`${path}@${String(query.resourceVersion)}`);
    if (this.reject > 0) {
      this.reject--;
      return Promise.reject(new Error("exec auth plugin failed"));
    }
    const status = this.statuses.get(path);
    if (status !== undefined) {
      // The library's Watch: a non-200 answer ends the watch through done(error) at once.
      done(Object.assign(new Error(`HTTP ${status}`), { statusCode: status }));
      return Promise.resolve(new AbortController());
    }
    this.open.set(path, { callback, done, rv: query.resourceVersion });
    return Promise.resolve(new AbortController());
  }

  emit(path: string, phase: string, obj: unknown): void {
    this.open.get(path)?.callback(phase, obj);
  }

  end(path: string, err: unknown): void {
    const w = this.open.get(path);
    this.open.delete(path);
    w?.done(err);
  }
}

/** LISTs from per-path item lists; `fail` makes the next LISTs of a path reject. */
export class FakeLists implements KubeReader {
  readonly items = new Map<string, unknown[]>();
  readonly fail = new Map<string, number>();
  readonly calls: string[] = [];

  constructor(private readonly statuses: Statuses = new Map()) {}

  get(): Promise<unknown> {
    return Promise.reject(new Error("not used"));
  }

  list(path: string): Promise<RawList> {
    this.calls.push(path);
    const status = this.statuses.get(path);
    if (status !== undefined)
      return Promise.reject(new KubeApiError(`GET ${path}: HTTP ${status}: not found`, status));
    const failures = this.fail.get(path) ?? 0;
    if (failures > 0) {
      this.fail.set(path, failures - 1);
      return Promise.reject(new Error(`connect ECONNREFUSED (${path})`));
    }
    return Promise.resolve({ items: this.items.get(path) ?? [], resourceVersion: "100" });
  }
}

/** A KubeSource over a FakeWatch and FakeLists sharing `statuses`. */
export function fakeSource(
  store: ClusterStore,
  events: SourceEvents,
  clock: ManualClock,
  recheck?: RecheckBackoff,
) {
  const statuses: Statuses = new Map();
  const watch = new FakeWatch(statuses);
  const lists = new FakeLists(statuses);
  const source = new KubeSource({
    store,
    events,
    clock,
    reader: lists,
    informers: (path, list) => new ListWatch(path, watch, list, false),
    ...(recheck ? { recheck } : {}),
  });
  return { source, watch, lists, statuses };
}

/** Lets the informers' promise chains (LIST, then WATCH) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 40; i++) await Promise.resolve();
}
