/**
 * The one engine behind `simulate`, `--group-by` and reachabilityMatrix: the verdict of every
 * ordered pair of entries (pods, workload entries, host-network entries) on every probe port,
 * computed once per class pair (see matrix-classes.ts) on the verdict-only fast path
 * (matrix-sides.ts) and expanded per entry only when asked. The snapshot's ClusterNetworkPolicies
 * take part (matrix-tiers.ts): it agrees with `evaluateTiered()` — `evaluate()` when there are none —
 * cell by cell (property tests check it):
 * - a pod to itself is the same-pod exemption; a workload entry to itself is replica-to-replica
 *   traffic (two different pods of the workload), evaluated normally;
 * - a host-network entry is node traffic: evaluated as its node (own-node exemption included)
 *   when the node is in the input, else not evaluated;
 * - a pair with no IP family in common is not evaluated (never "denied").
 */
import type { Pod } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import type { Family } from "../net/address.js";
import type { ClusterIndex } from "./cluster-index.js";
import { classifyEntries, type EntryClass, FAMILY_COMBO, FAMILY_LISTS } from "./matrix-classes.js";
import { type FamilySlot, hasClass, type SideSets, sideSets, slotOf } from "./matrix-sides.js";
import { matrixTiers } from "./matrix-tiers.js";
import type { ProbePort } from "./probe-ports.js";
import { byKey } from "../base/compare.js";

/** One cell: a verdict (for the packet's family, and per family for dual-stack pairs) or a note. */
export type Cell =
  | {
      readonly kind: "evaluated";
      /** The verdict for `family` (the first family both ends have), or for an unknown family. */
      readonly allowed: boolean;
      /** Absent when neither end has an address (the packet's family does not matter then). */
      readonly family?: Family;
      /** Dual-stack pairs: the verdict for each family (they differ when ipBlocks treat them apart). */
      readonly families?: Readonly<Partial<Record<Family, boolean>>>;
    }
  | { readonly kind: "not-evaluated"; readonly note: string };

/** Which entries are sources and destinations (`simulate --from/--to`); all when absent. */
export interface EngineFilter {
  readonly from?: (pod: Pod) => boolean;
  readonly to?: (pod: Pod) => boolean;
}

/** The matrix, evaluated lazily per class pair. */
export interface MatrixEngine {
  readonly ports: readonly ProbePort[];
  /** Filtered, sorted by ref. */
  readonly sources: readonly Pod[];
  /** Filtered, sorted by ref. */
  readonly destinations: readonly Pod[];
  /** Sorted union of both refs: the table's rows/columns and the json `pods`. */
  readonly entries: readonly string[];
  readonly classCount: number;
  /** Entries of one class get the same cell against every other entry (and each other). */
  classOf(entry: Pod): number;
  /** from === to is the self cell (same-pod exemption for a pod; replica-to-replica for a workload). */
  cell(from: Pod, to: Pod, portIndex: number): Cell;
  /**
   * `from` against every destination (in `destinations` order) on one port. Cells are shared
   * (interned) objects: equal cells are the same object.
   */
  row(from: Pod, portIndex: number): readonly Cell[];
  /**
   * The cell of an entry of class `from` to a different entry of class `to` (ids from classOf),
   * without looking entries up: what `--group-by` reads once per class pair.
   */
  classCell(from: number, to: number, portIndex: number): Cell;
}

/** The note of a pair whose ends have no IP family in common. */
export const NO_COMMON_FAMILY = "no IP family in common";

/** The note of a host-network entry whose node is not in the input. */
export function hostNetworkNote(entry: Pod): string {
  return entry.nodeName
    ? `host network: its traffic is node traffic, and its node ${entry.nodeName} is not in the input`
    : "host network: its traffic is node traffic, from whichever node runs it (not known here)";
}

const byRef = byKey((e: { ref: string }) => e.ref);

/** The pods and host-network entries of the index, sorted by ref. */
function candidates(index: ClusterIndex): Pod[] {
  const hostNetwork = index.snapshot.pods.filter((p) => p.nonTarget === "host-network");
  return [...index.targets, ...hostNetwork]
    .map((pod) => ({ pod, ref: refOf(pod) }))
    .sort(byRef)
    .map((x) => x.pod);
}

/** Interned cells: evaluated ones by (family list, allowed bits), notes by text. */
interface CellTable {
  evaluated(list: number, bits: number): Cell;
  note(text: string): Cell;
}

function cellTable(): CellTable {
  const evaluated = new Array<Cell | undefined>(FAMILY_LISTS.length * 4).fill(undefined);
  const notes = new Map<string, Cell>();
  return {
    evaluated(list: number, bits: number): Cell {
      const code = list * 4 + bits;
      let c = evaluated[code];
      if (!c) {
        const fams = FAMILY_LISTS[list] ?? [];
        const first = fams[0];
        c = {
          kind: "evaluated",
          allowed: (bits & 1) === 1,
          ...(first ? { family: first } : {}),
          ...(fams.length > 1
            ? { families: Object.fromEntries(fams.map((f, i) => [f, ((bits >> i) & 1) === 1])) }
            : {}),
        };
        evaluated[code] = c;
      }
      return c;
    },
    note(text: string): Cell {
      let c = notes.get(text);
      if (!c) notes.set(text, (c = { kind: "not-evaluated", note: text }));
      return c;
    },
  };
}

/** The entries `filter` chooses, each list sorted by ref: sources, destinations and their union. */
function chooseEntries(index: ClusterIndex, filter: EngineFilter) {
  const pool = candidates(index);
  const sources = filter.from ? pool.filter(filter.from) : pool;
  const destinations = filter.to ? pool.filter(filter.to) : pool;
  const chosen = new Set([...sources, ...destinations]);
  const union = filter.from || filter.to ? pool.filter((p) => chosen.has(p)) : pool;
  return { sources, destinations, union };
}

/** The cell of an entry of class `a` to a different entry of class `b` on port `pi`. */
type PairCell = (a: EntryClass, b: EntryClass, pi: number) => Cell;

function pairCells(sets: SideSets, cells: CellTable): PairCell {
  const allows = (a: EntryClass, b: EntryClass, pi: number, slot: FamilySlot) =>
    hasClass(sets.egress(a, pi, slot), b.id) && hasClass(sets.ingress(b, pi, slot), a.id);
  return (a, b, pi) => {
    if (a.kind === "host-unknown") return cells.note(hostNetworkNote(a.rep));
    if (b.kind === "host-unknown") return cells.note(hostNetworkNote(b.rep));
    const list = FAMILY_COMBO[a.famSig]?.[b.famSig] ?? -1;
    if (list < 0) return cells.note(NO_COMMON_FAMILY);
    const slots = FAMILY_SLOTS[list] as readonly FamilySlot[];
    if (ownNode(a, b)) return cells.evaluated(list, allBits(slots.length));
    if (slots.length === 0) return cells.evaluated(list, allows(a, b, pi, 2) ? 1 : 0);
    // A plain loop: this runs once per class pair and port (24 M times at 10,000 pods).
    let bits = 0;
    for (let i = 0; i < slots.length; i++) if (allows(a, b, pi, slots[i] as FamilySlot)) bits |= 1 << i;
    return cells.evaluated(list, bits);
  };
}

/** Builds the engine; classification is eager (O(entries × ipBlocks)), verdicts lazy. */
export function matrixEngine(
  index: ClusterIndex,
  ports: readonly ProbePort[],
  filter: EngineFilter = {},
): MatrixEngine {
  const { sources, destinations, union } = chooseEntries(index, filter);
  const { classes, classOf: classMap } = classifyEntries(index, union);
  const cells = cellTable();
  const pairCell = pairCells(sideSets(index, classes, ports, matrixTiers(index.snapshot)), cells);
  const classOf = (entry: Pod): number => {
    const id = classMap.get(entry);
    if (id === undefined) throw new Error(`matrix engine: ${refOf(entry)} is not an entry`);
    return id;
  };
  const cell = (from: Pod, to: Pod, pi: number): Cell => {
    const a = classes[classOf(from)] as EntryClass;
    if (from === to && a.kind === "pod")
      return cells.evaluated(a.famSig, allBits(FAMILY_LISTS[a.famSig]?.length ?? 0));
    return pairCell(a, classes[classOf(to)] as EntryClass, pi);
  };
  const destClass = destinations.map(classOf);
  const row = (from: Pod, pi: number): Cell[] => {
    const a = classes[classOf(from)] as EntryClass;
    const perClass: (Cell | undefined)[] = new Array<Cell | undefined>(classes.length);
    return destinations.map((to, j) => {
      if (to === from) return cell(from, to, pi);
      const b = destClass[j] as number;
      return (perClass[b] ??= pairCell(a, classes[b] as EntryClass, pi));
    });
  };
  return {
    ports,
    sources,
    destinations,
    entries: union.map(refOf),
    classCount: classes.length,
    classOf,
    cell,
    row,
    classCell: (a, b, pi) => pairCell(classes[a] as EntryClass, classes[b] as EntryClass, pi),
  };
}

/** Traffic between a pod and the node it runs on (a host-network entry there) is always allowed. */
function ownNode(a: EntryClass, b: EntryClass): boolean {
  return (
    (a.kind === "host" && b.kind === "pod" && b.node === a.node) ||
    (b.kind === "host" && a.kind === "pod" && a.node === b.node)
  );
}

/** The family slots of each FAMILY_LISTS entry. */
const FAMILY_SLOTS: readonly (readonly FamilySlot[])[] = FAMILY_LISTS.map((l) => l.map(slotOf));

/** Every family allowed (one bit for an unknown family). */
const allBits = (n: number) => (n === 0 ? 1 : (1 << n) - 1);
