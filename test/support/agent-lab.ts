/**
 * Real probe matrices of a lab whose node is enforced by an agent, compared with the evaluator's
 * view of what the API server holds.
 */
import { afterAll, beforeAll, expect } from "vitest";
import { type LabMatrix, probeMatrix } from "../../src/lab/session.js";
import { testAgent } from "./agent.js";
import { type ApiServer, startApiServer } from "./apiserver/server.js";
import { type LabFixture, mismatches, type Ports, withLab } from "./lab.js";
import { type Json, snapshotOf } from "./objects.js";

/**
 * An API server holding `objects`, started before the enclosing describe's tests and closed after
 * them; the returned function gives it to a test.
 */
export function apiServerHolding(objects: readonly Json[]): () => ApiServer {
  let api: ApiServer | undefined;
  beforeAll(async () => {
    api = await startApiServer({ bookmarkIntervalMs: 300 });
    for (const o of objects) api.create(o);
  });
  afterAll(async () => {
    await api?.close();
  });
  return () => {
    if (!api) throw new Error("the API server is started before the tests");
    return api;
  };
}

/**
 * Runs `fn` in a lab of `objects` whose node n1 an agent enforces: started before `fn`, stopped
 * after it.
 */
export async function withEnforcedLab(
  api: ApiServer,
  objects: Json[],
  ports: Ports,
  fn: (lab: LabFixture) => Promise<void>,
): Promise<void> {
  await withLab(snapshotOf(objects), ports, async (lab) => {
    const agent = testAgent(api, lab.lab.nodes[0]?.netns as string);
    await agent.start();
    try {
      await fn(lab);
    } finally {
      await agent.stop();
    }
  });
}

/**
 * What the API server holds now (ClusterNetworkPolicies included), as objects the test builders
 * understand; decoded as the agent decodes them (unknown fields fail closed).
 */
export function apiObjects(api: ApiServer): Json[] {
  return (["Namespace", "Node", "Pod", "NetworkPolicy", "ClusterNetworkPolicy"] as const).flatMap(
    (k) => api.list(k) as unknown as Json[],
  );
}

/** Probes every pod pair once. */
export async function matrixNow(lab: LabFixture, api: ApiServer, ports: Ports): Promise<LabMatrix> {
  return probeMatrix(lab.prober, lab.bind(snapshotOf(apiObjects(api), { allowErrors: true })), ports, {
    timeoutMs: 300,
    concurrency: 32,
  });
}

/** Waits until the real matrix equals the evaluator's for the API server's current state. */
export async function convergedMatrix(
  lab: LabFixture,
  api: ApiServer,
  ports: Ports,
  timeoutMs = 8000,
): Promise<LabMatrix> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const m = await matrixNow(lab, api, ports);
    if (mismatches(m).length === 0 || Date.now() > end) {
      expect(mismatches(m)).toEqual([]);
      return m;
    }
  }
}

/** Whether `from` reached `to` in a matrix. */
export const cellOf = (m: LabMatrix, from: string, to: string): boolean | undefined =>
  m.results.find((r) => r.from === from && r.to === to)?.allowed;
