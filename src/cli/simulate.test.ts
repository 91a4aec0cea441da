import { describe, expect, it } from "vitest";
import { parseSimulate } from "../../test/support/json.js";
import { memoryIo } from "../../test/support/memory-io.js";
import { runCli } from "./main.js";

const cluster = `
apiVersion: v1
kind: Namespace
metadata: {name: x}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec:
  nodeName: n1
  containers: [{name: c, ports: [{containerPort: 80, name: http}, {containerPort: 53, protocol: UDP}]}]
status: {podIP: 10.0.0.11}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: x, labels: {app: b}}
spec: {nodeName: n1, containers: [{name: c}]}
status: {podIP: 10.0.0.12}
`;

const denyToA = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-from-b-on-http, namespace: x}
spec:
  podSelector: {matchLabels: {app: a}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: b}}}]
    ports: [{port: http}]
`;

describe("netguard simulate", () => {
  it("prints the JSON contract: ports, pods and one result per ordered pair and port", async () => {
    const io = memoryIo({ "c/cluster.yaml": cluster, "c/policy.yaml": denyToA });
    expect(await runCli(io, ["simulate", "--format", "json", "c"])).toBe(0);
    const out = parseSimulate(io.stdout());
    expect(out.ports).toEqual([
      { port: 53, protocol: "UDP" },
      { port: 80, protocol: "TCP" },
    ]);
    expect(out.pods).toEqual(["x/a", "x/b"]);
    expect(out.results).toHaveLength(8);
    const cell = (from: string, to: string, port: number) =>
      out.results.find(
        (r: { from: string; to: string; port: number }) => r.from === from && r.to === to && r.port === port,
      );
    expect(cell("x/b", "x/a", 80)).toMatchObject({
      from: "x/b",
      to: "x/a",
      port: 80,
      protocol: "TCP",
      allowed: true,
    });
    expect(cell("x/b", "x/a", 53)).toMatchObject({ allowed: false });
    expect(cell("x/a", "x/a", 53)).toMatchObject({ allowed: true });
    expect(cell("x/a", "x/b", 53)).toMatchObject({ allowed: true });
    expect(io.stderr()).toBe("");
  });

  it("probes only the requested ports, defaulting the protocol to TCP", async () => {
    const io = memoryIo({ "c.yaml": cluster + "---" + denyToA });
    expect(await runCli(io, ["simulate", "-f", "json", "--port", "80", "--port", "8080/tcp", "c.yaml"])).toBe(
      0,
    );
    expect(parseSimulate(io.stdout()).ports).toEqual([
      { port: 80, protocol: "TCP" },
      { port: 8080, protocol: "TCP" },
    ]);
  });

  it("prints truth tables by default on a terminal", async () => {
    const io = memoryIo({ "c.yaml": cluster + "---" + denyToA }, { tty: true });
    expect(await runCli(io, ["simulate", "--port", "80/TCP", "c.yaml"])).toBe(0);
    expect(io.stdout()).toBe("TCP/80\n-    x/a  x/b\nx/a  .    .\nx/b  .    .\n");
  });

  it("reads stdin for -", async () => {
    const io = memoryIo({}, { stdin: cluster });
    expect(await runCli(io, ["simulate", "-f", "json", "-"])).toBe(0);
    expect(parseSimulate(io.stdout()).pods).toEqual(["x/a", "x/b"]);
  });

  it("warns on stderr, never stdout, about kinds it does not read", async () => {
    const io = memoryIo({
      "c.yaml": `${cluster}---\napiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: x}\n`,
    });
    expect(await runCli(io, ["simulate", "-f", "json", "c.yaml"])).toBe(0);
    expect(io.stderr()).toMatch(
      /^c\.yaml:20: warning: Service: Service is not read by netguard; skipped \[skipped-kind\]$/m,
    );
    expect(() => parseSimulate(io.stdout())).not.toThrow();
  });

  it("reports a malformed document with file:line, evaluates the rest, and exits 1", async () => {
    const io = memoryIo({ "c.yaml": cluster, "d.yaml": "kind: Pod\nmetadata: {name: [\n" });
    expect(await runCli(io, ["simulate", "-f", "json", "c.yaml", "d.yaml"])).toBe(1);
    expect(io.stderr()).toMatch(
      /^d\.yaml:2: error: Flow .* \(in the document starting at line 1\) \[malformed-document\]$/m,
    );
    expect(parseSimulate(io.stdout()).pods).toEqual(["x/a", "x/b"]);
  });

  it("names the field path of an invalid policy and exits 1", async () => {
    const bad = denyToA.replace("ports: [{port: http}]", "ports: [{port: 80, endPort: 10}]");
    const io = memoryIo({ "c.yaml": cluster, "p.yaml": bad });
    expect(await runCli(io, ["simulate", "-f", "json", "c.yaml", "p.yaml"])).toBe(1);
    expect(io.stderr()).toContain(
      "p.yaml:9: error: NetworkPolicy x/only-from-b-on-http: spec.ingress[0].ports[0].endPort: must be greater than or equal to `port`",
    );
  });

  it("exits 1 when an input does not exist", async () => {
    const io = memoryIo({});
    expect(await runCli(io, ["simulate", "-f", "json", "nope.yaml"])).toBe(1);
    expect(io.stderr()).toContain("nope.yaml:1: error: no such file or directory");
  });

  it("exits 2 on usage errors", async () => {
    expect(await runCli(memoryIo({ "c.yaml": cluster }), ["simulate", "--port", "http", "c.yaml"])).toBe(2);
    expect(await runCli(memoryIo({ "c.yaml": cluster }), ["simulate", "--format", "xml", "c.yaml"])).toBe(2);
    expect(await runCli(memoryIo({}), ["simulate"])).toBe(2);
    expect(await runCli(memoryIo({}), ["no-such-command"])).toBe(2);
  });

  it("prints help and exits 0", async () => {
    const io = memoryIo({});
    expect(await runCli(io, ["--help"])).toBe(0);
    expect(io.stdout()).toContain("simulate");
  });

  it("aggregates allowed connectivity by workload as Mermaid and DOT", async () => {
    const io = memoryIo({ "c.yaml": cluster + "---" + denyToA });
    expect(await runCli(io, ["simulate", "-f", "mermaid", "c.yaml"])).toBe(0);
    expect(io.stdout()).toBe(
      'flowchart LR\n  n0["x/a"]\n  n1["x/b"]\n  n0 -->|"UDP/53, TCP/80"| n1\n  n1 -->|"TCP/80"| n0\n',
    );
    const dot = memoryIo({ "c.yaml": cluster + "---" + denyToA });
    expect(await runCli(dot, ["simulate", "-f", "dot", "c.yaml"])).toBe(0);
    expect(dot.stdout()).toContain('"x/b" -> "x/a" [label="TCP/80"];');
  });

  it("restricts sources and destinations with --from and --to", async () => {
    const io = memoryIo({ "c.yaml": cluster + "---" + denyToA });
    expect(
      await runCli(io, ["simulate", "-f", "json", "--from", "x/b", "--to", "x", "-p", "80", "c.yaml"]),
    ).toBe(0);
    const out = parseSimulate(io.stdout());
    expect(out.results.map((r: { from: string; to: string }) => `${r.from}>${r.to}`)).toEqual([
      "x/b>x/a",
      "x/b>x/b",
    ]);
  });
});
