/**
 * Watching the node's CNI configuration directory, so that netguard is chained again as soon as
 * Flannel rewrites its conflist (its install step does so whenever a Flannel pod starts) instead of
 * at the next drift check. The watch is a shortcut, not the guarantee: the drift timer still
 * checks, and until then pods created without netguard are unprogrammed addresses, which the
 * datapath drops.
 */
import { watch } from "node:fs";
import type { Clock, TimerHandle } from "./clock.js";

/** Calls `onEvent` on any change in `dir`; returns a function that stops watching. */
export type DirWatcher = (dir: string, onEvent: () => void, onError: (e: Error) => void) => () => void;

/** `node:fs` watch (inotify on Linux); a directory that cannot be watched is reported, not fatal. */
export const nodeDirWatcher: DirWatcher = (dir, onEvent, onError) => {
  try {
    const w = watch(dir, { persistent: false }, () => onEvent());
    w.on("error", onError);
    return () => w.close();
  } catch (e) {
    onError(e as Error);
    return () => undefined;
  }
};

/**
 * Calls `then` once, `quietMs` after the last event of a burst (a conflist rewrite is a create, a
 * write and a rename). Returns a function that stops watching and drops a pending call.
 */
export function watchQuietly(
  watcher: DirWatcher,
  dir: string,
  clock: Clock,
  quietMs: number,
  then: () => void,
  onError: (e: Error) => void,
): () => void {
  let timer: TimerHandle | undefined;
  const stop = watcher(
    dir,
    () => {
      if (timer) clock.clearTimeout(timer);
      timer = clock.setTimeout(() => {
        timer = undefined;
        then();
      }, quietMs);
    },
    onError,
  );
  return () => {
    stop();
    if (timer) clock.clearTimeout(timer);
  };
}
