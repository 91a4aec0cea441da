/**
 * The full reachability matrix of a snapshot, materialised: every ordered pair of entries (a pod
 * to itself included) on every probe port, as the matrix engine (and so the reference evaluator)
 * decides it. For small inputs, the lab and tests; `simulate` streams the engine instead.
 */
import type { Pod, Protocol } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import type { Family } from "../net/address.js";
import type { ClusterIndex } from "./cluster-index.js";
import { type Cell, matrixEngine } from "./matrix-engine.js";

/** One cell of the matrix. */
export interface MatrixResult {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** The verdict; null when the pair was not evaluated (see `note`), never read as denied. */
  readonly allowed: boolean | null;
  /** The IP family of the probe: the source's first family that the destination also has. */
  readonly family?: Family;
  /** Dual-stack pairs: the verdict for each family (they differ when ipBlocks treat families apart). */
  readonly families?: Readonly<Partial<Record<Family, boolean>>>;
  /** Why the pair was not evaluated (no common IP family, host network on an unknown node). */
  readonly note?: string;
}

/** The matrix for the given ports. */
export interface Matrix {
  readonly ports: ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }>;
  readonly pods: readonly string[];
  readonly results: readonly MatrixResult[];
}

/** A cell as a MatrixResult (the keys in the order of the json output). */
export function matrixResult(
  from: string,
  to: string,
  port: { readonly port: number; readonly protocol: Protocol },
  cell: Cell,
): MatrixResult {
  const base = { from, to, port: port.port, protocol: port.protocol };
  if (cell.kind === "not-evaluated") return { ...base, allowed: null, note: cell.note };
  return {
    ...base,
    allowed: cell.allowed,
    ...(cell.family ? { family: cell.family } : {}),
    ...(cell.families ? { families: cell.families } : {}),
  };
}

/**
 * Evaluates every ordered pair of entries on each port (port, then source, then destination).
 * Entries are the policy targets; host-network entries (node traffic) only with `hostNetwork`.
 */
export function reachabilityMatrix(
  index: ClusterIndex,
  ports: ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }>,
  filter: {
    readonly from?: (pod: Pod) => boolean;
    readonly to?: (pod: Pod) => boolean;
    readonly hostNetwork?: boolean;
  } = {},
): Matrix {
  const keep = (f: ((pod: Pod) => boolean) | undefined) =>
    filter.hostNetwork ? f : (pod: Pod) => !pod.nonTarget && (f ? f(pod) : true);
  const from = keep(filter.from);
  const to = keep(filter.to);
  const engine = matrixEngine(index, ports, { ...(from ? { from } : {}), ...(to ? { to } : {}) });
  const toRefs = engine.destinations.map(refOf);
  const results: MatrixResult[] = [];
  engine.ports.forEach((port, pi) => {
    for (const from of engine.sources) {
      const fromRef = refOf(from);
      engine
        .row(from, pi)
        .forEach((cell, j) => results.push(matrixResult(fromRef, toRefs[j] as string, port, cell)));
    }
  });
  return { ports: ports.map(({ port, protocol }) => ({ port, protocol })), pods: engine.entries, results };
}
