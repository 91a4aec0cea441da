import { describe, expect, it } from "vitest";
import { type DiffJson, parseJson } from "../../test/support/json.js";
import { memoryIo } from "../../test/support/memory-io.js";
import { runCli } from "./main.js";

const pods = `
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {nodeName: n1, containers: [{name: c, ports: [{containerPort: 80}]}]}
status: {podIP: 10.0.0.11}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, labels: {app: api}}
spec: {nodeName: n1, containers: [{name: c, ports: [{containerPort: 80}]}]}
status: {podIP: 10.0.0.12}
---
apiVersion: v1
kind: Pod
metadata: {name: worker, namespace: shop, labels: {app: worker}}
spec: {nodeName: n1, containers: [{name: c}]}
status: {podIP: 10.0.0.13}
`;

const apiFromWeb = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
`;

const apiFromNobody = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{podSelector: {matchLabel: {app: nobody}}}]
`;

describe("netguard diff never passes a gate it did not check", () => {
  it.each([
    ["--before", { "b/p.yaml": apiFromWeb, "a/c.yaml": pods, "a/p.yaml": apiFromWeb }],
    ["--after", { "b/c.yaml": pods, "b/p.yaml": apiFromWeb, "a/p.yaml": apiFromWeb }],
  ])("is an error when %s has no pods or workloads, whatever --fail-on says", async (side, files) => {
    for (const failOn of [[], ["--fail-on", "denied"], ["--fail-on", "any"]]) {
      const io = memoryIo(files);
      expect(await runCli(io, ["diff", "--before", "b", "--after", "a", ...failOn])).toBe(1);
      expect(io.stdout()).toBe("");
      expect(io.stderr()).toContain(
        `netguard: nothing to evaluate in ${side}: read 1 file with 1 object (1 NetworkPolicy), but no Pod and no workload`,
      );
      expect(io.stderr()).toContain("nothing was compared");
    }
  });

  it("names the policies with errors in text, json and markdown and exits 1", async () => {
    const files = { "b/c.yaml": pods, "b/p.yaml": apiFromWeb, "a/c.yaml": pods, "a/p.yaml": apiFromNobody };
    const footer = "policies with errors (their verdicts may not match the cluster): shop/api-ingress";
    const text = memoryIo(files);
    expect(await runCli(text, ["diff", "--before", "b", "--after", "a"])).toBe(1);
    expect(text.stderr()).toMatch(/^a\/p\.yaml:\d+: error: NetworkPolicy shop\/api-ingress: .*matchLabel: /m);
    expect(text.stdout()).toContain(`${footer}\n`);
    const md = memoryIo(files);
    expect(await runCli(md, ["diff", "--before", "b", "--after", "a", "-f", "markdown"])).toBe(1);
    expect(md.stdout()).toContain(`> **Warning:** ${footer}`);
    const json = memoryIo(files);
    expect(await runCli(json, ["diff", "--before", "b", "--after", "a", "-f", "json"])).toBe(1);
    expect(parseJson<DiffJson>(json.stdout()).notes).toEqual([]);
    expect(parseJson<DiffJson>(json.stdout()).errors).toContainEqual(
      expect.objectContaining({ file: "a/p.yaml", name: "api-ingress", code: "unknown-field" }),
    );
  });

  it("evaluates the dropped field as the API server stores it (the peer widens to the namespace)", async () => {
    const files = { "b/c.yaml": pods, "b/p.yaml": apiFromWeb, "a/c.yaml": pods, "a/p.yaml": apiFromNobody };
    const io = memoryIo(files);
    await runCli(io, ["diff", "--before", "b", "--after", "a"]);
    expect(io.stdout()).toContain("+ allowed  shop/worker -> shop/api  TCP/80");
    expect(io.stdout()).not.toContain("- denied");
  });

  it("lists each side's notes in json (a finished pod left out on one side)", async () => {
    const finished = `${pods}---
apiVersion: v1
kind: Pod
metadata: {name: job-x, namespace: shop, labels: {app: job}}
spec: {nodeName: n1, containers: [{name: c}]}
status: {phase: Succeeded, podIP: 10.0.0.20}
`;
    const files = { "b/c.yaml": pods, "b/p.yaml": apiFromWeb, "a/c.yaml": finished, "a/p.yaml": apiFromWeb };
    const io = memoryIo(files);
    expect(await runCli(io, ["diff", "--before", "b", "--after", "a", "-f", "json"])).toBe(0);
    expect(parseJson<DiffJson>(io.stdout()).notes).toEqual([
      "--after: 1 pod in phase Succeeded/Failed left out",
    ]);
    expect(io.stderr()).toContain("netguard: --after: 1 pod in phase Succeeded/Failed left out\n");
  });
});
