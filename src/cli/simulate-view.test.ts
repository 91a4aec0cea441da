import { describe, expect, it } from "vitest";
import { parseSimulate } from "../../test/support/json.js";
import { memoryIo } from "../../test/support/memory-io.js";
import { runCli } from "./main.js";

/** A dump: two pods of Deployment web (through ReplicaSet web-5d8f), a finished Job pod, a client. */
const dump = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-5d8f
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-5d8f-aaaaa
  namespace: shop
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: u2, controller: true}]
spec: {nodeName: n1, containers: [{name: c, ports: [{containerPort: 80}]}]}
status: {phase: Running, podIP: 10.0.0.11}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-5d8f-bbbbb
  namespace: shop
  labels: {app: web}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: u2, controller: true}]
spec: {nodeName: n1, containers: [{name: c, ports: [{containerPort: 80}]}]}
status: {phase: Running, podIP: 10.0.0.12}
---
apiVersion: v1
kind: Pod
metadata: {name: migrate-xyz, namespace: shop, labels: {app: migrate}}
spec: {nodeName: n1, containers: [{name: c}]}
status: {phase: Succeeded, podIP: 10.0.0.13}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec: {nodeName: n1, containers: [{name: c}]}
status: {phase: Running, podIP: 10.0.0.14}
`;

describe("simulate on a cluster dump", () => {
  it("says how many finished pods it left out, on stderr and in the json notes", async () => {
    const io = memoryIo({ "d.yaml": dump });
    expect(await runCli(io, ["simulate", "-f", "json", "d.yaml"])).toBe(0);
    expect(io.stderr()).toContain("netguard: 1 pod in phase Succeeded/Failed left out\n");
    const out = parseSimulate(io.stdout());
    expect(out.notes).toEqual(["1 pod in phase Succeeded/Failed left out"]);
    expect(out.pods).not.toContain("shop/migrate-xyz");
    expect(out.errors).toEqual([]);
  });

  it("names each pod's top-level owner in the json owners map", async () => {
    const io = memoryIo({ "d.yaml": dump });
    expect(await runCli(io, ["simulate", "-f", "json", "d.yaml"])).toBe(0);
    expect(parseSimulate(io.stdout()).owners).toEqual({
      "shop/web-5d8f-aaaaa": "shop/Deployment/web",
      "shop/web-5d8f-bbbbb": "shop/Deployment/web",
    });
  });

  it("selects a workload's pods with --to ns/Kind/name", async () => {
    const io = memoryIo({ "d.yaml": dump });
    expect(await runCli(io, ["simulate", "-f", "json", "--to", "shop/Deployment/web", "d.yaml"])).toBe(0);
    const to = new Set(parseSimulate(io.stdout()).results.map((r: { to: string }) => r.to));
    expect([...to]).toEqual(["shop/web-5d8f-aaaaa", "shop/web-5d8f-bbbbb"]);
  });

  it("explains a workload through its first pod and says so", async () => {
    const io = memoryIo({ "d.yaml": dump });
    const args = ["explain", "--from", "shop/client", "--to", "shop/Deployment/web", "-p", "80", "d.yaml"];
    expect(await runCli(io, args)).toBe(0);
    expect(io.stdout()).toContain(
      "shop/Deployment/web stands for its 2 pods; explaining the first, shop/web-5d8f-aaaaa",
    );
  });

  it("groups the table by top-level owner by default, and not with --group-by none", async () => {
    const io = memoryIo({ "d.yaml": dump }, { tty: true });
    expect(await runCli(io, ["simulate", "-p", "80", "d.yaml"])).toBe(0);
    expect(io.stdout()).toBe(
      [
        "TCP/80",
        "-                    shop/Deployment/web  shop/client",
        "shop/Deployment/web  .                    .",
        "shop/client          .                    .",
        "",
      ].join("\n"),
    );
    expect(io.stderr()).toContain("netguard: 1 pod in phase Succeeded/Failed left out\n");
    const plain = memoryIo({ "d.yaml": dump }, { tty: true });
    expect(await runCli(plain, ["simulate", "-p", "80", "--group-by", "none", "d.yaml"])).toBe(0);
    expect(plain.stdout().split("\n")[1]).toBe(
      "-                    shop/client          shop/web-5d8f-aaaaa  shop/web-5d8f-bbbbb",
    );
  });

  it("keeps the json ungrouped by default (the contract) and groups it on request", async () => {
    const plain = memoryIo({ "d.yaml": dump });
    expect(await runCli(plain, ["simulate", "-f", "json", "-p", "80", "d.yaml"])).toBe(0);
    const doc = parseSimulate(plain.stdout());
    expect(doc.groupBy).toBeUndefined();
    expect(doc.results).toHaveLength(9);
    const grouped = memoryIo({ "d.yaml": dump });
    expect(await runCli(grouped, ["simulate", "-f", "json", "-p", "80", "-g", "workload", "d.yaml"])).toBe(0);
    const g = parseSimulate(grouped.stdout());
    expect(g.groupBy).toBe("workload");
    expect(g.results.map((r: { from: string; to: string }) => `${r.from}>${r.to}`)).toContain(
      "shop/client>shop/Deployment/web",
    );
    expect(g.owners).toEqual(doc.owners);
  });

  it("exits 2 for an unknown --group-by", async () => {
    const io = memoryIo({ "d.yaml": dump });
    expect(await runCli(io, ["simulate", "-f", "json", "--group-by", "owner", "d.yaml"])).toBe(2);
    expect(io.stderr()).toContain("--group-by must be workload or none, got owner");
  });

  it("accepts --quiet: no progress line even when stderr is a terminal", async () => {
    const io = { ...memoryIo({ "d.yaml": dump }, { tty: true }), stderrIsTTY: true };
    expect(await runCli(io, ["simulate", "--quiet", "d.yaml"])).toBe(0);
    expect(io.stderr()).not.toContain("\r");
    expect(io.stdout()).toContain("shop/Deployment/web");
  });

  it("says a finished pod named by --from or explain is left out, instead of suggesting names", async () => {
    const io = memoryIo({ "d.yaml": dump });
    expect(await runCli(io, ["simulate", "-f", "json", "--from", "shop/migrate-xyz", "d.yaml"])).toBe(2);
    expect(io.stderr()).toContain(
      "netguard: --from shop/migrate-xyz: the pod is in phase Succeeded/Failed and left out",
    );
    const ex = memoryIo({ "d.yaml": dump });
    const args = ["explain", "--from", "shop/client", "--to", "shop/migrate-xyz", "-p", "80", "d.yaml"];
    expect(await runCli(ex, args)).toBe(2);
    expect(ex.stderr()).toContain("--to shop/migrate-xyz: the pod is in phase Succeeded/Failed and left out");
  });
});
