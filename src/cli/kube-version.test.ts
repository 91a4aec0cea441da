import { describe, expect, it } from "vitest";
import { memoryIo } from "../../test/support/memory-io.js";
import { runCli } from "./main.js";

const input = `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec: {nodeName: n1, containers: [{name: c, ports: [{containerPort: 80}]}]}
status: {podIP: 10.0.0.11}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: x, labels: {app: b}}
spec: {nodeName: n1, containers: [{name: c}]}
status: {podIP: 10.0.0.12}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: from-b, namespace: x}
spec:
  podSelector: {matchLabels: {app: a}}
  ingress:
  - from: [{ipBlock: {cidr: 10.0.0.12/16}}]
`;

const commands: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["simulate", ["simulate", "-f", "json"]],
  ["explain", ["explain", "--from", "x/b", "--to", "x/a", "-p", "80"]],
  ["diff", ["diff", "--before", "c.yaml", "--after"]],
  ["compile", ["compile", "--node", "n1"]],
];

describe.each(commands)("%s --kube-version", (_, args) => {
  it("follows validate: a CIDR with host bits set is an error from 1.36 (exit 1)", async () => {
    const io = memoryIo({ "c.yaml": input });
    expect(await runCli(io, [...args, "c.yaml"])).toBe(1);
    expect(io.stderr()).toMatch(
      /^c\.yaml:\d+: error: NetworkPolicy x\/from-b: spec\.ingress\[0\]\.from\[0\]\.ipBlock\.cidr: /m,
    );
  });

  it("a warning in 1.33 to 1.35 and nothing before (exit 0)", async () => {
    const warned = memoryIo({ "c.yaml": input });
    expect(await runCli(warned, [...args, "c.yaml", "--kube-version", "1.34"])).toBe(0);
    expect(warned.stderr()).toMatch(
      /^c\.yaml:\d+: warning: NetworkPolicy x\/from-b: spec\.ingress\[0\]\.from\[0\]\.ipBlock\.cidr: /m,
    );
    const old = memoryIo({ "c.yaml": input });
    expect(await runCli(old, [...args, "c.yaml", "--kube-version", "1.30"])).toBe(0);
    expect(old.stderr()).not.toContain("ipBlock.cidr");
  });

  it("exits 2 on a version that is not 1.N, and notes one newer than tracked", async () => {
    const bad = memoryIo({ "c.yaml": input });
    expect(await runCli(bad, [...args, "c.yaml", "--kube-version", "2.0"])).toBe(2);
    expect(bad.stderr()).toContain("--kube-version");
    const newer = memoryIo({ "c.yaml": input });
    await runCli(newer, [...args, "c.yaml", "--kube-version", "1.99"]);
    expect(newer.stderr()).toContain("is newer than the newest release netguard tracks");
  });
});
