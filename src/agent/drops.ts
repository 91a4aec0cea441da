/**
 * Per-pod dropped-packet counts, read from netguard's named drop counters (`drop/in/<ns>/<pod>`,
 * `drop/out/<ns>/<pod>`) with one `nft -j list counters table inet netguard`, at most once per
 * interval however often metrics are scraped.
 */
import type { Clock } from "./clock.js";
import type { Exec } from "../sys/exec.js";
import { inNetns } from "../sys/exec.js";

/** One pod direction's drops. */
export interface PodDrops {
  readonly pod: string;
  readonly direction: "ingress" | "egress";
  readonly packets: number;
}

/** Parses `nft -j list counters` output into per-pod drops. */
export function parseDropCounters(json: string): PodDrops[] {
  let parsed: { nftables?: Array<{ counter?: { name?: string; packets?: number } }> };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    return [];
  }
  const out: PodDrops[] = [];
  for (const o of parsed.nftables ?? []) {
    const m = o.counter?.name ? /^drop\/(in|out)\/([^/]+)\/(.+)$/.exec(o.counter.name) : null;
    if (!m) continue;
    out.push({
      pod: `${m[2]}/${m[3]}`,
      direction: m[1] === "in" ? "ingress" : "egress",
      packets: o.counter?.packets ?? 0,
    });
  }
  return out;
}

/** Reads drop counters no more often than `minIntervalMs`. */
export class DropReader {
  private lastAt = Number.NEGATIVE_INFINITY;
  private last: PodDrops[] = [];

  constructor(
    private readonly exec: Exec,
    private readonly clock: Clock,
    private readonly minIntervalMs: number,
    private readonly netns?: string,
  ) {}

  async read(): Promise<PodDrops[]> {
    if (this.clock.now() - this.lastAt < this.minIntervalMs) return this.last;
    this.lastAt = this.clock.now();
    const r = await inNetns(this.exec, this.netns)("nft", [
      "-j",
      "list",
      "counters",
      "table",
      "inet",
      "netguard",
    ]);
    this.last = r.code === 0 ? parseDropCounters(r.stdout) : [];
    return this.last;
  }
}
