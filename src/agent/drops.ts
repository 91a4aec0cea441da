/**
 * Per-pod dropped-packet counts, read from netguard's named drop counters with one
 * `nft -j list counters table inet netguard` through the nft layer (which parses it: this file never
 * sees JSON), at most once per interval however often metrics are scraped. Counter names are not
 * parsed: long pods' names are shortened with a hash, so the renderer's table of counter owners
 * (`NodeRuleset.counterOwners`) says whose drops each counter holds.
 */
import { compareStrings } from "../base/compare.js";
import type { NftBackend } from "../nft/backend.js";
import type { CounterValue } from "../nft/json.js";
import type { CounterOwner } from "../render/ruleset.js";
import type { Clock } from "./clock.js";

/** One pod direction's drops. */
export interface PodDrops {
  readonly pod: string;
  readonly direction: "ingress" | "egress";
  readonly packets: number;
}

/** The table holding the per-pod drop counters. */
const TABLE = { family: "inet", name: "netguard" } as const;

/** Per-pod drops from the table's named counters; counters with no owner are not pods'. */
export function podDrops(
  counters: ReadonlyMap<string, CounterValue>,
  owners: ReadonlyMap<string, CounterOwner>,
): PodDrops[] {
  const out: PodDrops[] = [];
  for (const [name, value] of counters) {
    const owner = owners.get(name);
    if (owner) out.push({ pod: owner.pod, direction: owner.direction, packets: value.packets });
  }
  return out.sort((a, b) => compareStrings(a.pod, b.pod) || compareStrings(a.direction, b.direction));
}

/** Reads drop counters no more often than `minIntervalMs`. */
export class DropReader {
  private lastAt = Number.NEGATIVE_INFINITY;
  private last: PodDrops[] = [];

  /** `owners` returns the counter owners of the ruleset last applied (empty before the first). */
  constructor(
    private readonly backend: Pick<NftBackend, "listCounters">,
    private readonly clock: Clock,
    private readonly minIntervalMs: number,
    private readonly owners: () => ReadonlyMap<string, CounterOwner>,
  ) {}

  /** The drops of the last read, reading the counters again once `minIntervalMs` has passed. */
  async read(): Promise<PodDrops[]> {
    if (this.clock.now() - this.lastAt < this.minIntervalMs) return this.last;
    this.lastAt = this.clock.now();
    const counters = await this.backend.listCounters(TABLE);
    this.last = counters === undefined ? [] : podDrops(counters, this.owners());
    return this.last;
  }
}
