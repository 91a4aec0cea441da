import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "../../test/support/apiserver/client.js";
import { ManualClock } from "./clock.js";
import { ConfDirWatch, type DirWatcher, nodeDirIdentity, nodeDirWatcher } from "./conf-watch.js";

/** A watcher the test fires by hand, and a directory identity it sets. */
async function manual() {
  const state = {
    onEvent: undefined as ((n: string | null) => void) | undefined,
    armed: 0,
    closed: 0,
    id: "d1",
  };
  const watcher: DirWatcher = (_dir, ev) => {
    state.onEvent = ev;
    state.armed++;
    return () => {
      state.closed++;
    };
  };
  const clock = new ManualClock();
  let calls = 0;
  const watch = new ConfDirWatch("/d", () => calls++, {
    watcher,
    identity: () => Promise.resolve(state.id || undefined),
    clock,
    quietMs: 200,
    maxWaitMs: 2000,
    onError: () => undefined,
  });
  await watch.ensure();
  return {
    state,
    clock,
    watch,
    fire: (n: string | null = "10-flannel.conflist") => state.onEvent?.(n),
    calls: () => calls,
  };
}

describe("ConfDirWatch", () => {
  it("calls once, the quiet time after the last event of a burst", async () => {
    const m = await manual();
    m.fire();
    await m.clock.advance(150);
    m.fire();
    await m.clock.advance(150);
    m.fire();
    await m.clock.advance(199);
    expect(m.calls()).toBe(0);
    await m.clock.advance(1);
    expect(m.calls()).toBe(1);
    await m.clock.advance(1000);
    expect(m.calls()).toBe(1);
  });

  it("a directory that never goes quiet is still checked within the maximum wait", async () => {
    const m = await manual();
    for (let t = 0; t < 2500; t += 100) {
      m.fire();
      await m.clock.advance(100);
    }
    expect(m.calls()).toBeGreaterThanOrEqual(1);
  });

  it("ignores netguard's own temporary file (a failing write must not loop)", async () => {
    const m = await manual();
    m.fire(".10-flannel.conflist.netguard-tmp");
    await m.clock.advance(1000);
    expect(m.calls()).toBe(0);
  });

  it("re-arms when the directory was replaced or appears, and not otherwise", async () => {
    const m = await manual();
    await m.watch.ensure();
    expect([m.state.armed, m.state.closed]).toEqual([1, 0]);
    m.state.id = "d2"; // replaced
    await m.watch.ensure();
    expect([m.state.armed, m.state.closed]).toEqual([2, 1]);
    m.state.id = ""; // gone
    await m.watch.ensure();
    expect([m.state.armed, m.state.closed]).toEqual([2, 2]);
    m.state.id = "d3"; // back
    await m.watch.ensure();
    expect(m.state.armed).toBe(3);
  });

  it("stopping closes the watch and drops a pending call", async () => {
    const m = await manual();
    m.fire();
    m.watch.stop();
    await m.clock.advance(1000);
    await m.watch.ensure();
    expect([m.calls(), m.state.closed, m.state.armed]).toEqual([0, 1, 1]);
  });

  it("a stop during a pending identity check arms no watch", async () => {
    let armed = 0;
    let answer = (_id: string | undefined): void => undefined;
    const watch = new ConfDirWatch("/d", () => undefined, {
      watcher: () => (armed++, () => undefined),
      identity: () => new Promise<string | undefined>((r) => (answer = r)),
      clock: new ManualClock(),
      quietMs: 200,
      maxWaitMs: 2000,
      onError: () => undefined,
    });
    const ensured = watch.ensure();
    watch.stop();
    answer("d1");
    await ensured;
    expect(armed).toBe(0);
  });
});

describe("ConfDirWatch on the real file system", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** Real inotify; the quiet period on a ManualClock, advanced once an event has armed it. */
  function realWatch(dir: string) {
    let seen = 0;
    const clock = new ManualClock();
    const watch = new ConfDirWatch(dir, () => seen++, {
      watcher: nodeDirWatcher,
      identity: nodeDirIdentity,
      clock,
      quietMs: 50,
      maxWaitMs: 1000,
      onError: (e) => {
        throw e;
      },
    });
    const quietAfterEvent = async (what: string) => {
      await waitFor(what, () => clock.pending > 0);
      await clock.advance(50);
    };
    return { watch, seen: () => seen, quietAfterEvent };
  }

  it("sees a conflist replaced by rename, and follows the directory when it is replaced", async () => {
    const parent = mkdtempSync(join(tmpdir(), "netguard-confwatch-"));
    dirs.push(parent);
    const dir = join(parent, "net.d");
    mkdirSync(dir);
    const w = realWatch(dir);
    await w.watch.ensure();
    try {
      writeFileSync(join(dir, ".tmp"), "{}");
      renameSync(join(dir, ".tmp"), join(dir, "10-flannel.conflist"));
      await w.quietAfterEvent("the rename seen");
      expect(w.seen()).toBe(1);

      rmSync(dir, { recursive: true });
      mkdirSync(dir);
      await w.watch.ensure(); // what the agent's drift check does
      const before = w.seen();
      writeFileSync(join(dir, "10-flannel.conflist"), "{}");
      await w.quietAfterEvent("a write into the new directory seen");
      expect(w.seen()).toBe(before + 1);
    } finally {
      w.watch.stop();
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
