/**
 * Lab fixtures for end-to-end tests: build a lab from objects, enforce, probe; always torn down.
 */
import type { Protocol, Snapshot } from "../../src/k8s/model.js";
import { systemSpawnInNetns } from "../../src/lab/agent-process.js";
import { labFromSnapshot } from "../../src/lab/from-snapshot.js";
import type { Lab } from "../../src/lab/lab.js";
import { type Prober, startAgents } from "../../src/lab/prober.js";
import { bindSnapshotToLab, LabEnforcer, type LabMatrix, probeMatrix } from "../../src/lab/session.js";
import { buildLab, destroyLab, newLabId } from "../../src/lab/topology.js";
import { systemExec } from "../../src/sys/exec.js";

export type Ports = ReadonlyArray<{ port: number; protocol: Protocol }>;

/** A running lab with enforcement and probe agents. */
export interface LabFixture {
  readonly lab: Lab;
  readonly prober: Prober;
  readonly enforcer: LabEnforcer;
  /** Enforces `snapshot` (bound to the lab's pods and addresses), then probes the full matrix. */
  enforceAndProbe(snapshot: Snapshot, ports?: Ports): Promise<LabMatrix>;
  bind(snapshot: Snapshot): Snapshot;
}

/** Labs alive in this test file, removed by `destroyTestLabs` even when a test timed out. */
const live = new Set<string>();

/** Removes every lab this test file built and has not removed yet (registered as an afterAll hook). */
export async function destroyTestLabs(): Promise<void> {
  for (const id of live) {
    await destroyLab(systemExec, id);
    live.delete(id);
  }
}

/** Builds a lab for `snapshot`'s pods, runs `fn`, and always removes everything. */
export async function withLab<T>(
  snapshot: Snapshot,
  ports: Ports,
  fn: (f: LabFixture) => Promise<T>,
): Promise<T> {
  const plan = labFromSnapshot(snapshot, ports);
  const id = newLabId();
  live.add(id);
  let prober: Prober | undefined;
  try {
    const lab = await buildLab(systemExec, plan.spec, id);
    const enforcer = new LabEnforcer(systemExec, lab);
    prober = await startAgents(systemSpawnInNetns, lab, { timeoutMs: 500 });
    const p = prober;
    const bind = (s: Snapshot) => bindSnapshotToLab(s, lab).snapshot;
    return await fn({
      lab,
      prober: p,
      enforcer,
      bind,
      async enforceAndProbe(s, probePorts = ports) {
        const bound = bind(s);
        await enforcer.enforce(bound);
        return probeMatrix(p, bound, probePorts, { timeoutMs: 500, concurrency: 64 });
      },
    });
  } finally {
    await prober?.close();
    await destroyLab(systemExec, id);
    live.delete(id);
  }
}

/** The cells where the real packets disagreed with the evaluator, for assertion messages. */
export function mismatches(m: LabMatrix): string[] {
  return m.results
    .filter((r) => r.allowed !== undefined && r.allowed !== r.expected)
    .map(
      (r) =>
        `${r.protocol}/${r.port} ${r.from} -> ${r.to}: observed ${r.allowed} (${r.detail}), evaluator ${r.expected}`,
    );
}
