import { describe, expect, it } from "vitest";
import type { SyncResult } from "../datapath/datapath.js";
import { ManualClock } from "./clock.js";
import { Reconciler } from "./reconciler.js";

const OPTS = { minIntervalMs: 50, maxDelayMs: 500, retryBaseMs: 1000, retryMaxMs: 8000 };

function setup(results: Array<SyncResult["kind"]> = []) {
  const clock = new ManualClock();
  const syncs: number[] = [];
  const latencies: Array<number | undefined> = [];
  let ready = true;
  const r = new Reconciler(
    {
      clock,
      isReady: () => ready,
      sync(): Promise<SyncResult> {
        syncs.push(clock.now());
        const kind = results.shift() ?? "incremental";
        return Promise.resolve(
          kind === "failed"
            ? { kind, error: "boom", attempted: "incremental" }
            : kind === "unchanged"
              ? { kind }
              : { kind, commands: 1, scriptBytes: 10 },
        );
      },
      onSynced: (_r, info) => latencies.push(info.eventLatencyMs),
    },
    OPTS,
  );
  return { clock, r, syncs, latencies, setReady: (v: boolean) => (ready = v) };
}

describe("Reconciler", () => {
  it("coalesces a burst of events into one sync after the quiet interval", async () => {
    const { clock, r, syncs, latencies } = setup();
    r.trigger();
    await clock.advance(20);
    r.trigger();
    await clock.advance(20);
    r.trigger();
    await clock.advance(200);
    expect(syncs).toEqual([90]);
    expect(latencies).toEqual([90]);
  });

  it("never delays a sync more than the maximum delay after the first event", async () => {
    const { clock, r, syncs } = setup();
    for (let t = 0; t < 1000; t += 40) {
      r.trigger();
      await clock.advance(40);
    }
    await clock.advance(100);
    expect(syncs[0]).toBe(500);
    expect(syncs.length).toBeGreaterThanOrEqual(2);
  });

  it("applies nothing before every kind is listed, then syncs once ready", async () => {
    const { clock, r, syncs, setReady } = setup();
    setReady(false);
    r.trigger();
    await clock.advance(1000);
    expect(syncs).toEqual([]);
    setReady(true);
    r.trigger();
    await clock.advance(100);
    expect(syncs).toEqual([1000]); // the first event is older than the maximum delay: sync at once
  });

  it("retries a failed apply with exponential backoff and keeps the events' latency", async () => {
    const { clock, r, syncs, latencies } = setup(["failed", "failed", "full"]);
    r.trigger();
    await clock.advance(10_000);
    expect(syncs).toEqual([50, 1050, 3050]);
    expect(latencies).toEqual([undefined, undefined, 3050]);
    expect(r.last?.kind).toBe("full");
  });

  it("events during a backoff are covered by the retry, not by an earlier sync", async () => {
    const { clock, r, syncs } = setup(["failed", "incremental"]);
    r.trigger();
    await clock.advance(100);
    r.trigger();
    await clock.advance(100);
    expect(syncs).toEqual([50]);
    await clock.advance(2000);
    expect(syncs).toEqual([50, 1050]);
  });

  it("stops scheduling after stop()", async () => {
    const { clock, r, syncs } = setup();
    r.trigger();
    await r.stop();
    r.trigger();
    await clock.advance(1000);
    expect(syncs).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
