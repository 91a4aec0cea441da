import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ManualClock, systemClock } from "./clock.js";
import { type DirWatcher, nodeDirWatcher, watchQuietly } from "./conf-watch.js";

/** A watcher the test fires by hand. */
function manualWatcher(): { watcher: DirWatcher; fire: () => void; stopped: () => boolean } {
  let onEvent: (() => void) | undefined;
  let stopped = false;
  return {
    watcher: (_dir, ev) => {
      onEvent = ev;
      return () => {
        stopped = true;
      };
    },
    fire: () => onEvent?.(),
    stopped: () => stopped,
  };
}

/** watchQuietly with a 200 ms quiet time on a manual clock and watcher, counting its calls. */
function quietWatch() {
  const clock = new ManualClock();
  const w = manualWatcher();
  const counted = { calls: 0 };
  const stop = watchQuietly(
    w.watcher,
    "/d",
    clock,
    200,
    () => counted.calls++,
    () => undefined,
  );
  return { clock, w, counted, stop };
}

describe("watchQuietly", () => {
  it("calls once, the quiet time after the last event of a burst", async () => {
    const { clock, w, counted } = quietWatch();
    w.fire();
    await clock.advance(150);
    w.fire();
    await clock.advance(150);
    w.fire();
    await clock.advance(199);
    expect(counted.calls).toBe(0);
    await clock.advance(1);
    expect(counted.calls).toBe(1);
    await clock.advance(1000);
    expect(counted.calls).toBe(1);
  });

  it("stopping closes the watch and drops a pending call", async () => {
    const { clock, w, counted, stop } = quietWatch();
    w.fire();
    stop();
    await clock.advance(1000);
    expect([counted.calls, w.stopped()]).toEqual([0, true]);
  });
});

describe("nodeDirWatcher", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("sees a file replaced by rename, as CNI installers write their conflist", async () => {
    const dir = mkdtempSync(join(tmpdir(), "netguard-confwatch-"));
    dirs.push(dir);
    let done: () => void = () => undefined;
    const seen = new Promise<void>((r) => (done = r));
    const stop = watchQuietly(
      nodeDirWatcher,
      dir,
      systemClock,
      50,
      () => done(),
      (e) => {
        throw e;
      },
    );
    try {
      writeFileSync(join(dir, ".tmp"), "{}");
      renameSync(join(dir, ".tmp"), join(dir, "10-flannel.conflist"));
      await seen;
    } finally {
      stop();
    }
  });

  it("reports a directory that cannot be watched instead of throwing", () => {
    const errors: Error[] = [];
    const stop = nodeDirWatcher(
      join(tmpdir(), "netguard-no-such-dir", "x"),
      () => undefined,
      (e) => errors.push(e),
    );
    stop();
    expect(errors.map((e) => (e as NodeJS.ErrnoException).code)).toEqual(["ENOENT"]);
  });
});
