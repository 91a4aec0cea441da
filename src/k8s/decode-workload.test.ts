import { describe, expect, it } from "vitest";
import type { Issue } from "../issue/issue.js";
import { decodeObject } from "./decode-object.js";
import type { Pod, WorkloadKind } from "./model.js";

type Json = Record<string, unknown>;

const SOURCE = { file: "chart.yaml", line: 7 };

const API: Record<WorkloadKind, string> = {
  Deployment: "apps/v1",
  ReplicaSet: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  Job: "batch/v1",
  CronJob: "batch/v1",
  ReplicationController: "v1",
};
const KINDS = Object.keys(API) as WorkloadKind[];

/** A pod template with the given spec and labels. */
const template = (spec: Json = {}, labels: Json | "none" = { app: "web" }): Json => ({
  metadata: labels === "none" ? {} : { labels },
  spec,
});

/** A workload of `kind` in namespace `shop` whose pod template is `tmpl`, as a chart renders it. */
function workload(kind: WorkloadKind, tmpl: unknown, metadata: Json = {}): Json {
  const spec: Json =
    kind === "CronJob"
      ? { schedule: "*/5 * * * *", jobTemplate: { spec: { template: tmpl } } }
      : { replicas: 3, selector: { matchLabels: { app: "web" } }, template: tmpl };
  return { apiVersion: API[kind], kind, metadata: { name: "web", namespace: "shop", ...metadata }, spec };
}

/** The template's path in a workload of `kind`. */
const at = (kind: WorkloadKind, rest: string) =>
  `${kind === "CronJob" ? "spec.jobTemplate.spec.template" : "spec.template"}${rest}`;

function decode(value: unknown): { entry?: Pod; issues: Issue[] } {
  const { decoded, issues } = decodeObject(value, SOURCE);
  if (decoded && decoded.kind !== "Pod") throw new Error(`decoded as ${decoded.kind}`);
  return { ...(decoded ? { entry: decoded.value } : {}), issues };
}

const errors = (issues: readonly Issue[]) => issues.filter((i) => i.severity === "error");
const paths = (issues: readonly Issue[]) => errors(issues).map((i) => [i.path, i.code]);

describe("workload decoding: the pod template is an entry", () => {
  it.each(KINDS)("a %s becomes one template entry named Kind/name", (kind) => {
    const ports = [{ name: "http", containerPort: 8080 }];
    const { entry, issues } = decode(
      workload(kind, template({ containers: [{ name: "app", image: "x", ports }] })),
    );
    expect(issues).toEqual([]);
    expect(entry).toEqual({
      namespace: "shop",
      name: `${kind}/web`,
      labels:
        kind === "Job"
          ? { app: "web", "batch.kubernetes.io/job-name": "web", "job-name": "web" }
          : { app: "web" },
      ips: [],
      ports: [{ name: "http", port: 8080, protocol: "TCP" }],
      nonTarget: "template",
      workload: kind,
      source: SOURCE,
    });
  });

  it.each(KINDS)("a %s without metadata.namespace is in `default`", (kind) => {
    const value = workload(kind, template());
    const { entry } = decode({ ...value, metadata: { name: "web" } });
    expect(entry).toMatchObject({ namespace: "default", name: `${kind}/web` });
  });

  it.each(KINDS)("a %s in a List or without apiVersion decodes the same", (kind) => {
    const { apiVersion: _omit, ...value } = workload(kind, template());
    expect(decode(value).entry?.name).toBe(`${kind}/web`);
  });

  it.each(KINDS)("a %s whose template has no labels is an entry with no labels", (kind) => {
    const { entry, issues } = decode(workload(kind, template({}, "none")));
    expect(issues).toEqual([]);
    expect(entry?.labels).toEqual(
      kind === "Job" ? { "batch.kubernetes.io/job-name": "web", "job-name": "web" } : {},
    );
  });

  it("a CronJob's template is read at spec.jobTemplate.spec.template, not spec.template", () => {
    const value = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "backup", namespace: "ops" },
      spec: {
        schedule: "0 3 * * *",
        template: template({}, { wrong: "place" }),
        jobTemplate: {
          metadata: { labels: { not: "the-pods" } },
          spec: {
            template: template({ containers: [{ ports: [{ containerPort: 5432 }] }] }, { app: "backup" }),
          },
        },
      },
    };
    const { entry, issues } = decode(value);
    expect(issues).toEqual([]);
    expect(entry).toMatchObject({
      name: "CronJob/backup",
      labels: { app: "backup" },
      ports: [{ port: 5432, protocol: "TCP" }],
    });
  });

  it.each(KINDS)("%s: ports of containers and of sidecar (restartPolicy Always) init containers", (kind) => {
    const { entry, issues } = decode(
      workload(
        kind,
        template({
          containers: [
            { ports: [{ name: "http", containerPort: 80 }] },
            { ports: [{ containerPort: 53, protocol: "UDP" }] },
          ],
          initContainers: [
            { name: "setup", ports: [{ name: "setup", containerPort: 7000 }] },
            { name: "mesh", restartPolicy: "Always", ports: [{ name: "proxy", containerPort: 15001 }] },
          ],
        }),
      ),
    );
    expect(issues).toEqual([]);
    expect(entry?.ports).toEqual([
      { name: "http", port: 80, protocol: "TCP" },
      { port: 53, protocol: "UDP" },
      { name: "proxy", port: 15001, protocol: "TCP" },
    ]);
  });

  it.each(KINDS)("a %s with a host-network template is a host-network entry", (kind) => {
    const { entry } = decode(workload(kind, template({ hostNetwork: true })));
    expect(entry?.nonTarget).toBe("host-network");
    expect(entry?.workload).toBe(kind);
  });

  it("a template's spec.nodeName is kept", () => {
    expect(decode(workload("DaemonSet", template({ nodeName: "n1" }))).entry?.nodeName).toBe("n1");
  });

  it("a workload's own controller ownerReference is read (a ReplicaSet of a Deployment)", () => {
    const ownerReferences = [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "web",
        uid: "u1",
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
    const { entry, issues } = decode(
      workload("ReplicaSet", template(), { name: "web-5d8f", ownerReferences }),
    );
    expect(issues).toEqual([]);
    expect(entry?.controller).toEqual({ kind: "Deployment", name: "web" });
  });

  it("a workload's fields other than the template are not checked (no unknown-field reports)", () => {
    const value = workload("Deployment", {
      ...template({ containers: [{ name: "a", image: "x", resources: {}, bogus: 1 }], bogusSpec: true }),
      bogusTemplate: 1,
    });
    const { entry, issues } = decode({
      ...value,
      status: { replicas: 3 },
      spec: { ...(value.spec as Json), strategy: { type: "Recreate" }, madeUp: [1] },
    });
    expect(issues).toEqual([]);
    expect(entry?.name).toBe("Deployment/web");
  });
});

describe("workload decoding: Job labels", () => {
  it("the API server's job-name labels are added; labels written in the template win", () => {
    const { entry } = decode(workload("Job", template({}, { app: "migrate", "job-name": "custom" })));
    expect(entry?.labels).toEqual({
      app: "migrate",
      "batch.kubernetes.io/job-name": "web",
      "job-name": "custom",
    });
  });

  it("with spec.manualSelector the template's labels are used as written", () => {
    const value = workload("Job", template({}, { app: "migrate" }));
    const { entry } = decode({ ...value, spec: { ...(value.spec as Json), manualSelector: true } });
    expect(entry?.labels).toEqual({ app: "migrate" });
  });
});

describe("workload decoding: errors", () => {
  it.each<[string, WorkloadKind, string]>([
    ["Deployment in apps/v1beta1", "Deployment", "apps/v1beta1"],
    ["Deployment in extensions/v1beta1", "Deployment", "extensions/v1beta1"],
    ["DaemonSet in v1", "DaemonSet", "v1"],
    ["CronJob in batch/v1beta1", "CronJob", "batch/v1beta1"],
    ["ReplicationController in apps/v1", "ReplicationController", "apps/v1"],
    ["Job in batch/v2", "Job", "batch/v2"],
  ])("%s is rejected with unsupported-api-version", (_name, kind, apiVersion) => {
    const { entry, issues } = decode({ ...workload(kind, template()), apiVersion });
    expect(entry).toBeUndefined();
    expect(issues).toEqual([
      expect.objectContaining({
        code: "unsupported-api-version",
        severity: "error",
        path: "apiVersion",
        source: SOURCE,
        object: { kind },
      }),
    ]);
  });

  it.each(KINDS)("a %s's wrong types are errors at their paths, and the rest is kept", (kind) => {
    const { entry, issues } = decode(
      workload(
        kind,
        template(
          {
            hostNetwork: "yes",
            nodeName: 7,
            containers: [{ ports: [{ containerPort: "80" }, { containerPort: 81, name: 1 }, 5] }, "sidecar"],
            initContainers: { mesh: {} },
          },
          { app: "web", tier: 2 },
        ),
      ),
    );
    expect(paths(issues)).toEqual([
      [at(kind, ".metadata.labels.tier"), "wrong-type"],
      [at(kind, ".spec.nodeName"), "wrong-type"],
      [at(kind, ".spec.hostNetwork"), "wrong-type"],
      [at(kind, ".spec.containers[0].ports[0].containerPort"), "wrong-type"],
      [at(kind, ".spec.containers[0].ports[0].containerPort"), "invalid-value"],
      [at(kind, ".spec.containers[0].ports[1].name"), "wrong-type"],
      [at(kind, ".spec.containers[0].ports[2]"), "wrong-type"],
      [at(kind, ".spec.containers[1]"), "wrong-type"],
      [at(kind, ".spec.initContainers"), "wrong-type"],
    ]);
    expect(errors(issues).every((i) => i.source === SOURCE)).toBe(true);
    expect(issues[0]?.object).toEqual({ kind, namespace: "shop", name: "web" });
    expect(entry).toMatchObject({ labels: { app: "web" }, ports: [{ port: 81 }] });
  });

  it.each(KINDS)("a %s without a pod template is a required error and no entry", (kind) => {
    const value = workload(kind, undefined);
    const { entry, issues } = decode(value);
    expect(entry).toBeUndefined();
    expect(paths(issues)).toEqual([[at(kind, ""), "required"]]);
  });

  it.each<[string, Json, string, string]>([
    ["spec is a list", { spec: [] }, "spec", "wrong-type"],
    ["no spec", {}, "spec", "required"],
    ["template is a string", { spec: { template: "web" } }, "spec.template", "wrong-type"],
    ["template.spec is a list", { spec: { template: { spec: [] } } }, "spec.template.spec", "wrong-type"],
    [
      "template.metadata is a string",
      { spec: { template: { metadata: "x" } } },
      "spec.template.metadata",
      "wrong-type",
    ],
  ])("Deployment: %s", (_name, body, path, code) => {
    const value = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, ...body };
    expect(paths(decode(value).issues)).toEqual([[path, code]]);
  });

  it.each<[string, Json, string, string]>([
    ["no jobTemplate", { schedule: "x" }, "spec.jobTemplate", "required"],
    ["jobTemplate is a list", { jobTemplate: [] }, "spec.jobTemplate", "wrong-type"],
    ["no jobTemplate.spec", { jobTemplate: {} }, "spec.jobTemplate.spec", "required"],
    ["no template", { jobTemplate: { spec: {} } }, "spec.jobTemplate.spec.template", "required"],
    [
      "template is a number",
      { jobTemplate: { spec: { template: 1 } } },
      "spec.jobTemplate.spec.template",
      "wrong-type",
    ],
  ])("CronJob: %s", (_name, spec, path, code) => {
    const value = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "c" }, spec };
    const { entry, issues } = decode(value);
    expect(entry).toBeUndefined();
    expect(paths(issues)).toEqual([[path, code]]);
  });

  it("a Job's manualSelector of the wrong type is an error", () => {
    const value = workload("Job", template());
    const { issues } = decode({ ...value, spec: { ...(value.spec as Json), manualSelector: "true" } });
    expect(paths(issues)).toEqual([["spec.manualSelector", "wrong-type"]]);
  });

  it("a workload without metadata.name is an error and no entry", () => {
    const { entry, issues } = decode({ ...workload("StatefulSet", template()), metadata: {} });
    expect(entry).toBeUndefined();
    expect(paths(issues)).toEqual([["metadata.name", "required"]]);
  });
});

describe("a misspelt kind", () => {
  it.each([
    ["NetworkPolicies", "NetworkPolicy"],
    ["networkpolicy", "NetworkPolicy"],
    ["Deploymnet", "Deployment"],
    ["Pods", "Pod"],
    ["statefulset", "StatefulSet"],
  ])("%s is an unknown-kind error suggesting %s, not a skipped-kind warning", (kind, meant) => {
    const { decoded, issues } = decodeObject(
      { apiVersion: "v1", kind, metadata: { name: "x", namespace: "n" } },
      { file: "f", line: 1 },
    );
    expect(decoded).toBeUndefined();
    expect(issues).toMatchObject([{ code: "unknown-kind", severity: "error", path: "kind" }]);
    expect(issues[0]?.message).toContain(`did you mean \`${meant}\``);
  });

  it.each([
    "Service",
    "ConfigMap",
    "ServiceAccount",
    "Secret",
    "Role",
    "Ingress",
    "Endpoints",
    "Lease",
    "Pool",
    "Mode",
  ])("%s, a kind netguard does not read, is still only skipped with a warning", (kind) => {
    const { issues } = decodeObject(
      { apiVersion: "v1", kind, metadata: { name: "x" } },
      { file: "f", line: 1 },
    );
    expect(issues.map((i) => i.code)).toEqual(["skipped-kind"]);
  });
});

describe("a huge kind netguard does not read", () => {
  it("is named in at most about 80 characters and its length", () => {
    const { issues } = decodeObject(
      { kind: "v".repeat(40_000), metadata: { name: "x" } },
      { file: "f", line: 1 },
    );
    expect(issues.map((i) => i.code)).toEqual(["skipped-kind"]);
    expect(issues[0]?.message.length).toBeLessThan(200);
    expect(issues[0]?.object?.kind.length).toBeLessThan(120);
    expect(issues[0]?.message).toContain("40000");
  });
});
