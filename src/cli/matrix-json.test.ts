import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cluster, numRuns, PROBES } from "../../test/gen/cluster.js";
import type { Pod } from "../k8s/model.js";
import { memoryIo } from "../../test/support/memory-io.js";
import { namespace, node, pod, policy, snapshotOf } from "../../test/support/objects.js";
import { indexSnapshot } from "../policy/cluster-index.js";
import { matrixEngine } from "../policy/matrix-engine.js";
import { reachabilityMatrix } from "../policy/matrix.js";
import { writeMatrixJson } from "./matrix-json.js";
import { createProgress } from "./progress.js";

const objs = [
  namespace("x"),
  namespace("y"),
  node("n1", "192.168.0.1", ["10.1.0.0/16", "fd01::/64"]),
  pod("x", "a", { ips: ["10.1.0.5", "fd01::5"], labels: { app: "a" } }),
  pod("x", "b", { ips: ["fd01::6"], labels: { app: "b" } }),
  pod("y", "c", { ips: ["10.1.0.7"], labels: { app: "c" } }),
  pod("y", "agent", { ips: ["192.168.0.1"], hostNetwork: true }),
  pod("y", "gone", { ips: ["192.168.9.1"], hostNetwork: true, node: "n9" }),
  policy("x", "p", {
    podSelector: { matchLabels: { app: "a" } },
    ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8" } }, { podSelector: {} }] }],
  }),
];
const ports = [
  { port: 80, protocol: "TCP" as const },
  { port: 53, protocol: "UDP" as const },
];

describe("writeMatrixJson", () => {
  it("writes exactly JSON.stringify of the matrix, then owners, notes and errors, in small chunks", async () => {
    const index = indexSnapshot(snapshotOf(objs));
    const flushes: number[] = [];
    const io = memoryIo({});
    let writes = 0;
    const counted = {
      ...io,
      out: (s: string) => {
        writes++;
        io.out(s);
      },
      flush: () => {
        flushes.push(writes);
        return Promise.resolve();
      },
    };
    const extras = {
      owners: new Map([["x/a", "x/Deployment/a"]]),
      notes: ["1 pod in phase Succeeded/Failed left out"],
      errors: [{ file: "p.yaml", line: 3, kind: "NetworkPolicy", code: "unknown-field", message: "m" }],
    };
    await writeMatrixJson(counted, matrixEngine(index, ports), extras, undefined, 200);
    const m = reachabilityMatrix(index, ports, { hostNetwork: true });
    const want = `${JSON.stringify({
      ...m,
      owners: { "x/a": "x/Deployment/a" },
      notes: extras.notes,
      errors: extras.errors,
    })}\n`;
    expect(io.stdout()).toBe(want);
    expect(writes).toBeGreaterThan(5);
    expect(flushes.length).toBeGreaterThan(5);
    expect(flushes.at(-1)).toBe(writes);
    const parsed = JSON.parse(io.stdout()) as { results: { allowed: unknown; note?: string }[] };
    expect(parsed.results.some((r) => r.allowed === null && r.note?.startsWith("host network"))).toBe(true);
  });

  it("writes the same bytes through outBytes when the io takes bytes", async () => {
    const index = indexSnapshot(snapshotOf(objs));
    const engine = matrixEngine(index, ports);
    const none = { owners: new Map<string, string>(), notes: [], errors: [] };
    const text = memoryIo({});
    await writeMatrixJson(text, engine, none);
    const chunks: Uint8Array[] = [];
    const bytes = { ...memoryIo({}), outBytes: (b: Uint8Array) => void chunks.push(b) };
    await writeMatrixJson(bytes, engine, none, undefined, 100);
    expect(chunks.length).toBeGreaterThan(5);
    expect(Buffer.concat(chunks).toString("utf8")).toBe(text.stdout());
    expect(bytes.stdout()).toBe("");
  });

  it("keeps the key order of the old output for an input without extras", async () => {
    const index = indexSnapshot(snapshotOf(objs.slice(0, 6)));
    const io = memoryIo({});
    await writeMatrixJson(io, matrixEngine(index, ports), { owners: new Map(), notes: [], errors: [] });
    expect(io.stdout()).toMatch(/^\{"ports":\[\{"port":53,"protocol":"UDP"\}|^\{"ports":\[\{"port":80/);
    expect(io.stdout()).toMatch(
      /"results":\[\{"from":"x\/a","to":"x\/a","port":80,"protocol":"TCP","allowed":true,"family":"IPv4","families":\{"IPv4":true,"IPv6":true\}\}/,
    );
    expect(io.stdout().endsWith(`],"owners":{},"notes":[],"errors":[]}\n`)).toBe(true);
  });
});

describe("writeMatrixJson on random clusters", () => {
  it("equals JSON.stringify of reachabilityMatrix, whatever the classes and the --from/--to filters", async () => {
    const many = [
      namespace("x"),
      node("n1", "192.168.0.1", ["10.1.0.0/16"]),
      ...Array.from({ length: 7 }, (_, i) =>
        pod("x", `p${i}`, { ips: [`10.1.0.${10 + i}`], labels: { app: i % 2 ? "a" : "b" } }),
      ),
      // Members of a class deny each other: a self cell (exempt) differs from the class-pair cell.
      policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress"] }),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(cluster, fc.constant(many)),
        fc.func(fc.boolean()),
        fc.func(fc.boolean()),
        fc.boolean(),
        async (cl, f, t, filtered) => {
          const index = indexSnapshot(snapshotOf(cl));
          const filter = filtered ? { from: (p: Pod) => f(p.name), to: (p: Pod) => t(p.name) } : {};
          const io = memoryIo({});
          const none = { owners: new Map<string, string>(), notes: [], errors: [] };
          await writeMatrixJson(io, matrixEngine(index, PROBES, filter), none, undefined, 256);
          const m = reachabilityMatrix(index, PROBES, { ...filter, hostNetwork: true });
          expect(io.stdout()).toBe(`${JSON.stringify({ ...m, owners: {}, notes: [], errors: [] })}\n`);
        },
      ),
      { numRuns: numRuns(100) },
    );
  });
});

describe("createProgress", () => {
  it("draws on a terminal, throttled, and clears the line at the end", () => {
    const io = { ...memoryIo({}), stderrIsTTY: true };
    let t = 0;
    const p = createProgress(io, { total: 4, label: "simulate", now: () => t, intervalMs: 100 });
    p.tick();
    t = 150;
    p.tick();
    t = 160;
    p.tick();
    p.done();
    expect(io.stderr()).toBe("\rsimulate: 50% (2/4)\x1b[K\r\x1b[K");
  });

  it("stays silent when stderr is not a terminal, or with --quiet", () => {
    for (const io of [memoryIo({}), { ...memoryIo({}), stderrIsTTY: true }]) {
      let t = 0;
      const p = createProgress(io, { total: 2, label: "x", quiet: io.stderrIsTTY, now: () => (t += 1000) });
      p.tick();
      p.tick();
      p.done();
      expect(io.stderr()).toBe("");
    }
  });
});
