/**
 * Fuzz (issue 12, "No silent wrong answers"): random mutations of valid manifests — misspelled or
 * renamed keys, wrong types, dropped fields, duplicate keys, huge values, truncated text — run
 * through simulate (json and table), explain, diff, compile and validate in process. No command
 * crashes (no exception, exit status 0, 1 or 2 only), and when the decoder or validate found an
 * error, no command exits 0: simulate says what the error was, and names every policy that had one.
 * The seeds are manifests as written for `kubectl apply` (no server-set metadata such as a dump's
 * resourceVersion, which only validate's create-time check reports), so validate is an oracle here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { runCli } from "../src/cli/main.js";
import { hasErrors, type Issue } from "../src/issue/issue.js";
import { loadChecked } from "../src/load/api-check.js";
import {
  type Json,
  mutate,
  type ObjectOp,
  objectOp,
  type Path,
  pathsOf,
  render,
  type TextOp,
  textOp,
} from "./dry-run-mutate.js";
import { numRuns } from "./gen/cluster.js";
import { memoryIo } from "./support/memory-io.js";

/** A small cluster using most fields netguard reads: a pod pair, a workload and a busy policy. */
const SMALL = `
apiVersion: v1
kind: Namespace
metadata: {name: x, labels: {team: red}}
---
apiVersion: v1
kind: Node
metadata: {name: n1}
spec: {podCIDR: 10.1.0.0/24, podCIDRs: [10.1.0.0/24]}
status: {addresses: [{type: InternalIP, address: 192.168.0.1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec:
  nodeName: n1
  containers: [{name: c, image: i, ports: [{name: http, containerPort: 80}, {containerPort: 53, protocol: UDP}]}]
status: {phase: Running, podIP: 10.1.0.11, podIPs: [{ip: 10.1.0.11}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: x, labels: {app: b}}
spec: {nodeName: n1, containers: [{name: c, image: i}]}
status: {phase: Running, podIP: 10.1.0.12}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: x}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: i, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: busy, namespace: x}
spec:
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector: {matchLabels: {app: b}}
    - namespaceSelector: {matchExpressions: [{key: team, operator: In, values: [red]}]}
      podSelector: {matchLabels: {app: web}}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.2.0.0/16]}
    ports: [{port: http}, {port: 1000, endPort: 2000}, {protocol: UDP, port: 53}]
  egress:
  - to: [{podSelector: {}}]
    ports: [{port: 80, protocol: TCP}]
`;

const examples = join(import.meta.dirname, "..", "examples");
const CHART = readFileSync(join(examples, "chart", "rendered.yaml"), "utf8");
const SHOP = ["namespaces.yaml", "nodes.yaml", "pods.yaml", "policies/api.yaml", "policies/default-deny.yaml"]
  .map((f) => readFileSync(join(examples, "shop", f), "utf8"))
  .join("\n---\n");

interface Seed {
  readonly name: string;
  readonly docs: Json[];
  /** explain's endpoints and port, and the node compile is asked for. */
  readonly from: string;
  readonly to: string;
  readonly port: string;
  readonly node: string;
  /** Runs per test, and the time they may take. */
  readonly runs: number;
  readonly seconds: number;
}

function seed(name: string, text: string, rest: Omit<Seed, "name" | "docs">): Seed {
  const docs = parseAllDocuments(text)
    .map((d) => d.toJS() as Json)
    .filter((d) => d !== null);
  return { name, docs, ...rest };
}

const SEEDS: Seed[] = [
  seed("small", SMALL, { from: "x/b", to: "x/a", port: "80/TCP", node: "n1", runs: 150, seconds: 6 }),
  seed("chart", CHART, {
    from: "store/Deployment/frontend",
    to: "store/Deployment/api",
    port: "3000/TCP",
    node: "node-a",
    runs: 40,
    seconds: 3,
  }),
  seed("shop", SHOP, {
    from: "frontend/web",
    to: "api/api",
    port: "8080/TCP",
    node: "node-a",
    runs: 60,
    seconds: 3,
  }),
];

interface Run {
  readonly argv: readonly string[];
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function run(files: Record<string, string>, argv: readonly string[]): Promise<Run> {
  const io = memoryIo(files);
  let code: number;
  try {
    code = await runCli(io, argv);
  } catch (e) {
    throw new Error(`netguard ${argv.join(" ")} threw: ${e instanceof Error ? e.stack : String(e)}`, {
      cause: e,
    });
  }
  return { argv, code, out: io.stdout(), err: io.stderr() };
}

const ERROR_LINE = /(^|: )error: /m;

/** Checks every command on one mutated input. */
async function check(s: Seed, text: string): Promise<void> {
  const files = { "orig/o.yaml": render(s.docs, false, { op: "none" }), "in/m.yaml": text };
  // The loader every dry-run command uses (unknown fields dropped, duplicate keys reported in JSON too).
  const loaded = await loadChecked(memoryIo(files).fs, ["in"]);
  const errors = loaded.issues.filter((i) => i.severity === "error");
  const runs = [
    await run(files, ["simulate", "--format", "json", "in"]),
    await run(files, ["simulate", "--format", "table", "in"]),
    await run(files, ["explain", "--from", s.from, "--to", s.to, "-p", s.port, "in"]),
    await run(files, ["diff", "--before", "orig", "--after", "in"]),
    await run(files, ["compile", "--node", s.node, "in"]),
    await run(files, ["validate", "in"]),
  ];
  const validate = runs[5] as Run;
  const decoderFound = hasErrors(loaded.issues) || validate.code === 1;
  const found = `loader: ${summary(errors)}\nvalidate (exit ${validate.code}): ${clip(validate.out)}`;
  for (const r of runs) {
    const what = `netguard ${r.argv.join(" ")} (exit ${r.code})\n${clip(r.err)}`;
    expect([0, 1, 2], what).toContain(r.code);
    if (r.code === 0) expect(r.err, what).not.toMatch(ERROR_LINE);
    if (decoderFound && r !== validate) expect(r.code, `${what}\n${found}`).not.toBe(0);
    const messages = `${r.err}\n${r.argv[0] === "validate" ? r.out : ""}`.split("\n");
    const long = messages.find((line) => line.length >= 2000);
    expect(long, `${what}: a message echoes a huge value whole: ${clip(long ?? "")}`).toBeUndefined();
  }
  if (errors.length > 0) checkNamed(runs[0] as Run, runs[1] as Run, errors);
}

/** simulate says what the loader found: on stderr, and every policy with an error in its output. */
function checkNamed(json: Run, table: Run, errors: readonly Issue[]): void {
  const what = `simulate: loader found ${summary(errors)}\n${clip(json.err)}`;
  expect(
    errors.some((e) => json.err.includes(`[${e.code}]`)),
    what,
  ).toBe(true);
  const policies = [
    ...new Set(
      errors
        .filter((e) => e.object?.kind === "NetworkPolicy" && e.object.name !== undefined)
        .map((e) => e.object?.name as string),
    ),
  ];
  if (json.out.trim() !== "") {
    const doc = JSON.parse(json.out) as { errors?: Array<{ name?: string }> };
    expect(doc.errors?.length ?? 0, what).toBeGreaterThan(0);
    for (const name of policies)
      expect(
        doc.errors?.some((e) => e.name?.slice(0, 60) === name.slice(0, 60)),
        `${what}\njson errors name ${name.slice(0, 80)}`,
      ).toBe(true);
  }
  if (table.out.trim() !== "")
    for (const name of policies)
      expect(table.out, `table footer names ${name.slice(0, 80)}`).toContain(name.slice(0, 60));
}

/** At most a few hundred characters of each of the first lines of a text, for failure messages. */
function clip(text: string): string {
  return text
    .split("\n")
    .slice(0, 8)
    .map((l) => (l.length > 300 ? `${l.slice(0, 300)}… (${l.length} characters)` : l))
    .join("\n");
}

function summary(issues: readonly Issue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path} ${i.message.slice(0, 120)} [${i.code}]`)
    .join("; ");
}

type Case = [ObjectOp[], TextOp, boolean];

/** The issue's own cases, always run first: a `matchLabel` typo in a peer, a duplicate key in `ports`. */
function issueCases(s: Seed): Case[] {
  if (s.name !== "small") return [];
  const at = (want: Path) => {
    const i = pathsOf(s.docs).findIndex((p) => p.join(".") === want.join("."));
    if (i < 0) throw new Error(`the seed has no ${want.join(".")}`);
    return i;
  };
  const peerLabels = [5, "spec", "ingress", 0, "from", 0, "podSelector", "matchLabels"];
  const lines = render(s.docs, false, { op: "none" }).split("\n");
  return [
    [[{ op: "rename", pick: at(peerLabels), how: 0 }], { op: "none" }, false],
    [[{ op: "type", pick: at([4, "spec", "template", "spec"]), value: 6 }], { op: "none" }, true],
    [
      [{ op: "drop", pick: at([0, "kind"]) }],
      { op: "duplicate-line", pick: lines.findIndex((l) => l.includes("endPort")) },
      false,
    ],
  ];
}

describe("fuzz: mutated manifests through every dry-run command", () => {
  it.each(SEEDS.map((s) => [s.name, s] as const))(
    "%s: no crash, and no exit 0 when the decoder found an error",
    async (_name, s) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(objectOp, { minLength: 1, maxLength: 3 }),
          textOp,
          fc.boolean(),
          async (ops, t, asJson) => {
            const docs = ops.reduce(mutate, s.docs);
            await check(s, render(docs, asJson, t));
          },
        ),
        // bounded: each seed gets a few seconds at most (FC_NUM_RUNS raises the runs for long sessions)
        {
          examples: issueCases(s),
          numRuns: numRuns(s.runs),
          interruptAfterTimeLimit: s.seconds * 1000,
          markInterruptAsFailure: false,
        },
      );
    },
  );
});
