/**
 * Decodes a workload (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
 * ReplicationController) to the one thing policy sees of it: its pod template. The result is a Pod
 * entry standing for every replica, named `Kind/name`, with no address and `nonTarget: "template"`
 * so only the dry-run (policy/dry-run-view.ts) evaluates it.
 *
 * A workload's schema is huge and netguard reads a tiny part of it, so unknown fields are not
 * reported; wrong types on the fields read are errors at their paths.
 */
import type { ObjectMeta } from "./decode-meta.js";
import { decodeContainerPorts } from "./decode-pod.js";
import {
  type Issues,
  type JsonObject,
  join,
  optBoolean,
  optObject,
  optString,
  optStringMap,
} from "./fields.js";
import { type Labels, type Pod, WORKLOAD_KINDS, type WorkloadKind } from "./model.js";

/** The API group/version each workload kind is read from. */
export const WORKLOAD_API_VERSIONS: Readonly<Record<WorkloadKind, string>> = {
  Deployment: "apps/v1",
  ReplicaSet: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  Job: "batch/v1",
  CronJob: "batch/v1",
  ReplicationController: "v1",
};

const KINDS: ReadonlySet<string> = new Set(WORKLOAD_KINDS);

/** True for the kinds whose pod template the dry-run reads. */
export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return KINDS.has(kind);
}

/**
 * Decodes a workload whose metadata has already been read. Undefined (with an error) when it has
 * no pod template: the API server requires one, and without it there is nothing to evaluate.
 */
export function decodeWorkload(
  kind: WorkloadKind,
  meta: ObjectMeta,
  obj: JsonObject,
  issues: Issues,
): Pod | undefined {
  const found = templateOf(kind, obj, issues);
  if (!found) return undefined;
  const { template, path, spec: workloadSpec } = found;
  const templateMeta = optObject(template, "metadata", path, issues) ?? {};
  const labels = optStringMap(templateMeta, "labels", `${path}.metadata`, issues);
  const spec = optObject(template, "spec", path, issues) ?? {};
  const specPath = `${path}.spec`;
  const nodeName = optString(spec, "nodeName", specPath, issues);
  const hostNetwork = optBoolean(spec, "hostNetwork", specPath, issues) ?? false;
  const ports = decodeContainerPorts(spec, specPath, issues);
  return {
    namespace: meta.namespace,
    name: `${kind}/${meta.name}`,
    labels: kind === "Job" ? jobLabels(meta.name, workloadSpec, labels, issues) : labels,
    ...(nodeName ? { nodeName } : {}),
    ips: [],
    ports,
    nonTarget: hostNetwork ? "host-network" : "template",
    workload: kind,
    ...(meta.controller ? { controller: meta.controller } : {}),
  };
}

/** `spec.template`, or `spec.jobTemplate.spec.template` for a CronJob, with its path. */
function templateOf(
  kind: WorkloadKind,
  obj: JsonObject,
  issues: Issues,
): { template: JsonObject; path: string; spec: JsonObject } | undefined {
  const spec = requiredObject(obj, "spec", "", issues);
  if (!spec) return undefined;
  if (kind !== "CronJob") {
    const template = requiredObject(spec, "template", "spec", issues);
    return template && { template, path: "spec.template", spec };
  }
  const jobTemplate = requiredObject(spec, "jobTemplate", "spec", issues);
  const jobSpec = jobTemplate && requiredObject(jobTemplate, "spec", "spec.jobTemplate", issues);
  const template = jobSpec && requiredObject(jobSpec, "template", "spec.jobTemplate.spec", issues);
  return template && { template, path: "spec.jobTemplate.spec.template", spec };
}

/** An object field the API server requires: `required` when absent, `wrong-type` when not an object. */
function requiredObject(o: JsonObject, key: string, path: string, issues: Issues): JsonObject | undefined {
  const v = optObject(o, key, path, issues);
  if (!v && (o[key] === undefined || o[key] === null))
    issues.fail(join(path, key), "is required", "required");
  return v;
}

/**
 * A Job's pods carry `batch.kubernetes.io/job-name` and `job-name` = the Job's name: the API server
 * adds them to the template (with the controller uid, which is not known here) unless
 * `spec.manualSelector` is true. Labels written in the template win.
 */
function jobLabels(name: string, spec: JsonObject, labels: Labels, issues: Issues): Labels {
  if (optBoolean(spec, "manualSelector", "spec", issues) === true) return labels;
  return { "batch.kubernetes.io/job-name": name, "job-name": name, ...labels };
}
