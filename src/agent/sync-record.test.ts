import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createMetrics } from "./metrics.js";
import { APPLY_FAILED_REASON, SyncRecord, TABLES_LOST_REASON } from "./sync-record.js";

function setup() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino(
    { level: "info" },
    { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  );
  const metrics = createMetrics();
  const record = new SyncRecord(metrics, log, () => ({ Pod: 1, NetworkPolicy: 2, Namespace: 3 }));
  return { lines, metrics, record };
}
const full = { kind: "full", commands: 3, scriptBytes: 10 } as const;

describe("SyncRecord", () => {
  it("is not ready before the first sync, ready after one from any trigger", () => {
    const { record } = setup();
    expect(record.notReady()).toBe("first sync not done");
    record.record(full, { trigger: "cni-add", durationMs: 5 });
    expect(record.notReady()).toBeUndefined();
  });

  it("a failed apply makes it not ready with a generic reason; the nft error goes to the log only", () => {
    const { record, lines } = setup();
    record.record(
      { kind: "failed", error: "Error: internal detail", attempted: "full" },
      { trigger: "drift", durationMs: 1 },
    );
    expect(record.notReady()).toBe(APPLY_FAILED_REASON);
    expect(record.notReady()).not.toContain("internal detail");
    expect(lines).toContainEqual(
      expect.objectContaining({ trigger: "drift", error: "Error: internal detail" }),
    );
  });

  it("a transaction nft took but the model refused is logged as an error, naming the refusal", () => {
    const { record, lines } = setup();
    record.record(
      { ...full, modelRefused: "type at command 4: datatype mismatch" },
      { trigger: "reconcile", durationMs: 1 },
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 50, modelRefused: "type at command 4: datatype mismatch" }),
    );
  });

  it("lost tables are not ready until a sync succeeds, and are counted by detector", async () => {
    const { record, metrics } = setup();
    record.record(full, { trigger: "reconcile", durationMs: 1 });
    record.tablesMissing(["inet netguard"], "monitor");
    expect(record.notReady()).toBe(TABLES_LOST_REASON);
    record.record(
      { kind: "failed", error: "x", attempted: "full" },
      { trigger: "tables-lost", durationMs: 1 },
    );
    expect(record.notReady()).toBe(TABLES_LOST_REASON);
    record.record(full, { trigger: "tables-lost", durationMs: 1 });
    expect(record.notReady()).toBeUndefined();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/netguard_tables_lost_total\{detectedBy="monitor"\} 1/);
    expect(text).toMatch(/netguard_syncs_total\{kind="full",trigger="tables-lost"\} 1/);
  });

  it("a node problem is a readiness reason once synced, logged once per change", () => {
    const { record, lines } = setup();
    record.record(full, { trigger: "reconcile", durationMs: 1 });
    record.setNodeProblem("node n1 has no pod CIDR");
    record.setNodeProblem("node n1 has no pod CIDR");
    expect(record.notReady()).toBe("node n1 has no pod CIDR");
    expect(lines.filter((l) => l.problem === "node n1 has no pod CIDR")).toHaveLength(1);
    record.setNodeProblem(undefined);
    expect(record.notReady()).toBeUndefined();
  });
});
