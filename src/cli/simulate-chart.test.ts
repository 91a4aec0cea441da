import { describe, expect, it } from "vitest";
import { parseSimulate } from "../../test/support/json.js";
import { memoryIo } from "../../test/support/memory-io.js";
import { runCli } from "./main.js";

/** What `helm template` prints for a small chart: two Deployments, a Service, a NetworkPolicy. */
const deployments = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 8080, name: http}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api, ports: [{containerPort: 8080, name: http}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec: {selector: {app: api}, ports: [{port: 80, targetPort: http}]}
`;

const policy = (from: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: ${from}}}}]
    ports: [{port: http}]
`;

const chart = { "chart/templates.yaml": deployments, "chart/policy.yaml": policy("web") };

describe("simulate on a rendered chart (workloads, pods without status)", () => {
  it("prints a table with one row per workload and the verdicts of its pod templates", async () => {
    const io = memoryIo(chart, { tty: true });
    expect(await runCli(io, ["simulate", "chart"])).toBe(0);
    expect(io.stdout()).toBe(
      [
        "TCP/8080",
        "-                    shop/Deployment/api  shop/Deployment/web",
        "shop/Deployment/api  X                    .",
        "shop/Deployment/web  .                    .",
        "",
      ].join("\n"),
    );
  });

  it("prints every cell in json: web reaches api, api replicas do not reach each other", async () => {
    const io = memoryIo(chart);
    expect(await runCli(io, ["simulate", "-f", "json", "chart"])).toBe(0);
    const out = parseSimulate(io.stdout());
    expect(out.pods).toEqual(["shop/Deployment/api", "shop/Deployment/web"]);
    const verdict = (from: string, to: string) =>
      out.results.find((r: { from: string; to: string }) => r.from === from && r.to === to)?.allowed;
    expect(verdict("shop/Deployment/web", "shop/Deployment/api")).toBe(true);
    expect(verdict("shop/Deployment/api", "shop/Deployment/api")).toBe(false);
    expect(verdict("shop/Deployment/api", "shop/Deployment/web")).toBe(true);
    expect(out.owners).toEqual({});
    expect(out.errors).toEqual([]);
  });

  it("explain says the workload's self cell is replica-to-replica traffic", async () => {
    const io = memoryIo(chart);
    const args = ["explain", "--from", "shop/Deployment/api", "--to", "shop/Deployment/api", "-p", "8080"];
    expect(await runCli(io, [...args, "chart"])).toBe(0);
    expect(io.stdout()).toContain(
      "  replica to replica: two different pods of shop/Deployment/api, evaluated like any two pods (not the same-pod exemption)\n",
    );
    expect(io.stdout()).toContain(
      "ingress of the destination: workload shop/Deployment/api is isolated by shop/api-ingress: DENIED",
    );
  });

  it("simulate --from with a typo exits 2 naming the pod and the workload it could mean", async () => {
    const io = memoryIo(chart, { tty: true });
    expect(await runCli(io, ["simulate", "--format", "table", "--from", "shop/webb", "chart"])).toBe(2);
    expect(io.stdout()).toBe("");
    expect(io.stderr()).toContain(
      "no pod or workload matches --from shop/webb; closest: shop/Deployment/web\n",
    );
  });
});

describe("explain on a chart", () => {
  it("says that an end without an address is matched by no ipBlock", async () => {
    const egress = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-egress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
`;
    const io = memoryIo({ ...chart, "chart/egress.yaml": egress });
    const args = [
      "explain",
      "--from",
      "shop/Deployment/web",
      "--to",
      "shop/Deployment/api",
      "-p",
      "8080",
      "chart",
    ];
    expect(await runCli(io, args)).toBe(0);
    expect(io.stdout()).toContain("DENIED");
    expect(io.stdout()).toMatch(
      /has no address: matched by no ipBlock \(shop\/web-egress spec\.egress\[0\]\.to\[0\]\)/,
    );
  });
});

describe("diff of a chart before and after a policy change", () => {
  const files = {
    ...chart,
    "after/templates.yaml": deployments,
    "after/policy.yaml": policy("frontend"),
  };

  it("reports the newly denied connection between the workloads", async () => {
    const io = memoryIo(files);
    expect(await runCli(io, ["diff", "--before", "chart", "--after", "after"])).toBe(0);
    expect(io.stdout()).toContain("- denied ");
    expect(io.stdout()).toMatch(/shop\/\S*web\S* -> shop\/\S*api\S*\s+TCP\/8080/);
    expect(io.stdout()).not.toContain("no connection changes");
  });

  it("fails the --fail-on denied gate", async () => {
    const io = memoryIo(files);
    expect(await runCli(io, ["diff", "--before", "chart", "--after", "after", "--fail-on", "denied"])).toBe(
      1,
    );
  });

  it("sees a changed template label as a connection change", async () => {
    const relabelled = deployments.replace(
      "metadata: {labels: {app: web}}",
      "metadata: {labels: {app: www}}",
    );
    const io = memoryIo({ ...chart, "after/templates.yaml": relabelled, "after/policy.yaml": policy("web") });
    expect(await runCli(io, ["diff", "--before", "chart", "--after", "after", "--fail-on", "denied"])).toBe(
      1,
    );
    expect(io.stdout()).toContain("- denied ");
  });
});
