/**
 * The reconcile loop. API events are coalesced — a sync runs `minIntervalMs` after the last event,
 * but never later than `maxDelayMs` after the first unhandled one — and each sync compiles this
 * node's rules and applies them in one transaction. Nothing is applied until every watched kind
 * has completed its first list. A failed apply keeps the previous rules in force and is retried
 * with exponential backoff.
 */
import type { SyncResult } from "../datapath/datapath.js";
import type { Clock, TimerHandle } from "./clock.js";

/** What one sync needs from the rest of the agent. */
export interface ReconcileDeps {
  readonly clock: Clock;
  /** True once every watched kind has been listed completely. */
  isReady(): boolean;
  /** Computes and applies the desired rules; never throws (failures are results). */
  sync(): Promise<SyncResult>;
  /** Called after each sync with the time since the oldest event it covers (ms). */
  onSynced?(result: SyncResult, info: { durationMs: number; eventLatencyMs: number | undefined }): void;
}

/** Tuning of the loop. */
export interface ReconcileOptions {
  readonly minIntervalMs: number;
  readonly maxDelayMs: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

/** Defaults: 50 ms quiet period, 500 ms maximum delay, retries from 500 ms up to 30 s. */
export const DEFAULT_RECONCILE: ReconcileOptions = {
  minIntervalMs: 50,
  maxDelayMs: 500,
  retryBaseMs: 500,
  retryMaxMs: 30_000,
};

/** Coalesces triggers into syncs. */
export class Reconciler {
  private firstPending: number | undefined;
  private timer: TimerHandle | undefined;
  private timerAt = 0;
  private running: Promise<void> | undefined;
  private rerun = false;
  private failures = 0;
  private stopped = false;
  /** The result of the last sync, if any. */
  last: SyncResult | undefined;

  constructor(
    private readonly deps: ReconcileDeps,
    private readonly opts: ReconcileOptions = DEFAULT_RECONCILE,
  ) {}

  /** Notes that something changed at `at` (default: now) and schedules a sync. */
  trigger(at: number = this.deps.clock.now()): void {
    if (this.stopped) return;
    this.firstPending = this.firstPending === undefined ? at : Math.min(this.firstPending, at);
    if (this.failures > 0) return; // a retry is already scheduled
    const now = this.deps.clock.now();
    const when = Math.min(now + this.opts.minIntervalMs, this.firstPending + this.opts.maxDelayMs);
    this.schedule(Math.max(now, when));
  }

  /** Stops scheduling; a sync in progress finishes. The kernel's rules are left as they are. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(at: number): void {
    if (this.timer && this.timerAt === at) return;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, at - this.deps.clock.now());
  }

  private fire(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    if (!this.deps.isReady()) return; // the source triggers again once every kind is listed
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
      if (this.rerun && !this.stopped) {
        this.rerun = false;
        this.trigger(this.firstPending ?? this.deps.clock.now());
      }
    });
  }

  private async runOnce(): Promise<void> {
    const started = this.deps.clock.now();
    const covered = this.firstPending;
    this.firstPending = undefined;
    const result = await this.deps.sync();
    const done = this.deps.clock.now();
    this.last = result;
    if (result.kind === "failed") {
      this.failures++;
      this.firstPending =
        this.firstPending === undefined ? covered : Math.min(this.firstPending, covered ?? done);
      const delay = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** (this.failures - 1));
      this.schedule(done + delay);
    } else {
      this.failures = 0;
    }
    this.deps.onSynced?.(result, {
      durationMs: done - started,
      eventLatencyMs: result.kind === "failed" || covered === undefined ? undefined : done - covered,
    });
  }
}
