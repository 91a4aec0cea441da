import { describe, expect, it } from "vitest";
import { ManualClock } from "./clock.js";
import { monitorEvent, type SpawnMonitor, TableWatch } from "./table-watch.js";

describe("monitorEvent", () => {
  it("reports deletions of netguard's tables and chains, nothing else", () => {
    expect(monitorEvent("delete table inet netguard")).toEqual({
      kind: "table-deleted",
      table: { family: "inet", name: "netguard" },
    });
    expect(monitorEvent("delete chain bridge netguard pod-x")).toEqual({
      kind: "chain-deleted",
      table: { family: "bridge", name: "netguard" },
      chain: "pod-x",
    });
    expect(monitorEvent("delete table ip other")).toBeUndefined();
    expect(monitorEvent("add table inet netguard")).toBeUndefined();
    expect(monitorEvent("delete rule inet netguard c1 handle 2")).toBeUndefined();
    expect(monitorEvent("# new generation 9 by process 13143 (nft)")).toBeUndefined();
  });
});

/** A fake monitor: `emit` writes a line, `end` makes it exit; `alive` counts unkilled processes. */
function fakeMonitor() {
  const procs: Array<{ line: (l: string) => void; exit: (w: string) => void; killed: boolean }> = [];
  const spawn: SpawnMonitor = (line, exit) => {
    const p = { line, exit, killed: false };
    procs.push(p);
    return { kill: () => void (p.killed = true) };
  };
  const current = () => procs.at(-1);
  return {
    spawn,
    procs,
    emit: (l: string) => current()?.line(l),
    end: (why: string) => current()?.exit(why),
    alive: () => procs.filter((p) => !p.killed).length,
  };
}

function setup(pollMs: number) {
  const clock = new ManualClock();
  const mon = fakeMonitor();
  const checks: string[] = [];
  const ended: number[] = [];
  let drift = 0;
  const w = new TableWatch({
    clock,
    spawn: mon.spawn,
    pollMs,
    check: (t) => (checks.push(t), Promise.resolve()),
    chainsDeleted: () => void drift++,
    monitorEnded: (_why, retry) => void ended.push(retry),
  });
  return { clock, mon, checks, ended, w, drift: () => drift };
}

describe("TableWatch", () => {
  it("checks at once when the monitor reports our table deleted, not for other tables", () => {
    const { mon, checks, w } = setup(0);
    w.start();
    mon.emit("delete table ip other");
    expect(checks).toEqual([]);
    mon.emit("delete table inet netguard");
    expect(checks).toEqual(["monitor"]);
    w.stop();
  });

  it("coalesces chain deletions into one drift check after a quiet second", async () => {
    const { clock, mon, drift, w } = setup(0);
    w.start();
    for (let i = 0; i < 5; i++) mon.emit(`delete chain inet netguard pod-${i}`);
    await clock.advance(999);
    expect(drift()).toBe(0);
    await clock.advance(1);
    expect(drift()).toBe(1);
    w.stop();
  });

  it("checks periodically as a backstop", async () => {
    const { clock, checks, w } = setup(1000);
    w.start();
    await clock.advance(3000);
    expect(checks).toEqual(["poll", "poll", "poll"]);
    w.stop();
    await clock.advance(5000);
    expect(checks.length).toBe(3);
  });

  it("restarts a monitor that died, with backoff, and checks once after restarting", async () => {
    const { clock, mon, checks, ended, w } = setup(0);
    w.start();
    mon.end("exited 1");
    mon.end("exited 1"); // a second exit report of the same process is ignored
    expect(ended).toEqual([1000]);
    await clock.advance(1000);
    expect(mon.procs.length).toBe(2);
    expect(checks).toEqual(["monitor"]);
    mon.end("exited 1");
    expect(ended).toEqual([1000, 2000]);
    w.stop();
  });

  it("kills the monitor on stop and starts none afterwards", async () => {
    const { clock, mon, w } = setup(1000);
    w.start();
    expect(mon.alive()).toBe(1);
    w.stop();
    expect(mon.alive()).toBe(0);
    mon.end("killed");
    await clock.advance(60_000);
    expect(mon.procs.length).toBe(1);
    expect(clock.pending).toBe(0);
  });
});
