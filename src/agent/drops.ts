/**
 * Per-pod dropped-packet counts, read from netguard's named drop counters with one
 * `nft -j list counters table inet netguard` through the nft layer, at most once per interval
 * however often metrics are scraped. Counter names are not parsed: long pods' names are shortened
 * with a hash, so the renderer's table of counter owners (`NodeRuleset.counterOwners`) says whose
 * drops each counter holds.
 */
import type { Clock } from "./clock.js";
import type { NftBackend } from "../nft/backend.js";
import { parseNftJson } from "../nft/json.js";
import type { CounterOwner } from "../render/ruleset.js";

/** One pod direction's drops. */
export interface PodDrops {
  readonly pod: string;
  readonly direction: "ingress" | "egress";
  readonly packets: number;
}

/** The table holding the per-pod drop counters. */
const TABLE = { family: "inet", name: "netguard" } as const;

/** Per-pod drops from `nft -j list counters` output; counters with no owner are not pods'. */
export function podDrops(json: string, owners: ReadonlyMap<string, CounterOwner>): PodDrops[] {
  const out: PodDrops[] = [];
  for (const o of parseNftJson(json) ?? []) {
    if (o.kind !== "counter" || o.family !== TABLE.family || o.table !== TABLE.name) continue;
    const owner = owners.get(o.name);
    if (owner) out.push({ pod: owner.pod, direction: owner.direction, packets: o.packets });
  }
  return out.sort((a, b) => (a.pod < b.pod ? -1 : a.pod > b.pod ? 1 : a.direction < b.direction ? -1 : 1));
}

/** Reads drop counters no more often than `minIntervalMs`. */
export class DropReader {
  private lastAt = Number.NEGATIVE_INFINITY;
  private last: PodDrops[] = [];

  /** `owners` returns the counter owners of the ruleset last applied (empty before the first). */
  constructor(
    private readonly backend: NftBackend,
    private readonly clock: Clock,
    private readonly minIntervalMs: number,
    private readonly owners: () => ReadonlyMap<string, CounterOwner>,
  ) {}

  async read(): Promise<PodDrops[]> {
    if (this.clock.now() - this.lastAt < this.minIntervalMs) return this.last;
    this.lastAt = this.clock.now();
    const json = await this.backend.listCounters(TABLE);
    this.last = json === undefined ? [] : podDrops(json, this.owners());
    return this.last;
  }
}
