/**
 * The full reachability matrix of a snapshot: every ordered pair of policy-target pods (a pod to
 * itself included) on every probe port, as the reference evaluator decides it.
 */
import type { Pod, Protocol } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import type { Family } from "../net/address.js";
import type { ClusterIndex } from "./cluster-index.js";
import { evaluate } from "./evaluate.js";

/** One cell of the matrix. */
export interface MatrixResult {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly allowed: boolean;
  /** The IP family of the probe: the source's first family that the destination also has. */
  readonly family?: Family;
  /** Dual-stack pairs: the verdict for each family (they differ when ipBlocks treat families apart). */
  readonly families?: Readonly<Partial<Record<Family, boolean>>>;
  /** Why the pair cannot talk at all (no common IP family), when that is the case. */
  readonly note?: string;
}

/** The matrix for the given ports. */
export interface Matrix {
  readonly ports: ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }>;
  readonly pods: readonly string[];
  readonly results: readonly MatrixResult[];
}

/** Evaluates every ordered pair of target pods on each port. */
export function reachabilityMatrix(
  index: ClusterIndex,
  ports: ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }>,
  filter: { readonly from?: (pod: Pod) => boolean; readonly to?: (pod: Pod) => boolean } = {},
): Matrix {
  const sources = filter.from ? index.targets.filter(filter.from) : index.targets;
  const destinations = filter.to ? index.targets.filter(filter.to) : index.targets;
  const pods = [...new Set([...sources, ...destinations])].map(refOf).sort();
  const results: MatrixResult[] = [];
  for (const { port, protocol } of ports) {
    for (const from of sources) {
      for (const to of destinations) {
        const common = from.ips.map((a) => a.family).filter((f) => to.ips.some((b) => b.family === f));
        const cell = { from: refOf(from), to: refOf(to), port, protocol };
        if (common.length === 0) {
          results.push({ ...cell, allowed: false, note: "no IP family in common" });
          continue;
        }
        const verdicts = common.map((family) => {
          const v = evaluate(index, {
            from: { pod: cell.from },
            to: { pod: cell.to },
            protocol,
            port,
            family,
          });
          return [family, typeof v !== "string" && v.allowed] as const;
        });
        const [family, allowed] = verdicts[0] as readonly [Family, boolean];
        results.push({
          ...cell,
          allowed,
          family,
          ...(verdicts.length > 1 ? { families: Object.fromEntries(verdicts) } : {}),
        });
      }
    }
  }
  return { ports: ports.map(({ port, protocol }) => ({ port, protocol })), pods, results };
}
