/**
 * Where a grouped cell's member pairs disagree (issue 12: "says where they don't (e.g. two template
 * revisions during a rollout)"): the members of a group fall into the engine's classes; a split names
 * each class's members as a sub-group — by the label that tells the classes apart
 * (`pod-template-hash`, `controller-revision-hash`, …), else by its members — and gives each
 * sub-group pair its verdict.
 */
import { pushTo } from "../base/multimap.js";
import type { Pod } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import type { Cell } from "../policy/matrix-engine.js";

/** The members of one group that share an engine class, in one role (source or destination). */
export interface ClassMembers {
  readonly cls: number;
  readonly members: Pod[];
}

/** Part of a group: all of it (`name` is the group's), or one class of it (`name` says which). */
export interface SubGroup {
  /** `ns/Deployment/web`, or `ns/Deployment/web[pod-template-hash=5d8f7]`, or `…[ns/web-1 +2]`. */
  readonly name: string;
  readonly members: readonly string[];
}

/** One sub-group pair of a mixed cell and the verdict all its member pairs share. */
export interface SplitPart {
  readonly from: SubGroup;
  readonly to: SubGroup;
  readonly cell: Cell;
}

/** One side of a split: the whole group in that role, and its sub-group per class. */
export interface SplitSide {
  readonly whole: SubGroup;
  readonly parts: readonly SubGroup[];
}

/** The side of group `name` whose members (in one role) fall into `classes`. */
export function splitSide(name: string, classes: readonly ClassMembers[]): SplitSide {
  const whole = { name, members: classes.flatMap((c) => c.members.map(refOf)).sort() };
  return { whole, parts: classes.length === 1 ? [whole] : subGroups(name, classes) };
}

/** Labels whose values, in this order, name a revision of a pod template. */
const REVISION_LABELS = ["pod-template-hash", "controller-revision-hash", "pod-template-generation"];

/**
 * The parts of a mixed cell from its class-pair cells (`r`, `c` index the sides' classes): a row
 * class whose cells all agree becomes one part against the whole column group (or the same by
 * columns, whichever gives fewer parts), else one part per class pair.
 */
export function splitOf(
  G: SplitSide,
  H: SplitSide,
  cells: ReadonlyArray<{ readonly r: number; readonly c: number; readonly cell: Cell }>,
): SplitPart[] {
  const g = (x: { r: number }) => G.parts[x.r] as SubGroup;
  const h = (x: { c: number }) => H.parts[x.c] as SubGroup;
  const exact = (x: { r: number; c: number }): [SubGroup, SubGroup] => [g(x), h(x)];
  const byRow = collapse(
    cells,
    (x) => x.r,
    (x) => [g(x), H.whole],
    exact,
  );
  const byCol = collapse(
    cells,
    (x) => x.c,
    (x) => [G.whole, h(x)],
    exact,
  );
  const best = byCol.length < byRow.length ? byCol : byRow;
  return best.map(({ parts, cell }) => ({ from: parts[0], to: parts[1], cell }));
}

/** Agreement key of a cell: the verdict (per family when dual-stack), or not evaluated. */
export function verdictKey(c: Cell): string {
  if (c.kind === "not-evaluated") return "n";
  const f = c.families;
  if (!f) return c.allowed ? "a" : "d";
  const fam = (v: boolean | undefined, tag: string) => (v === undefined ? "" : v ? `${tag}+` : `${tag}-`);
  return `${c.allowed ? "a" : "d"}:${fam(f.IPv4, "4")}${fam(f.IPv6, "6")}`;
}

type Named<T> = (x: T) => [SubGroup, SubGroup];

/** Parts along one side: a line (row or column class) that agrees is one part, else one per cell. */
function collapse<T extends { readonly cell: Cell }>(
  cells: readonly T[],
  line: (x: T) => number,
  collapsed: Named<T>,
  exact: Named<T>,
): Array<{ parts: [SubGroup, SubGroup]; cell: Cell }> {
  const lines = new Map<number, T[]>();
  for (const x of cells) pushTo(lines, line(x), x);
  const out: Array<{ parts: [SubGroup, SubGroup]; cell: Cell }> = [];
  for (const xs of lines.values()) {
    const first = xs[0] as T;
    if (xs.every((x) => verdictKey(x.cell) === verdictKey(first.cell)))
      out.push({ parts: collapsed(first), cell: first.cell });
    else for (const x of xs) out.push({ parts: exact(x), cell: x.cell });
  }
  return out;
}

/**
 * The sub-groups of a group of several classes, one per class, named by the first label that tells
 * them apart (revision labels first), else by their node (pods of a DaemonSet, or pods that differ
 * only in the own-node exemption of a host-network entry), else by their members.
 */
function subGroups(name: string, classes: readonly ClassMembers[]): SubGroup[] {
  const tags = classes.map((c) => ({ ...commonLabels(c.members), ...nodeTag(c.members) }));
  const labelKeys = [...new Set(tags.flatMap((l) => Object.keys(l)).filter((k) => k !== NODE))].sort();
  const key = [...REVISION_LABELS, ...labelKeys, NODE].find((k) => {
    const values = tags.map((l) => l[k]);
    return values.every((v) => v !== undefined) && new Set(values).size === values.length;
  });
  return classes.map((c, i) => {
    const members = c.members.map(refOf);
    const tag =
      key !== undefined
        ? `${key}=${(tags[i] as Record<string, string>)[key]}`
        : members.length === 1
          ? members[0]
          : `${members[0]} +${members.length - 1}`;
    return { name: `${name}[${tag}]`, members };
  });
}

/** The pseudo-label of a sub-group whose members all run on one node (not a valid label key). */
const NODE = "node";

function nodeTag(pods: readonly Pod[]): Record<string, string> {
  const node = pods[0]?.nodeName;
  return node !== undefined && pods.every((p) => p.nodeName === node) ? { [NODE]: node } : {};
}

function commonLabels(pods: readonly Pod[]): Record<string, string> {
  const out: Record<string, string> = { ...(pods[0]?.labels ?? {}) };
  for (const p of pods.slice(1)) for (const k of Object.keys(out)) if (p.labels[k] !== out[k]) delete out[k];
  return out;
}
