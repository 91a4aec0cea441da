import { describe, expect, it } from "vitest";
import { memoryIo } from "../../test/support/memory-io.js";
import { runCli } from "./main.js";

const input = `
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec: {nodeName: n1}
status: {podIP: 10.0.0.11}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec: {podSelector: {}}
`;

describe("netguard compile", () => {
  it("prints the nft script that replaces netguard's tables on the node", async () => {
    const io = memoryIo({ "c.yaml": input });
    expect(await runCli(io, ["compile", "--node", "n1", "c.yaml"])).toBe(0);
    expect(io.stdout()).toMatch(/^add table inet netguard\ndelete table inet netguard\n/);
    expect(io.stdout()).toContain("add rule inet netguard in/x/a counter name drop/in/x/a drop\n");
    expect(io.stdout()).toContain("add element inet netguard ingress4 { 10.0.0.11 : jump in/x/a }\n");
  });

  it("prints the readable IR with --format ir", async () => {
    const io = memoryIo({ "c.yaml": input });
    expect(await runCli(io, ["compile", "--node", "n1", "--format", "ir", "c.yaml"])).toBe(0);
    expect(io.stdout()).toContain("    ingress: isolated by x/deny\n      drop\n");
  });

  it("compiles nothing for a node without pods", async () => {
    const node = "apiVersion: v1\nkind: Node\nmetadata: {name: elsewhere}\n";
    const io = memoryIo({ "c.yaml": input, "n.yaml": node });
    expect(await runCli(io, ["compile", "--node", "elsewhere", "c.yaml", "n.yaml"])).toBe(0);
    expect(io.stdout()).not.toContain("jump");
  });

  it("exits 2 for a node that is not in the input, listing those that are, closest first", async () => {
    const node = "apiVersion: v1\nkind: Node\nmetadata: {name: worker-2}\n";
    const io = memoryIo({ "c.yaml": input, "n.yaml": node });
    expect(await runCli(io, ["compile", "--node", "n2", "c.yaml", "n.yaml"])).toBe(2);
    expect(io.stdout()).toBe("");
    expect(io.stderr()).toContain(
      "netguard: node n2 is not in the input; its nodes (closest first): n1, worker-2\n",
    );
  });

  it("exits 2 for any node when the input knows none", async () => {
    const io = memoryIo({ "c.yaml": input.replace("spec: {nodeName: n1}", "spec: {}") });
    expect(await runCli(io, ["compile", "--node", "n1", "c.yaml"])).toBe(2);
    expect(io.stderr()).toContain(
      "node n1 is not in the input: it has no Node object and no pod with spec.nodeName",
    );
  });

  it("exits 2 without --node", async () => {
    expect(await runCli(memoryIo({ "c.yaml": input }), ["compile", "c.yaml"])).toBe(2);
  });
});
