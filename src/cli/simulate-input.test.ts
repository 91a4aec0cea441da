import { describe, expect, it } from "vitest";
import { type ExplainJson, parseJson, parseSimulate } from "../../test/support/json.js";
import { type CapturedIo, memoryIo } from "../../test/support/memory-io.js";
import { runCli } from "./main.js";

const pods = `
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: frontend, labels: {app: web}}
spec: {nodeName: n1, containers: [{name: c, ports: [{containerPort: 80}]}]}
status: {podIP: 10.0.0.11}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: backend, labels: {app: api}}
spec: {nodeName: n1, containers: [{name: c, ports: [{containerPort: 80}]}]}
status: {podIP: 10.0.0.12}
`;

const policy = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: backend}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}]
`;

/** An input whose policy has a `matchLabel:` typo: the API server drops it, widening the peer. */
const typo = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-from-web, namespace: backend}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from:
    - podSelector:
        matchLabel: {app: web}
`;

const morePods = `
apiVersion: v1
kind: Pod
metadata: {name: worker, namespace: backend, labels: {app: worker}}
spec: {nodeName: n1, containers: [{name: c}]}
status: {podIP: 10.0.0.13}
`;

/** memoryIo with `empty` as an empty directory (memoryIo has directories only as path prefixes). */
function withEmptyDir(io: CapturedIo): CapturedIo {
  const fs = {
    ...io.fs,
    kind: async (p: string) => (p === "empty" ? ("dir" as const) : io.fs.kind(p)),
    list: async (p: string) => (p === "empty" ? [] : io.fs.list(p)),
  };
  return { ...io, fs };
}

describe("simulate never gives a silent wrong answer", () => {
  it("names a huge kind in the nothing-to-evaluate message in at most about 80 characters (fuzz regression)", async () => {
    const io = memoryIo({ "c.yaml": `apiVersion: v1\nkind: ${"v".repeat(2000)}\nmetadata: {name: x}\n` });
    expect(await runCli(io, ["simulate", "-f", "json", "c.yaml"])).toBe(1);
    const line =
      io
        .stderr()
        .split("\n")
        .find((l) => l.includes("nothing to evaluate")) ?? "";
    expect(line).toContain("(2000 characters)");
    expect(line.length).toBeLessThan(400);
  });

  it("exits 2 naming the closest names when --from matches nothing (table format too)", async () => {
    const io = memoryIo({ "c.yaml": pods + "---" + policy });
    expect(await runCli(io, ["simulate", "--format", "table", "--from", "frontend/webb", "c.yaml"])).toBe(2);
    expect(io.stdout()).toBe("");
    expect(io.stderr()).toContain(
      "netguard: no pod or workload matches --from frontend/webb; closest: frontend/web\n",
    );
  });

  it("exits 2 when one of several --to patterns is a typo of a namespace", async () => {
    const io = memoryIo({ "c.yaml": pods });
    expect(await runCli(io, ["simulate", "-f", "json", "--to", "backend", "--to", "frontnd", "c.yaml"])).toBe(
      2,
    );
    expect(io.stderr()).toContain("no pod or workload matches --to frontnd; closest: frontend\n");
  });

  it("shows at most 80 characters of a long value, with its length", async () => {
    const io = memoryIo({ "c.yaml": pods });
    const long = `frontend/${"w".repeat(5000)}`;
    expect(await runCli(io, ["simulate", "-f", "json", "--from", long, "c.yaml"])).toBe(2);
    expect(io.stderr()).toContain(`--from ${long.slice(0, 80)}… (5009 characters); closest: frontend/web`);
    for (const line of io.stderr().split("\n")) expect(line.length).toBeLessThan(250);
  });

  it("clips long --port, --format and --node values in usage errors", async () => {
    const long = "9".repeat(3000);
    for (const args of [
      ["simulate", "-f", "json", "--port", long, "c.yaml"],
      ["simulate", "--format", long, "c.yaml"],
      ["compile", "--node", long, "c.yaml"],
      ["explain", "--from", long, "--to", "frontend/web", "-p", "80", "c.yaml"],
    ]) {
      const io = memoryIo({ "c.yaml": pods });
      expect(await runCli(io, args)).toBe(2);
      expect(io.stderr()).toContain("… (3000 characters)");
      expect(io.stderr()).not.toContain("9".repeat(100));
    }
  });

  it.each([
    ["an empty directory", {}, "empty", "read no files (no .yaml, .yml or .json file in the inputs)"],
    ["an empty file", { "e.yaml": "" }, "e.yaml", "read 1 file with no objects"],
    [
      "policies only",
      { "p.yaml": `${policy}---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: backend}\n` },
      "p.yaml",
      "read 1 file with 2 objects (1 NetworkPolicy, 1 Service)",
    ],
  ])("exits 1 for %s, saying what was read and what is missing", async (_, files, path, read) => {
    const io = withEmptyDir(memoryIo(files));
    expect(await runCli(io, ["simulate", "-f", "json", path])).toBe(1);
    expect(io.stdout()).toBe("");
    expect(io.stderr()).toContain(
      `netguard: nothing to evaluate: ${read}, but no Pod and no workload (Deployment,`,
    );
  });

  it("exits 1 for explain on an input without pods", async () => {
    const io = memoryIo({ "p.yaml": policy });
    const args = ["explain", "--from", "10.0.0.1", "--to", "10.0.0.2", "-p", "80", "p.yaml"];
    expect(await runCli(io, args)).toBe(1);
    expect(io.stderr()).toContain(
      "netguard: nothing to evaluate: read 1 file with 1 object (1 NetworkPolicy)",
    );
  });

  it("exits 2 when nothing declares a port and no --port is given (never an empty table)", async () => {
    const io = memoryIo({ "c.yaml": morePods });
    expect(await runCli(io, ["simulate", "-f", "table", "c.yaml"])).toBe(2);
    expect(io.stderr()).toContain("declares a containerPort; give the ports to probe with --port");
  });
});

describe("a matchLabel typo in a peer's podSelector", () => {
  const files = { "c.yaml": pods + "---" + morePods, "p.yaml": typo };
  const reported =
    /^p\.yaml:\d+: error: NetworkPolicy backend\/api-from-web: spec\.ingress\[0\]\.from\[0\]\.podSelector\.matchLabel: .*did you mean `matchLabels`.* \[unknown-field\]$/m;

  it("simulate reports it, evaluates the widened selector, names the policy in json and exits 1", async () => {
    const io = memoryIo(files);
    expect(await runCli(io, ["simulate", "-f", "json", "c.yaml", "p.yaml"])).toBe(1);
    expect(io.stderr()).toMatch(reported);
    const out = parseSimulate(io.stdout());
    const cell = (from: string) => out.results.find((r) => r.from === from && r.to === "backend/api");
    expect(cell("backend/worker")?.allowed).toBe(true);
    expect(cell("frontend/web")?.allowed).toBe(false);
    expect(out.errors).toContainEqual(
      expect.objectContaining({
        file: "p.yaml",
        kind: "NetworkPolicy",
        namespace: "backend",
        name: "api-from-web",
        path: "spec.ingress[0].from[0].podSelector.matchLabel",
        code: "unknown-field",
      }),
    );
  });

  it("simulate's table has a footer naming the policy", async () => {
    const io = memoryIo(files, { tty: true });
    expect(await runCli(io, ["simulate", "c.yaml", "p.yaml"])).toBe(1);
    expect(io.stdout()).toContain(
      "\npolicies with errors (their verdicts may not match the cluster): backend/api-from-web\n",
    );
  });

  it("dot and mermaid name the policy in a comment", async () => {
    for (const [format, comment] of [
      ["dot", "//"],
      ["mermaid", "%%"],
    ]) {
      const io = memoryIo(files);
      expect(await runCli(io, ["simulate", "-f", format as string, "c.yaml", "p.yaml"])).toBe(1);
      expect(io.stdout()).toContain(
        `${comment} policies with errors (their verdicts may not match the cluster): backend/api-from-web\n`,
      );
    }
  });

  it("explain reports it, allows the widened peer and names the policy (text and json)", async () => {
    const args = [
      "explain",
      "--from",
      "backend/worker",
      "--to",
      "backend/api",
      "-p",
      "80",
      "c.yaml",
      "p.yaml",
    ];
    const io = memoryIo(files);
    expect(await runCli(io, args)).toBe(1);
    expect(io.stderr()).toMatch(reported);
    expect(io.stdout()).toContain("ALLOWED");
    expect(io.stdout()).toContain(
      "policies with errors (their verdicts may not match the cluster): backend/api-from-web",
    );
    const json = memoryIo(files);
    expect(await runCli(json, [...args, "-f", "json"])).toBe(1);
    const v = parseJson<ExplainJson>(json.stdout());
    expect(v.allowed).toBe(true);
    expect(v.errors.map((e) => e.name)).toEqual(["api-from-web"]);
  });

  it("compile reports it and compiles the widened peer", async () => {
    const io = memoryIo(files);
    expect(await runCli(io, ["compile", "--node", "n1", "c.yaml", "p.yaml"])).toBe(1);
    expect(io.stderr()).toMatch(reported);
    expect(io.stdout()).toContain("10.0.0.13");
  });
});

describe("a cell that was not evaluated", () => {
  const v6 = pods.replace("status: {podIP: 10.0.0.12}", "status: {podIP: fd00::12}");

  it("prints - with a legend in the table, never X", async () => {
    const io = memoryIo({ "c.yaml": v6 }, { tty: true });
    expect(await runCli(io, ["simulate", "-p", "80", "c.yaml"])).toBe(0);
    expect(io.stdout()).toContain("backend/api   .             -\n");
    expect(io.stdout()).toMatch(
      /^- +not evaluated \(never read this as denied\): no IP family in common \(2 cells\)$/m,
    );
  });

  it("is allowed: null with a note in json", async () => {
    const io = memoryIo({ "c.yaml": v6 });
    expect(await runCli(io, ["simulate", "-f", "json", "-p", "80", "c.yaml"])).toBe(0);
    const cell = parseSimulate(io.stdout()).results.find(
      (r: { from: string; to: string }) => r.from === "backend/api" && r.to === "frontend/web",
    );
    expect(cell).toMatchObject({ allowed: null, note: "no IP family in common" });
  });
});
