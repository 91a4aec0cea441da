/**
 * The ClusterNetworkPolicy lab suite's fixtures: ClusterNetworkPolicy objects as the API reads them
 * (v1alpha2 JSON, through the real decoder), one lab kept across scenarios (its nodes serving
 * `nodePorts`, for egress to node addresses), and real-packet observation of pod pairs (per family)
 * and pod-to-node pairs against the reference evaluator, `evaluateTiered`.
 */
import type { Protocol, Snapshot } from "../../src/k8s/model.js";
import type { Family } from "../../src/net/address.js";
import { systemSpawnInNetns } from "../../src/lab/agent-process.js";
import { familyOf as familyOfText, labFromSnapshot } from "../../src/lab/from-snapshot.js";
import type { Lab } from "../../src/lab/lab.js";
import { type Prober, startAgents } from "../../src/lab/prober.js";
import { bindSnapshotToLab, LabEnforcer } from "../../src/lab/session.js";
import type { LabPortSpec } from "../../src/lab/spec.js";
import { buildLab, destroyLab, newLabId } from "../../src/lab/topology.js";
import { indexSnapshot } from "../../src/policy/cluster-index.js";
import { evaluateTieredQuery, snapshotTiers } from "../../src/policy/cnp-evaluate.js";
import type { SyncResult } from "../../src/datapath/datapath.js";
import { systemExec } from "../../src/sys/exec.js";
import type { Json } from "./objects.js";

/** [from, to, "PROTO/port", family, allowed]; `to` is a pod or `node:<name>`. */
export type HandCell = readonly [string, string, string, Family, boolean];

/** One step of the suite: the objects on top of the base cluster and the cells worked out by hand. */
export interface Scenario {
  readonly name: string;
  readonly objects: Json[];
  /** Families probed between pods (default IPv4). */
  readonly families?: readonly Family[];
  /** Whether pods also probe the nodes' addresses. */
  readonly nodes?: boolean;
  readonly cells: readonly HandCell[];
  /** What every node's `inet netguard` table must hold (for what no packet here can show). */
  readonly loaded?: readonly RegExp[];
}

/** A hand-worked IPv4 cell. */
export const v4 = (from: string, to: string, port: string, want: boolean): HandCell => [
  from,
  to,
  port,
  "IPv4",
  want,
];
/** A hand-worked IPv6 cell. */
export const v6 = (from: string, to: string, port: string, want: boolean): HandCell => [
  from,
  to,
  port,
  "IPv6",
  want,
];
/** A peer of every namespace's pods. */
export const ALL_NAMESPACES = { namespaces: {} };

/** The probe timeout: a dropped packet is a probe that times out (an allowed one that is slow under load is re-probed). */
export const PROBE_TIMEOUT_MS = 600;

/** A label selector on `ns` (the lab namespaces carry `ns: <name>`). */
export const ns = (name: string): Json => ({ matchLabels: { ns: name } });

/** `tcp`/`udp`/`sctp` with `destinationPort.number`, or a `range` when `end` is given. */
export function proto(protocol: "tcp" | "udp" | "sctp", start: number, end?: number): Json {
  const destinationPort = end === undefined ? { number: start } : { range: { start, end } };
  return { [protocol]: { destinationPort } };
}

/** A ClusterNetworkPolicy object (policy.networking.k8s.io/v1alpha2) as it would be applied. */
export function clusterPolicy(
  name: string,
  spec: { tier: "Admin" | "Baseline"; priority: number; subject: Json; ingress?: Json[]; egress?: Json[] },
): Json {
  return {
    apiVersion: "policy.networking.k8s.io/v1alpha2",
    kind: "ClusterNetworkPolicy",
    metadata: { name },
    spec,
  };
}

/** A Node with labels, InternalIP and pod CIDRs. */
export function labelledNode(
  name: string,
  ip: string,
  cidrs: string[],
  labels: Record<string, string>,
): Json {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name, labels },
    spec: { podCIDR: cidrs[0], podCIDRs: cidrs },
    status: { addresses: [{ type: "InternalIP", address: ip }] },
  };
}

/** One probe: a pod to a pod (one family) or to a node address. */
export interface Cell {
  readonly from: string;
  /** A pod key, or `node:<name>`. */
  readonly to: string;
  readonly dst: string;
  readonly protocol: Protocol;
  readonly port: number;
}

/** A probe's result beside the evaluator's verdict. */
export interface Observed extends Cell {
  readonly allowed: boolean;
  readonly detail: string;
  readonly expected: boolean;
}

/** `TCP/80 x/a -> y/b (fd02::13)`. */
export const cellName = (c: Cell): string => `${c.protocol}/${c.port} ${c.from} -> ${c.to} (${c.dst})`;

/** A lab kept for a whole suite; `close` removes it. */
export interface SharedLab {
  readonly lab: Lab;
  readonly prober: Prober;
  /** Binds a snapshot to the lab's pods and addresses, and enforces it on every node. */
  enforce(snapshot: Snapshot): Promise<{ bound: Snapshot; syncs: SyncResult[] }>;
  close(): Promise<void>;
}

/** Builds the lab for `base`'s pods (serving `ports`), nodes serving `nodePorts`. */
export async function sharedLab(
  base: Snapshot,
  ports: readonly LabPortSpec[],
  nodePorts: readonly LabPortSpec[],
): Promise<SharedLab> {
  const id = newLabId();
  let prober: Prober | undefined;
  try {
    const lab = await buildLab(systemExec, labFromSnapshot(base, ports).spec, id);
    const enforcer = new LabEnforcer(systemExec, lab);
    prober = await startAgents(systemSpawnInNetns, lab, { timeoutMs: PROBE_TIMEOUT_MS, nodePorts });
    const p = prober;
    return {
      lab,
      prober: p,
      async enforce(snapshot) {
        const bound = bindSnapshotToLab(snapshot, lab).snapshot;
        const syncs = [...(await enforcer.enforce(bound)).values()];
        return { bound, syncs };
      },
      async close() {
        await p.close();
        await destroyLab(systemExec, id);
      },
    };
  } catch (e) {
    await prober?.close();
    await destroyLab(systemExec, id);
    throw e;
  }
}

/** Every ordered pod pair (a pod to itself included) on each port, in each family both ends have. */
export function podCells(
  lab: Lab,
  ports: readonly { port: number; protocol: Protocol }[],
  families: readonly Family[],
): Cell[] {
  const cells: Cell[] = [];
  for (const { port, protocol } of ports) {
    if (protocol === "SCTP") continue; // no SCTP on this kernel: rendered and loaded only
    for (const from of lab.pods) {
      for (const to of lab.pods) {
        for (const family of families) {
          const dst = to.ips.find((ip) => familyOfText(ip) === family);
          const src = from.ips.find((ip) => familyOfText(ip) === family);
          if (dst && src) cells.push({ from: from.key, to: to.key, dst, protocol, port });
        }
      }
    }
  }
  return cells;
}

/** Every pod to every node's address on each port. */
export function nodeCells(lab: Lab, ports: readonly { port: number; protocol: Protocol }[]): Cell[] {
  return ports.flatMap(({ port, protocol }) =>
    lab.pods.flatMap((from) =>
      lab.nodes.map((n) => ({ from: from.key, to: `node:${n.name}`, dst: n.nodeIP, protocol, port })),
    ),
  );
}

/** Probes every cell with real packets and asks the reference evaluator about each. */
export async function observe(
  shared: SharedLab,
  bound: Snapshot,
  cells: readonly Cell[],
): Promise<Observed[]> {
  const index = indexSnapshot(bound);
  const tiers = snapshotTiers(bound);
  const answers = await shared.prober.probeMany(
    cells.map((c) => ({ from: c.from, dst: c.dst, port: c.port, protocol: c.protocol as "TCP" | "UDP" })),
    64,
  );
  return cells.map((c, i) => {
    const v = evaluateTieredQuery(index, tiers, {
      from: { pod: c.from },
      to: { ip: c.dst },
      protocol: c.protocol,
      port: c.port,
    });
    if (typeof v === "string") throw new Error(`${cellName(c)}: ${v}`);
    const a = answers[i] ?? { ok: false, detail: "no answer" };
    return { ...c, allowed: a.ok, detail: a.detail, expected: v.allowed };
  });
}

/**
 * What is wrong with an observation: a cell where the packets disagree with the evaluator, or a
 * blocked cell that was not dropped ("blocked" means the probe times out, never refused).
 */
export function problems(observed: readonly Observed[]): string[] {
  return observed.flatMap((o) => {
    if (o.allowed !== o.expected) {
      return [
        `${cellName(o)}: packets ${o.allowed ? "passed" : `blocked (${o.detail})`}, evaluator ${o.expected}`,
      ];
    }
    if (!o.allowed && o.detail !== "timeout") return [`${cellName(o)}: blocked but ${o.detail}, not dropped`];
    return [];
  });
}

/** How a step reached agreement between packets and evaluator. */
export interface Agreement {
  readonly observed: Observed[];
  /** Left when `withinMs` ran out; empty on agreement. */
  readonly problems: string[];
  /** From the start of enforcement to agreement. */
  readonly ms: number;
  /** Compile, render and apply on every node. */
  readonly enforceMs: number;
  /** Probe rounds until agreement (1: the first matrix after enforcement agreed). */
  readonly rounds: number;
  /** The first round's disagreements (why a second round was needed). */
  readonly firstProblems: string[];
  readonly syncs: SyncResult[];
}

/**
 * Enforces `snapshot`, then probes until the packets agree with the evaluator on every cell
 * (re-probing, never sleeping) or `withinMs` has passed. Returns the last observation, its
 * problems, and how long and how many probe rounds agreement took.
 */
export async function enforceUntilAgreed(
  shared: SharedLab,
  snapshot: Snapshot,
  cells: readonly Cell[],
  withinMs = 10_000,
): Promise<Agreement> {
  const start = performance.now();
  const { bound, syncs } = await shared.enforce(snapshot);
  const enforceMs = Math.round(performance.now() - start);
  let firstProblems: string[] = [];
  for (let rounds = 1; ; rounds++) {
    const observed = await observe(shared, bound, cells);
    const found = problems(observed);
    if (rounds === 1) firstProblems = found;
    const ms = Math.round(performance.now() - start);
    if (found.length === 0 || ms > withinMs) {
      return { observed, problems: found, ms, enforceMs, rounds, firstProblems, syncs };
    }
  }
}

/** The observed verdict of one cell (throws when the cell was not probed). */
export function verdictOf(observed: readonly Observed[], key: string): boolean {
  const hit = observed.find(
    (o) => `${o.protocol}/${o.port} ${o.from} -> ${o.to} ${familyOfText(o.dst)}` === key,
  );
  if (!hit) throw new Error(`no probe ${key}`);
  return hit.allowed;
}
