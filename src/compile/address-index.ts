/**
 * Every target pod address of a snapshot in address order, once, so that a peer selecting a large
 * part of the cluster (a ClusterNetworkPolicy's `namespaces: {}` or "every tenant but mine") becomes
 * canonical intervals in one linear pass — no sort and no bigint arithmetic per peer.
 */
import type { LabelSelector, Pod } from "../k8s/model.js";
import type { Interval } from "../net/interval.js";
import { isEmptySelector, selectorMatches } from "../policy/selector.js";
import type { FamilyIntervals } from "./peer-addresses.js";

interface FamilyList {
  readonly addrs: readonly bigint[];
  readonly pods: readonly Pod[];
  /** 1 when the address equals or directly follows the previous entry's. */
  readonly joins: Uint8Array;
  /** The entry's namespace, as an index into `AddressIndex.namespaces`. */
  readonly ns: Int32Array;
}

/** Target addresses sorted per family, with their pods and namespaces. */
export class AddressIndex {
  private readonly nsIds = new Map<string, number>();
  private readonly v4: FamilyList;
  private readonly v6: FamilyList;

  constructor(targets: readonly Pod[]) {
    const v4: Array<[bigint, Pod]> = [];
    const v6: Array<[bigint, Pod]> = [];
    for (const pod of targets) {
      if (!this.nsIds.has(pod.namespace)) this.nsIds.set(pod.namespace, this.nsIds.size);
      for (const a of pod.ips) (a.family === "IPv4" ? v4 : v6).push([a.value, pod]);
    }
    this.v4 = this.list(v4);
    this.v6 = this.list(v6);
  }

  private list(entries: Array<[bigint, Pod]>): FamilyList {
    entries.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    const joins = new Uint8Array(entries.length);
    const ns = new Int32Array(entries.length);
    entries.forEach(([addr, pod], i) => {
      const prev = entries[i - 1];
      joins[i] = prev !== undefined && addr - prev[0] <= 1n ? 1 : 0;
      ns[i] = this.nsIds.get(pod.namespace) ?? -1;
    });
    return { addrs: entries.map((e) => e[0]), pods: entries.map((e) => e[1]), joins, ns };
  }

  /** The addresses of the target pods in `namespaces` whose labels `pods` matches, canonical. */
  select(namespaces: readonly string[], pods: LabelSelector): FamilyIntervals {
    const mask = new Uint8Array(this.nsIds.size);
    for (const n of namespaces) {
      const id = this.nsIds.get(n);
      if (id !== undefined) mask[id] = 1;
    }
    const every = isEmptySelector(pods);
    const pick = (f: FamilyList): Interval[] => {
      const out: Interval[] = [];
      let start = -1;
      let last = -1;
      for (let i = 0; i < f.addrs.length; i++) {
        if (mask[f.ns[i] as number] !== 1) continue;
        if (!every && !selectorMatches(pods, (f.pods[i] as Pod).labels)) continue;
        const joins =
          last === i - 1
            ? f.joins[i] === 1
            : last >= 0 && (f.addrs[i] as bigint) - (f.addrs[last] as bigint) <= 1n;
        if (joins) {
          last = i;
          continue;
        }
        if (start >= 0) out.push({ lo: f.addrs[start] as bigint, hi: f.addrs[last] as bigint });
        start = i;
        last = i;
      }
      if (start >= 0) out.push({ lo: f.addrs[start] as bigint, hi: f.addrs[last] as bigint });
      return out;
    };
    return { v4: pick(this.v4), v6: pick(this.v6) };
  }
}
