/**
 * ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2) on real packets: a two-node dual-stack
 * Flannel-like lab enforcing each scenario through the agent's compile → render → apply path. After
 * every step the probed matrix must equal the reference evaluator's (`evaluateTiered`) and each
 * scenario's cells worked out by hand from the API text; a blocked cell must be dropped (the probe
 * times out), never refused. SCTP cannot be sent on this kernel: it is rendered and loaded only.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { LabMatrix } from "../src/lab/session.js";
import { systemExec } from "../src/sys/exec.js";
import {
  type Cell,
  clusterPolicy as cnp,
  enforceUntilAgreed,
  labelledNode,
  nodeCells,
  ns,
  podCells,
  proto,
  type Scenario,
  type SharedLab,
  sharedLab,
  verdictOf,
} from "./support/lab-cnp.js";
import { type Json, namespace, pod, snapshotOf } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";
import { parseTruthTable } from "./support/truth-table.js";
import { netguard } from "./dry-run-examples.js";
import { parseJson } from "./support/json.js";
import { SCENARIOS } from "./lab-cnp-scenarios.js";

const PORTS = [
  { port: 80, protocol: "TCP" },
  { port: 81, protocol: "TCP" },
  { port: 53, protocol: "UDP" },
  { port: 54, protocol: "UDP" },
] as const;
/** The nodes serve these: egress to node addresses (`nodes` peers). */
const NODE_PORTS = [
  { port: 10250, protocol: "TCP" },
  { port: 10251, protocol: "TCP" },
] as const;

const named = (http: number) => [
  { name: "http", containerPort: http },
  ...(http === 80 ? [] : [{ name: "alt", containerPort: 80 }]),
  { name: "dns", containerPort: 53, protocol: "UDP" },
];

/** Namespaces x, y, z (label `ns`); nodes n1 (zone z1) and n2 (zone z2); five dual-stack pods. */
const BASE: Json[] = [
  namespace("x", { ns: "x" }),
  namespace("y", { ns: "y" }),
  namespace("z", { ns: "z" }),
  labelledNode("n1", "192.168.0.1", ["10.1.0.0/24", "fd01::/64"], { zone: "z1" }),
  labelledNode("n2", "192.168.0.2", ["10.2.0.0/24", "fd02::/64"], { zone: "z2" }),
  pod("x", "a", { labels: { pod: "a" }, ips: ["10.1.0.10", "fd01::10"], node: "n1", ports: named(80) }),
  pod("x", "b", { labels: { pod: "b" }, ips: ["10.2.0.11", "fd02::11"], node: "n2", ports: named(81) }),
  pod("y", "a", { labels: { pod: "a" }, ips: ["10.1.0.12", "fd01::12"], node: "n1", ports: named(80) }),
  pod("y", "b", { labels: { pod: "b" }, ips: ["10.2.0.13", "fd02::13"], node: "n2", ports: named(80) }),
  pod("z", "a", { labels: { pod: "a" }, ips: ["10.1.0.14", "fd01::14"], node: "n1", ports: named(80) }),
];

let shared: SharedLab | undefined;
const timings: string[] = [];

/** The scenario's probes: pod pairs in its families, and pods to nodes when it says so. */
function cellsOf(lab: SharedLab["lab"], s: Pick<Scenario, "families" | "nodes">): Cell[] {
  return [...podCells(lab, PORTS, s.families ?? ["IPv4"]), ...(s.nodes ? nodeCells(lab, NODE_PORTS) : [])];
}

/**
 * Enforces one step; within 10 s its real matrix must agree with the evaluator and with the
 * hand-worked cells, every blocked cell dropped.
 */
async function step(label: string, objects: Json[], s: Pick<Scenario, "families" | "nodes" | "cells">) {
  if (!shared) throw new Error("no lab");
  const r = await enforceUntilAgreed(shared, snapshotOf([...BASE, ...objects]), cellsOf(shared.lab, s));
  const retried =
    r.rounds > 1
      ? `; first round: ${r.firstProblems.length} off, e.g. ${r.firstProblems.slice(0, 2).join(" | ")}`
      : "";
  timings.push(
    `${label}: ${r.ms} ms, enforce ${r.enforceMs} ms, ${r.rounds} round(s) of ${r.observed.length} probes${retried}`,
  );
  expect(r.problems, label).toEqual([]);
  expect(r.ms, label).toBeLessThan(10_000);
  for (const [from, to, port, family, want] of s.cells) {
    expect(
      verdictOf(r.observed, `${port} ${from} -> ${to} ${family}`),
      `${label}: ${port} ${from} -> ${to} ${family}`,
    ).toBe(want);
  }
  return r;
}

describeAsRoot("ClusterNetworkPolicy on real packets", () => {
  beforeAll(async () => {
    const started = performance.now();
    shared = await sharedLab(snapshotOf(BASE), PORTS, NODE_PORTS);
    timings.push(`lab up: ${Math.round(performance.now() - started)} ms`);
  }, 60_000);
  afterAll(async () => {
    await shared?.close();
    shared = undefined;
  }, 30_000);

  it("without any policy every pod reaches every pod and node", async () => {
    const r = await step("no policy", [], { families: ["IPv4", "IPv6"], nodes: true, cells: [] });
    expect(r.observed.every((o) => o.allowed)).toBe(true);
  });

  it.each(SCENARIOS.map((s) => [s.name, s] as const))("%s", async (name, s) => {
    const r = await step(name, s.objects, s);
    expect(r.observed.some((o) => !o.allowed)).toBe(true);
    if (s.loaded) {
      for (const n of (shared as SharedLab).lab.nodes) {
        const listing = await systemExec("ip", [
          "netns",
          "exec",
          n.netns,
          "nft",
          "list",
          "table",
          "inet",
          "netguard",
        ]);
        for (const re of s.loaded) expect(listing.stdout, `${n.name}: ${re.source}`).toMatch(re);
      }
    }
  });

  it("an update sequence (create, reprioritise, change action, delete) is enforced within seconds each", async () => {
    const deny = (action: string) =>
      cnp("seq-deny", {
        tier: "Admin",
        priority: 20,
        subject: { namespaces: ns("x") },
        ingress: [{ name: "from-y", action, from: [{ namespaces: ns("y") }] }],
      });
    const accept = (priority: number) =>
      cnp("seq-accept-80", {
        tier: "Admin",
        priority,
        subject: { namespaces: ns("x") },
        ingress: [{ action: "Accept", from: [{ namespaces: ns("y") }], protocols: [proto("tcp", 80)] }],
      });
    const base = cnp("seq-baseline", {
      tier: "Baseline",
      priority: 10,
      subject: { namespaces: ns("x") },
      ingress: [{ action: "Deny", from: [{ namespaces: ns("y") }], protocols: [proto("tcp", 80, 81)] }],
    });
    const ya = (port: string, want: boolean) => ["y/a", "x/a", port, "IPv4", want] as const;
    const yb = (port: string, want: boolean) => ["y/b", "x/b", port, "IPv4", want] as const;
    const fresh = await step("update: none", [], { cells: [ya("TCP/80", true)] });
    expect(fresh.observed.every((o) => o.allowed)).toBe(true);
    // Create: Deny (20) before Accept (30): everything from y is dropped.
    const created = await step("update: create", [deny("Deny"), accept(30), base], {
      cells: [
        ya("TCP/80", false),
        ya("TCP/81", false),
        yb("UDP/53", false),
        ["z/a", "x/a", "TCP/80", "IPv4", true],
      ],
    });
    // Reprioritise: the Accept at 10 now comes first, for TCP 80 only.
    const re = await step("update: reprioritise", [deny("Deny"), accept(10), base], {
      cells: [ya("TCP/80", true), yb("TCP/80", true), ya("TCP/81", false), yb("UDP/53", false)],
    });
    expect(re.syncs.map((s) => s.kind)).toEqual(["incremental", "incremental"]);
    // A priority change rewrites the shared tier chain's rules, not the pods' chains or sets.
    const commands = (r: typeof re) => r.syncs.map((s) => ("commands" in s ? s.commands : 0));
    timings.push(
      `nft commands per node: create ${commands(created).join("+")}, reprioritise ${commands(re).join("+")}`,
    );
    commands(re).forEach((n, i) => expect(n).toBeLessThan(commands(created)[i] ?? 0));
    // Change action: Deny → Pass: no NetworkPolicy isolates x, so the Baseline decides 80-81.
    await step("update: change action", [deny("Pass"), accept(10), base], {
      cells: [ya("TCP/80", true), ya("TCP/81", false), yb("UDP/53", true), yb("UDP/54", true)],
    });
    // Delete the Accept: TCP 80 passes to the Baseline too.
    await step("update: delete accept", [deny("Pass"), base], {
      cells: [ya("TCP/80", false), yb("TCP/80", false), ya("UDP/53", true)],
    });
    const gone = await step("update: delete all", [], { cells: [ya("TCP/80", true), ya("TCP/81", true)] });
    expect(gone.observed.every((o) => o.allowed)).toBe(true);
  });
});

afterAll(() => {
  if (timings.length > 0) console.info(`lab-cnp timings:\n  ${timings.join("\n  ")}`);
});

describeAsRoot("examples/cluster-policy in a lab", () => {
  it("netguard lab run: real packets give the hand-worked expected.txt cell for cell, blocked cells dropped", async () => {
    const dir = join(import.meta.dirname, "..", "examples", "cluster-policy");
    const expected = parseTruthTable(readFileSync(join(dir, "expected.txt"), "utf8"));
    const started = performance.now();
    const r = await netguard(["lab", "run", "--format", "json", dir]);
    timings.push(
      `examples/cluster-policy: lab run ${Math.round(performance.now() - started)} ms (lab up and down)`,
    );
    expect(r.err).not.toMatch(/(^|: )error: /m);
    const matrix = parseJson<LabMatrix>(r.out);
    const real = new Map(matrix.results.map((c) => [`${c.protocol}/${c.port} ${c.from} ${c.to}`, c.allowed]));
    expect(Object.fromEntries(real)).toEqual(Object.fromEntries(expected.cells));
    expect(matrix.mismatches).toBe(0);
    const refused = matrix.results.filter((c) => c.allowed === false && c.detail !== "timeout");
    expect(refused.map((c) => `${c.protocol}/${c.port} ${c.from} -> ${c.to}: ${c.detail}`)).toEqual([]);
    expect(r.code).toBe(0);
  });
});
