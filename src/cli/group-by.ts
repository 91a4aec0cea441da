/**
 * `simulate --group-by workload` (issue 12, "Real dumps"): the pods of one owner merge into one row
 * and column. A cell of row group G, column group H and a port is one verdict when every member pair
 * agrees — for G = H the pairs of two different members (replica to replica; a workload entry's self
 * cell is that already, and a group of one plain pod keeps its self cell) — and `mixed` otherwise,
 * with the member sub-groups that disagree (e.g. the two template revisions of a rollout).
 *
 * Work is per class, never per member pair: the engine gives every member of a class the same cell
 * against every other entry, so a cell looks at the distinct classes of G times those of H.
 */
import { byKey, byName } from "../base/compare.js";
import type { Pod } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import type { Cell, MatrixEngine } from "../policy/matrix-engine.js";
import type { ProbePort } from "../policy/probe-ports.js";
import {
  type ClassMembers,
  type SplitPart,
  type SplitSide,
  splitOf,
  splitSide,
  verdictKey,
} from "./group-split.js";

export type { SplitPart, SubGroup } from "./group-split.js";

/** A row/column of the grouped matrix: the group's name and its entries (sorted refs). */
export interface WorkloadGroup {
  readonly name: string;
  readonly members: readonly string[];
  /** True when G × G is the one member's own self cell (a group of one pod without an owner). */
  readonly selfCell: boolean;
}

/** A grouped cell: an engine cell that every member pair shares, or the pairs disagree. */
export type GroupCell = Cell | { readonly kind: "mixed"; readonly split: readonly SplitPart[] };

/** The grouped matrix; cells are computed when asked (nothing is materialised). */
export interface GroupedMatrix {
  readonly ports: readonly ProbePort[];
  /** Every entry of the engine (sorted), as in the ungrouped output's `pods`. */
  readonly entries: readonly string[];
  /** Sorted by name: the table's rows and columns. */
  readonly groups: readonly WorkloadGroup[];
  /** Group indexes with a member among the sources / destinations (JSON results, graph edges). */
  readonly rows: readonly number[];
  readonly columns: readonly number[];
  /** The cell of group `from` to group `to` (indexes into `groups`) on `ports[portIndex]`. */
  cell(from: number, to: number, portIndex: number): GroupCell;
}

interface GroupData {
  readonly name: string;
  readonly members: Pod[];
  /** Members among the sources, by class (first member order). */
  readonly rows: ClassMembers[];
  /** Members among the destinations, by class. */
  readonly cols: ClassMembers[];
  /** The sub-groups of each role, named when a split first needs them. */
  rowSide?: SplitSide;
  colSide?: SplitSide;
}

/**
 * Groups the engine's entries by `groupOf` (e.g. `ownerGroupOf`: `Pod.owner`, else the entry).
 * Building is O(entries); each cell costs (classes of G) × (classes of H) engine cells.
 */
export function groupMatrix(engine: MatrixEngine, groupOf: (pod: Pod) => string): GroupedMatrix {
  const groupsByName = new Map<string, GroupData>();
  const data = (pod: Pod): GroupData => {
    const name = groupOf(pod);
    let g = groupsByName.get(name);
    if (!g) groupsByName.set(name, (g = { name, members: [], rows: [], cols: [] }));
    return g;
  };
  const seen = new Set<Pod>();
  const byClass = new Map<ClassMembers[], Map<number, ClassMembers>>();
  const add = (pod: Pod, side: ClassMembers[], g: GroupData) => {
    if (!seen.has(pod)) {
      seen.add(pod);
      g.members.push(pod);
    }
    const cls = engine.classOf(pod);
    let index = byClass.get(side);
    if (!index) byClass.set(side, (index = new Map<number, ClassMembers>()));
    const c = index.get(cls);
    if (c) c.members.push(pod);
    else {
      const fresh = { cls, members: [pod] };
      index.set(cls, fresh);
      side.push(fresh);
    }
  };
  for (const pod of engine.sources) {
    const g = data(pod);
    add(pod, g.rows, g);
  }
  for (const pod of engine.destinations) {
    const g = data(pod);
    add(pod, g.cols, g);
  }
  const all = [...groupsByName.values()].sort(byName);
  for (const g of all) g.members.sort(byKey(refOf));
  const groups = all.map((g) => ({
    name: g.name,
    members: g.members.map(refOf),
    selfCell: isSelfCellGroup(g),
  }));
  return {
    ports: engine.ports,
    entries: engine.entries,
    groups,
    rows: all.flatMap((g, i) => (g.rows.length > 0 ? [i] : [])),
    columns: all.flatMap((g, i) => (g.cols.length > 0 ? [i] : [])),
    cell: (from, to, k) => groupCell(engine, all[from] as GroupData, all[to] as GroupData, k),
  };
}

/** A group of one pod that no workload owns: its diagonal is the pod's own self cell. */
function isSelfCellGroup(g: GroupData): boolean {
  const only = g.members.length === 1 ? g.members[0] : undefined;
  return only !== undefined && only.owner === undefined && only.workload === undefined;
}

/** The note of a group's diagonal when the input holds one pod of it (no pair to evaluate). */
export const ONE_POD = "one pod of the workload in the input: no pair of two different pods";

/**
 * The cell that all pairs of class `r` (of G's sources) and class `c` (of H's destinations) share,
 * undefined when there is no such pair (G = H, one member, not its own self cell).
 */
function classPairCell(
  engine: MatrixEngine,
  G: GroupData,
  H: GroupData,
  r: ClassMembers,
  c: ClassMembers,
  k: number,
): Cell | undefined {
  if (G !== H || r.cls !== c.cls) return engine.classCell(r.cls, c.cls, k);
  // Same group, same class: two different members, else the one member's self cell when that is
  // replica-to-replica (a workload entry) or the group is that one plain pod.
  const only = r.members[0] as Pod;
  if (r.members.length > 1 || c.members.length > 1 || c.members[0] !== only)
    return engine.classCell(r.cls, c.cls, k);
  return only.workload !== undefined || isSelfCellGroup(G) ? engine.cell(only, only, k) : undefined;
}

function groupCell(engine: MatrixEngine, G: GroupData, H: GroupData, k: number): GroupCell {
  if (G.rows.length === 0) return { kind: "not-evaluated", note: "filtered out by --from" };
  if (H.cols.length === 0) return { kind: "not-evaluated", note: "filtered out by --to" };
  let first: Cell | undefined;
  let key: string | undefined;
  for (const r of G.rows) {
    for (const c of H.cols) {
      const cell = classPairCell(engine, G, H, r, c, k);
      if (cell === undefined || cell === first) continue;
      if (first === undefined) first = cell;
      else if (verdictKey(cell) !== (key ??= verdictKey(first))) return mixed(() => split(engine, G, H, k));
    }
  }
  return first ?? { kind: "not-evaluated", note: ONE_POD };
}

/** A mixed cell whose split is worked out when first read (a table shows only the first few). */
function mixed(compute: () => SplitPart[]): GroupCell {
  let parts: SplitPart[] | undefined;
  return {
    kind: "mixed",
    get split() {
      return (parts ??= compute());
    },
  };
}

function split(engine: MatrixEngine, G: GroupData, H: GroupData, k: number): SplitPart[] {
  const cells: Array<{ r: number; c: number; cell: Cell }> = [];
  G.rows.forEach((r, ri) =>
    H.cols.forEach((c, ci) => {
      const cell = classPairCell(engine, G, H, r, c, k);
      if (cell) cells.push({ r: ri, c: ci, cell });
    }),
  );
  G.rowSide ??= splitSide(G.name, G.rows);
  H.colSide ??= splitSide(H.name, H.cols);
  return splitOf(G.rowSide, H.colSide, cells);
}
