import { describe, expect, it } from "vitest";
import { refOf, type Snapshot } from "../k8s/model.js";
import { parseDocuments, type RawObject } from "./documents.js";
import { buildSnapshot } from "./snapshot.js";

type Json = Record<string, unknown>;

const ns = (name: string, labels: Record<string, string> = {}): Json => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels },
});
const pod = (namespace: string, name: string, labels: Record<string, string> = {}): Json => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace, labels },
  status: { phase: "Running", podIP: "10.0.0.1" },
});
const policy = (namespace: string, name: string, spec: Json = { podSelector: {} }): Json => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name, namespace },
  spec,
});
const node = (name: string): Json => ({ apiVersion: "v1", kind: "Node", metadata: { name } });

/** Raw objects from file `in.yaml`, object i on line 10 * (i + 1). */
const raw = (...values: Json[]): RawObject[] =>
  values.map((value, i) => ({ value, source: { file: "in.yaml", line: 10 * (i + 1) } }));

describe("buildSnapshot: assumed namespaces", () => {
  it("a pod in a namespace absent from the input gets an assumed Namespace and a warning", () => {
    const { snapshot, issues } = buildSnapshot(raw(pod("shop", "web")));
    expect(snapshot.namespaces.get("shop")).toEqual({
      name: "shop",
      labels: { "kubernetes.io/metadata.name": "shop" },
      declared: false,
    });
    expect(issues).toEqual([
      expect.objectContaining({
        code: "namespace-assumed",
        severity: "warning",
        source: { file: "in.yaml", line: 10 },
        object: { kind: "Namespace", name: "shop" },
      }),
    ]);
  });

  it("a policy in a namespace absent from the input also gets one", () => {
    const { snapshot, issues } = buildSnapshot(raw(policy("ops", "deny")));
    expect(snapshot.namespaces.get("ops")?.declared).toBe(false);
    expect(issues.map((i) => i.code)).toEqual(["namespace-assumed"]);
  });

  it("a namespace is assumed once however many objects live in it", () => {
    const { snapshot, issues } = buildSnapshot(raw(pod("a", "p1"), pod("a", "p2"), policy("a", "x")));
    expect([...snapshot.namespaces.keys()]).toEqual(["a"]);
    expect(issues.filter((i) => i.code === "namespace-assumed")).toHaveLength(1);
  });

  it.each<[string, Json[]]>([
    ["before the pod", [ns("shop", { team: "x" }), pod("shop", "web")]],
    ["after the pod", [pod("shop", "web"), ns("shop", { team: "x" })]],
  ])("a declared Namespace listed %s is used as is, with no warning", (_name, objects) => {
    const { snapshot, issues } = buildSnapshot(raw(...objects));
    expect(issues).toEqual([]);
    expect(snapshot.namespaces.get("shop")).toMatchObject({
      declared: true,
      labels: { team: "x", "kubernetes.io/metadata.name": "shop" },
    });
  });

  it("a pod without metadata.namespace lands in an assumed `default`", () => {
    const { snapshot } = buildSnapshot(raw({ apiVersion: "v1", kind: "Pod", metadata: { name: "p" } }));
    expect(snapshot.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(["default/p"]);
    expect(snapshot.namespaces.get("default")?.declared).toBe(false);
  });
});

describe("buildSnapshot: duplicates", () => {
  it.each<[string, Json, Json, (s: ReturnType<typeof buildSnapshot>["snapshot"]) => unknown, unknown]>([
    [
      "Pod",
      pod("a", "p", { v: "1" }),
      pod("a", "p", { v: "2" }),
      (s) => s.pods.map((p) => p.labels.v),
      ["2"],
    ],
    [
      "NetworkPolicy",
      policy("a", "x", { podSelector: { matchLabels: { v: "1" } } }),
      policy("a", "x", { podSelector: { matchLabels: { v: "2" } } }),
      (s) => s.policies.map((p) => p.podSelector.matchLabels.v),
      ["2"],
    ],
    ["Namespace", ns("a", { v: "1" }), ns("a", { v: "2" }), (s) => s.namespaces.get("a")?.labels.v, "2"],
    [
      "Node",
      node("n1"),
      { ...node("n1"), spec: { podCIDR: "10.0.0.0/24" } },
      (s) => s.nodes.get("n1")?.podCIDRs.length,
      1,
    ],
  ])(
    "a duplicate %s keeps the last object with a duplicate-object warning",
    (_kind, first, second, pick, expected) => {
      const unrelated = ns("other");
      const { snapshot, issues } = buildSnapshot(raw(first, unrelated, second));
      expect(pick(snapshot)).toEqual(expected);
      const dups = issues.filter((i) => i.code === "duplicate-object");
      expect(dups).toEqual([
        expect.objectContaining({ severity: "warning", source: { file: "in.yaml", line: 30 } }),
      ]);
      expect(dups[0]?.message).toContain("in.yaml:10");
    },
  );

  it("same name in different namespaces is not a duplicate", () => {
    const { snapshot, issues } = buildSnapshot(raw(ns("a"), ns("b"), pod("a", "p"), pod("b", "p")));
    expect(issues).toEqual([]);
    expect(snapshot.pods).toHaveLength(2);
  });

  it("same name for different kinds is not a duplicate", () => {
    const { issues } = buildSnapshot(raw(ns("a"), pod("a", "x"), policy("a", "x")));
    expect(issues).toEqual([]);
  });

  it("three copies give two warnings and keep the last", () => {
    const { snapshot, issues } = buildSnapshot(
      raw(ns("a"), pod("a", "p", { v: "1" }), pod("a", "p", { v: "2" }), pod("a", "p", { v: "3" })),
    );
    expect(snapshot.pods.map((p) => p.labels.v)).toEqual(["3"]);
    expect(issues.filter((i) => i.code === "duplicate-object").map((i) => i.source?.line)).toEqual([30, 40]);
  });
});

describe("buildSnapshot: ordering", () => {
  const objects = [
    pod("b", "z"),
    policy("b", "deny"),
    ns("b"),
    pod("a", "y"),
    node("n2"),
    pod("b", "a"),
    policy("a", "allow"),
    ns("a"),
    pod("a", "b"),
    policy("a", "additional"),
    node("n1"),
  ];

  const summary = (values: Json[]) => {
    const { snapshot } = buildSnapshot(raw(...values));
    return {
      pods: snapshot.pods.map((p) => `${p.namespace}/${p.name}`),
      policies: snapshot.policies.map((p) => `${p.namespace}/${p.name}`),
      namespaces: [...snapshot.namespaces.keys()],
      nodes: [...snapshot.nodes.keys()],
    };
  };

  const expected = {
    pods: ["a/b", "a/y", "b/a", "b/z"],
    policies: ["a/additional", "a/allow", "b/deny"],
    namespaces: ["a", "b"],
    nodes: ["n1", "n2"],
  };

  it.each<[string, Json[]]>([
    ["as given", objects],
    ["reversed", [...objects].reverse()],
    ["rotated", [...objects.slice(5), ...objects.slice(0, 5)]],
  ])("output is sorted by namespace/name regardless of input order (%s)", (_name, input) => {
    expect(summary(input)).toEqual(expected);
  });

  it("assumed namespaces are sorted among declared ones", () => {
    const { snapshot } = buildSnapshot(raw(ns("c"), pod("b", "x"), ns("a")));
    expect([...snapshot.namespaces.keys()]).toEqual(["a", "b", "c"]);
  });

  it("is deterministic: the same objects give the same snapshot and issues", () => {
    const input = raw(...objects, pod("b", "z"), pod("q", "r"));
    expect(buildSnapshot(input)).toEqual(buildSnapshot(input));
  });
});

describe("buildSnapshot: issues from decoding are passed through", () => {
  it("a skipped kind and a malformed object are reported and do not stop the rest", () => {
    const { snapshot, issues } = buildSnapshot(
      raw(
        { apiVersion: "v1", kind: "Service", metadata: { name: "s" } },
        { apiVersion: "v1", kind: "Pod", metadata: {} },
        ns("a"),
        pod("a", "ok"),
      ),
    );
    expect(issues.map((i) => [i.code, i.source?.line])).toEqual([
      ["skipped-kind", 10],
      ["required", 20],
    ]);
    expect(snapshot.pods.map((p) => p.name)).toEqual(["ok"]);
  });
});

describe("buildSnapshot: workloads", () => {
  /** Parses YAML/JSON text as the loader does and builds the snapshot. */
  const load = (text: string) => {
    const parsed = parseDocuments("in.yaml", text);
    expect(parsed.issues).toEqual([]);
    return buildSnapshot(parsed.objects);
  };
  const summary = (s: Snapshot) => s.pods.map((p) => [refOf(p), p.workload ?? "Pod", p.labels.app]);
  const lines = (...xs: string[]) => `${xs.join("\n")}\n`;
  const templated = (kind: string, apiVersion: string, name: string, app: string) =>
    lines(
      `apiVersion: ${apiVersion}`,
      `kind: ${kind}`,
      "metadata:",
      `  name: ${name}`,
      "  namespace: shop",
      "spec:",
      "  template:",
      "    metadata:",
      `      labels: {app: ${app}}`,
      "    spec:",
      "      containers:",
      "      - name: app",
      "        image: x",
      "        ports: [{containerPort: 80, name: http}]",
    );

  it("every workload kind of a multi-document stream is an entry ns/Kind/name, with no skipped-kind", () => {
    const text = [
      templated("Deployment", "apps/v1", "web", "web"),
      templated("ReplicaSet", "apps/v1", "web-1", "web1"),
      templated("StatefulSet", "apps/v1", "db", "db"),
      templated("DaemonSet", "apps/v1", "agent", "agent"),
      templated("Job", "batch/v1", "migrate", "migrate"),
      templated("ReplicationController", "v1", "legacy", "legacy"),
      lines(
        "apiVersion: batch/v1",
        "kind: CronJob",
        "metadata: {name: backup, namespace: shop}",
        "spec:",
        "  schedule: '0 3 * * *'",
        "  jobTemplate:",
        "    spec:",
        "      template:",
        "        metadata: {labels: {app: backup}}",
        "        spec: {containers: [{name: b, image: x}]}",
      ),
      lines("apiVersion: v1", "kind: Service", "metadata: {name: web, namespace: shop}"),
      lines("apiVersion: v1", "kind: Namespace", "metadata: {name: shop}"),
    ].join("---\n");
    const { snapshot, issues } = load(text);
    expect(issues.map((i) => [i.code, i.object?.kind])).toEqual([["skipped-kind", "Service"]]);
    expect(summary(snapshot)).toEqual([
      ["shop/CronJob/backup", "CronJob", "backup"],
      ["shop/DaemonSet/agent", "DaemonSet", "agent"],
      ["shop/Deployment/web", "Deployment", "web"],
      ["shop/Job/migrate", "Job", "migrate"],
      ["shop/ReplicaSet/web-1", "ReplicaSet", "web1"],
      ["shop/ReplicationController/legacy", "ReplicationController", "legacy"],
      ["shop/StatefulSet/db", "StatefulSet", "db"],
    ]);
    expect(snapshot.pods.find((p) => p.workload === "Job")?.source).toEqual({ file: "in.yaml", line: 61 });
  });

  it("a `kubectl get -A -o yaml` List of workloads and pods, with owners", () => {
    const text = lines(
      "apiVersion: v1",
      "kind: List",
      "items:",
      "- apiVersion: apps/v1",
      "  kind: ReplicaSet",
      "  metadata:",
      "    name: web-5d8f",
      "    namespace: shop",
      "    ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]",
      "  spec:",
      "    template: {metadata: {labels: {app: web}}, spec: {containers: [{name: a, image: x}]}}",
      "- apiVersion: v1",
      "  kind: Pod",
      "  metadata:",
      "    name: web-5d8f-abcde",
      "    namespace: shop",
      "    labels: {app: web}",
      "    ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: u2, controller: true}]",
      "  spec: {containers: [{name: a, image: x}]}",
      "  status: {phase: Running, podIP: 10.0.0.7}",
    );
    const { snapshot, issues } = load(text);
    expect(issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(snapshot.pods.map((p) => [refOf(p), p.controller, p.source?.line])).toEqual([
      ["shop/ReplicaSet/web-5d8f", { kind: "Deployment", name: "web" }, 4],
      ["shop/web-5d8f-abcde", { kind: "ReplicaSet", name: "web-5d8f" }, 12],
    ]);
  });

  it("typed Lists (DeploymentList, CronJobList as the API server sends them) give their items' kind", () => {
    const deployments = {
      apiVersion: "apps/v1",
      kind: "DeploymentList",
      items: [{ metadata: { name: "a" }, spec: { template: { metadata: { labels: { app: "a" } } } } }],
    };
    const cronJobs = {
      apiVersion: "batch/v1",
      kind: "CronJobList",
      items: [
        {
          metadata: { name: "c" },
          spec: { jobTemplate: { spec: { template: { metadata: { labels: { app: "c" } } } } } },
        },
      ],
    };
    const s1 = load(JSON.stringify(deployments, null, 2));
    const s2 = load(JSON.stringify(cronJobs));
    expect(s1.issues.map((i) => i.code)).toEqual(["namespace-assumed"]);
    expect([...summary(s1.snapshot), ...summary(s2.snapshot)]).toEqual([
      ["default/Deployment/a", "Deployment", "a"],
      ["default/CronJob/c", "CronJob", "c"],
    ]);
  });

  it("a workload and a pod of the same name do not collide; two workloads of one kind and name do", () => {
    const deployment = (app: string): Json => ({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "a" },
      spec: { template: { metadata: { labels: { app } } } },
    });
    const statefulSet = { ...deployment("s"), apiVersion: "apps/v1", kind: "StatefulSet" };
    const { snapshot, issues } = buildSnapshot(
      raw(ns("a"), deployment("v1"), pod("a", "web"), statefulSet, deployment("v2")),
    );
    expect(snapshot.pods.map(refOf)).toEqual(["a/Deployment/web", "a/StatefulSet/web", "a/web"]);
    expect(snapshot.pods[0]?.labels.app).toBe("v2");
    const dups = issues.filter((i) => i.code === "duplicate-object");
    expect(dups.map((i) => [i.source?.line, i.message])).toEqual([
      [50, "Deployment a/Deployment/web appears more than once (first at in.yaml:20); the last one is used"],
    ]);
  });

  it("a workload in a namespace absent from the input gets an assumed Namespace", () => {
    const { snapshot, issues } = buildSnapshot(
      raw({
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: { name: "d", namespace: "kube-system" },
        spec: { template: {} },
      }),
    );
    expect(snapshot.namespaces.get("kube-system")?.declared).toBe(false);
    expect(issues.map((i) => i.code)).toEqual(["namespace-assumed"]);
  });
});
