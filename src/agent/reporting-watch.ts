/**
 * The client library's Watch, with one gap closed. `ListWatch` re-lists and re-watches by itself
 * after a watch ends (a 410, a server-side close), and awaits `watch.watch()` there with no catch:
 * when that request cannot even start (an exec credential plugin failing, a certificate file gone)
 * the rejection is unhandled, no ERROR callback fires, and the kind stays "connected" while nothing
 * watches it — the agent would be ready and blind. Here such a failure is handed to the watch's own
 * `done` callback, which the library turns into its ERROR event, so KubeSource's one failure path
 * (backoff, not ready, a retried watch) takes it.
 */
import { Watch } from "@kubernetes/client-node";

/** The signature of `Watch.watch` (the library types the watched object as `any`). */
type WatchArgs = Parameters<Watch["watch"]>;

/** A Watch whose requests that fail to start end through `done(error)` instead of rejecting. */
export class ReportingWatch extends Watch {
  override async watch(
    path: WatchArgs[0],
    queryParams: WatchArgs[1],
    callback: WatchArgs[2],
    done: WatchArgs[3],
  ): Promise<AbortController> {
    try {
      return await super.watch(path, queryParams, callback, done);
    } catch (e) {
      // After returning: the library stores the returned request before its done handler runs.
      setImmediate(() => done(e));
      return new AbortController();
    }
  }
}
