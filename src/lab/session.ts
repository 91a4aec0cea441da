/**
 * A lab session: enforces a snapshot's NetworkPolicies in a built lab through the same compile →
 * render → apply path the agent uses (one Datapath per node namespace), and probes every ordered
 * pair of pods with real connections, comparing each result with the reference evaluator.
 */
import { compile, compileContext } from "../compile/compile.js";
import { Datapath, type SyncResult } from "../datapath/datapath.js";
import type { Pod, Protocol, Snapshot } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import { type Addr, formatAddr, parseAddr } from "../net/address.js";
import { type Cidr, parseCidr } from "../net/cidr.js";
import { execBackend } from "../nft/backend.js";
import { indexSnapshot } from "../policy/cluster-index.js";
import { type MatrixResult, reachabilityMatrix } from "../policy/matrix.js";
import { renderNode } from "../render/ruleset.js";
import type { Exec } from "../sys/exec.js";
import type { Lab } from "./lab.js";
import type { Prober, ProbeResult } from "./prober.js";

/** One observed cell of the matrix. */
export interface LabResult {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** What the real connection did; absent when the probe could not be made (SCTP here). */
  readonly allowed?: boolean;
  /** What the reference evaluator says. */
  readonly expected: boolean;
  readonly family?: string;
  readonly detail: string;
  readonly skipped?: string;
}

/** The lab's matrix: `simulate`'s shape plus expectations and counts. */
export interface LabMatrix {
  readonly ports: ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }>;
  readonly pods: readonly string[];
  readonly results: readonly LabResult[];
  readonly mismatches: number;
  readonly skipped: number;
}

/** Rewrites a snapshot's pods and nodes to the lab's: same keys, the lab's nodes and addresses. Pods absent from the lab are dropped. */
export function bindSnapshotToLab(snapshot: Snapshot, lab: Lab): { snapshot: Snapshot; dropped: string[] } {
  const byKey = new Map(lab.pods.map((p) => [p.key, p]));
  const dropped: string[] = [];
  const pods: Pod[] = [];
  for (const pod of snapshot.pods) {
    if (pod.nonTarget) continue;
    const lp = byKey.get(refOf(pod));
    if (!lp) {
      dropped.push(refOf(pod));
      continue;
    }
    pods.push({ ...pod, nodeName: lp.node, ips: lp.ips.map((ip) => parseAddr(ip) as Addr) });
  }
  const nodes = new Map(
    lab.nodes.map((n) => [
      n.name,
      {
        name: n.name,
        labels: snapshot.nodes.get(n.name)?.labels ?? {},
        addresses: [parseAddr(n.nodeIP) as Addr],
        podCIDRs: [n.podCIDR4, ...(n.podCIDR6 ? [n.podCIDR6] : [])]
          .map((c) => parseCidr(c))
          .filter((c): c is Cidr => typeof c !== "string"),
      },
    ]),
  );
  return { snapshot: { ...snapshot, pods, nodes }, dropped };
}

/** Enforcement state of a lab: one Datapath per node, kept across updates (incremental syncs). */
export class LabEnforcer {
  private readonly datapaths = new Map<string, Datapath>();

  constructor(
    private readonly exec: Exec,
    private readonly lab: Lab,
  ) {
    for (const n of lab.nodes)
      this.datapaths.set(n.name, new Datapath(execBackend(exec, { netns: n.netns })));
  }

  /** Compiles, renders and applies `snapshot` (already bound to the lab) on every node. */
  async enforce(snapshot: Snapshot): Promise<Map<string, SyncResult>> {
    const ctx = compileContext(snapshot);
    const interfaces = new Map(this.lab.pods.map((p) => [p.key, p.hostVeth]));
    const out = new Map<string, SyncResult>();
    for (const [name, dp] of this.datapaths) {
      const r = await dp.sync(renderNode(compile(ctx, name), { interfaces }));
      if (r.kind === "failed") throw new Error(`applying rules on lab node ${name} failed: ${r.error}`);
      out.set(name, r);
    }
    // No nft left running behind the lab's back (its namespaces may be removed next).
    await Promise.all([...this.datapaths.values()].map((dp) => dp.settled()));
    return out;
  }
}

/** Probes every ordered pair of lab pods on each port and compares with the evaluator. */
export async function probeMatrix(
  prober: Prober,
  snapshot: Snapshot,
  ports: ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }>,
  opts: { readonly timeoutMs?: number; readonly concurrency?: number } = {},
): Promise<LabMatrix> {
  const index = indexSnapshot(snapshot);
  const expected = reachabilityMatrix(index, ports);
  const requests = expected.results.map((cell) => {
    const to = index.podsByRef.get(cell.to);
    const dst = to?.ips.find((a) => a.family === cell.family);
    return { cell, dst: dst ? formatAddr(dst) : undefined };
  });
  const runnable = requests.filter((r) => r.dst && r.cell.protocol !== "SCTP");
  const answers = await prober.probeMany(
    runnable.map((r) => ({
      from: r.cell.from,
      dst: r.dst as string,
      port: r.cell.port,
      protocol: r.cell.protocol,
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    })),
    opts.concurrency ?? 48,
  );
  const byCell = new Map(runnable.map((r, i) => [r.cell, answers[i]]));
  const results = requests.map(({ cell }) => labResult(cell, byCell.get(cell)));
  return {
    ports: expected.ports,
    pods: expected.pods,
    results,
    mismatches: results.filter((r) => r.allowed !== undefined && r.allowed !== r.expected).length,
    skipped: results.filter((r) => r.allowed === undefined).length,
  };
}

/** One cell: the evaluator's verdict beside the probe's answer, or why the pair was not probed. */
function labResult(cell: MatrixResult, answer: ProbeResult | undefined): LabResult {
  const base = {
    from: cell.from,
    to: cell.to,
    port: cell.port,
    protocol: cell.protocol,
    // Lab pods always have addresses; a cell not evaluated (no common family) is skipped below.
    expected: cell.allowed === true,
    ...(cell.family ? { family: cell.family } : {}),
  };
  if (!answer) {
    const why =
      cell.protocol === "SCTP"
        ? "SCTP is not available on this kernel"
        : (cell.note ?? "no common address family");
    return { ...base, detail: `skipped: ${why}`, skipped: why };
  }
  return { ...base, allowed: answer.ok, detail: answer.detail };
}
