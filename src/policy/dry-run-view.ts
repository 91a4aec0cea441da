/**
 * The dry-run's view of a snapshot: what `simulate`, `explain`, `diff` and `validate --cluster`
 * evaluate. The decoder keeps the datapath's view (only pods with a pod-network IP are targets, so
 * the agent, compiler and lab never see a template); the dry-run also evaluates pods written
 * without `status` (every chart) and workloads' pod templates, by labels and ports, with no address.
 */
import { sortedByKey } from "../base/compare.js";
import { type OwnerRef, type Pod, refOf, type Snapshot } from "../k8s/model.js";

/** What the dry-run commands evaluate, and what they say about how it was derived. */
export interface DryRunView {
  /**
   * The snapshot to evaluate. Pods without IP (`no-ip`) and workload templates (`template`) are
   * targets with `ips: []` (address unknown); Succeeded/Failed pods are left out; every entry whose
   * top-level owner is known carries it in `owner`; a workload entry is left out when pods of the
   * input stand for it, or a workload of the input that controls it does. Host-network pods and
   * workloads stay `nonTarget: "host-network"` (their traffic is node traffic).
   */
  readonly snapshot: Snapshot;
  /**
   * Entry ref → top-level owner ref (`ns/Kind/name`), sorted by entry ref: every pod whose owner is
   * known, and every workload entry of the view that is itself controlled by another object
   * (e.g. a ReplicaSet whose Deployment is not in the input).
   */
  readonly owners: ReadonlyMap<string, string>;
  /** How many pods in phase Succeeded/Failed were left out. */
  readonly terminated: number;
  /** Refs of host-network entries (pods or workloads) of the view, sorted. */
  readonly hostNetwork: readonly string[];
  /** True when the input holds any workload entry, or any pod of the view has an owner. */
  readonly hasWorkloads: boolean;
  /** How many pods were left out because an `overlaid` workload's template replaces them. */
  readonly superseded: number;
}

/** How the view is built. */
export interface DryRunOptions {
  /**
   * Refs (`ns/Kind/name`) of workload entries laid over a live cluster (`--kubeconfig`): the
   * input's template is what the workload's pods will be once it is applied, so it stays and
   * replaces the live pods (and live workloads) under it, which are left out. Without it a
   * changed Deployment would be hidden by its current pods. E.g. the workload entries whose
   * `source.file` is not the live cluster's.
   */
  readonly overlaid?: ReadonlySet<string>;
}

/**
 * Builds the dry-run view; pure and linear in the number of pods.
 *
 * Owners (`metadata.ownerReferences[]` with `controller: true`): a pod's controller is followed
 * upwards through the workload entries of the input (ReplicaSet → Deployment, Job → CronJob, any
 * depth); the chain ends at an entry without controller, or at a controller that is not in the
 * input — then the ownerReference alone names the top-level owner (`ns/ReplicaSet/web-5d8f` when
 * the dump has the pods but not their ReplicaSet). Any controller kind counts, custom ones too (a
 * pod of an Argo `Rollout`'s ReplicaSet belongs to `ns/Rollout/x`), except `Node`: a mirror
 * (static) pod's controller is its node, which is not a workload. A cycle of controllers (only
 * hand-written input has one) ends at its smallest ref, so the answer never depends on order.
 */
export function dryRunView(snapshot: Snapshot, opts: DryRunOptions = {}): DryRunView {
  const live = snapshot.pods.filter((p) => p.nonTarget !== "terminated");
  const chains = ownerChains(live, opts.overlaid ?? new Set());
  const kept: Pod[] = [];
  const owners = new Map<string, string>();
  const hostNetwork: string[] = [];
  let hasOwner = false;
  let superseded = 0;
  for (const p of live) {
    if (chains.superseded(p)) {
      if (!p.workload) superseded++;
      continue;
    }
    if (p.workload && chains.removed(p)) continue;
    const owner = chains.ownerOf(p);
    const entry = viewEntry(p, owner);
    kept.push(entry);
    if (owner !== undefined) {
      owners.set(refOf(p), owner);
      if (!p.workload) hasOwner = true;
    }
    if (entry.nonTarget === "host-network") hostNetwork.push(refOf(p));
  }
  return {
    snapshot: { ...snapshot, pods: kept },
    owners: sortedByKey(owners),
    terminated: snapshot.pods.length - live.length,
    hostNetwork: hostNetwork.sort(),
    hasWorkloads: hasOwner || snapshot.pods.some((p) => p.workload !== undefined),
    superseded,
  };
}

/** The entry as the dry-run evaluates it: a target unless host-network, with its owner. */
function viewEntry(p: Pod, owner: string | undefined): Pod {
  const retarget = p.nonTarget === "no-ip" || p.nonTarget === "template";
  if (!retarget && owner === undefined) return p;
  const { nonTarget, ...rest } = p;
  return {
    ...rest,
    ...(retarget || nonTarget === undefined ? {} : { nonTarget }),
    ...(owner === undefined ? {} : { owner }),
  };
}

/** Owner resolution over one input, memoised so each workload entry's chain is walked once. */
interface OwnerChains {
  /** The top-level owner of a pod or workload entry; undefined when it has none (or is its own). */
  ownerOf(p: Pod): string | undefined;
  /** True when a workload entry is represented by something else of the input. */
  removed(entry: Pod): boolean;
  /** True when an overlaid workload's template replaces this pod or workload entry. */
  superseded(p: Pod): boolean;
}

function ownerChains(live: readonly Pod[], overlaid: ReadonlySet<string>): OwnerChains {
  const graph = controllerGraph(live);
  const { entries, parentOf, topOf } = graph;
  const covered = coveredBy(graph, overlaid);
  const supersededBy = (p: Pod): boolean => {
    const c = p.workload ? parentOf(refOf(p)) : controllerRef(p);
    return c !== undefined && covered(c);
  };
  // Entries that pods of the input stand for: every entry on a pod's chain.
  const represented = new Set<string>();
  for (const p of live) {
    if (p.workload || supersededBy(p)) continue;
    let r = controllerRef(p);
    while (r !== undefined && entries.has(r) && !represented.has(r)) {
      represented.add(r);
      r = parentOf(r);
    }
  }
  return {
    ownerOf(p) {
      const ref = refOf(p);
      const c = p.workload ? parentOf(ref) : controllerRef(p);
      if (c === undefined) return undefined;
      const t = topOf(c);
      return t === ref ? undefined : t;
    },
    removed(entry) {
      const ref = refOf(entry);
      if (overlaid.has(ref)) return false;
      const parent = parentOf(ref);
      return represented.has(ref) || (parent !== undefined && entries.has(parent));
    },
    superseded: supersededBy,
  };
}

/** The controller edges between the workload entries of an input, acyclic once built. */
interface ControllerGraph {
  /** Workload entries by ref. */
  readonly entries: ReadonlyMap<string, Pod>;
  /** The ref of an entry's controller; undefined for a non-entry, no controller, or a cycle's end. */
  readonly parentOf: (ref: string) => string | undefined;
  /** The top-level owner of `ref`: the last entry up its chain, or the first ref not in the input. */
  readonly topOf: (ref: string) => string;
}

function controllerGraph(live: readonly Pod[]): ControllerGraph {
  const entries = new Map<string, Pod>();
  for (const p of live) if (p.workload) entries.set(refOf(p), p);
  const top = new Map<string, string>();
  /** Cycle ends: their controller edge is cut, so each is its own top. */
  const cut = new Set<string>();
  const parentOf = (ref: string): string | undefined => {
    const e = entries.get(ref);
    return e && !cut.has(ref) ? controllerRef(e) : undefined;
  };
  const topOf = (start: string): string => {
    const path: string[] = [];
    const onPath = new Map<string, number>();
    let cur = start;
    let t: string | undefined;
    while (t === undefined) {
      t = top.get(cur) ?? (entries.has(cur) ? undefined : cur);
      if (t !== undefined) break;
      onPath.set(cur, path.length);
      path.push(cur);
      const parent = parentOf(cur);
      const k = parent === undefined ? undefined : onPath.get(parent);
      if (parent === undefined) t = cur;
      else if (k !== undefined) {
        t = path.slice(k).reduce((a, b) => (b < a ? b : a));
        cut.add(t);
      } else cur = parent;
    }
    for (const r of path) top.set(r, t);
    return t;
  };
  // Every entry's top first, so all cycles are cut before anything is decided.
  for (const ref of [...entries.keys()].sort()) topOf(ref);
  return { entries, parentOf, topOf };
}

/**
 * Whether a ref is, or is under, an overlaid entry: memoised over the (acyclic once cycles are
 * cut) controller graph, so each entry is visited once.
 */
function coveredBy(
  { entries, parentOf }: ControllerGraph,
  overlaid: ReadonlySet<string>,
): (ref: string) => boolean {
  const memo = new Map<string, boolean>();
  return (start) => {
    if (overlaid.size === 0) return false;
    const path: string[] = [];
    let cur: string | undefined = start;
    let answer = false;
    while (cur !== undefined && entries.has(cur)) {
      const known = memo.get(cur);
      if (known !== undefined) {
        answer = known;
        break;
      }
      if (overlaid.has(cur)) {
        answer = true;
        break;
      }
      path.push(cur);
      cur = parentOf(cur);
    }
    for (const r of path) memo.set(r, answer);
    return answer;
  };
}

/** `ns/Kind/name` of an object's controller, unless it has none or it is a Node (mirror pods). */
function controllerRef(p: Pod): string | undefined {
  const c: OwnerRef | undefined = p.controller;
  if (!c || c.kind === "Node") return undefined;
  return `${p.namespace}/${c.kind}/${c.name}`;
}
