/**
 * The `validate` pipeline: read manifests strictly (duplicate keys reported, other kinds ignored),
 * check every NetworkPolicy as the API server would (via the injected `checkApi`), then lint the
 * decoded policies, against a cluster snapshot when one is given. Pure apart from the InputFs.
 */
import { pushTo } from "../base/multimap.js";
import { appendAll } from "../base/append-all.js";
import { error, locate, type Issue, warning } from "../issue/issue.js";
import { decodeObject, isPolicyKindNotEvaluated, misspeltKind } from "../k8s/decode-object.js";
import { isObject } from "../k8s/fields.js";
import type { NetworkPolicy } from "../k8s/model.js";
import type { RawObject } from "../load/documents.js";
import { issuesAtFieldLines } from "../load/issue-lines.js";
import { type InputFs, loadSnapshot, readInputs } from "../load/sources.js";
import { type ClusterIndex, indexSnapshot } from "../policy/cluster-index.js";
import { dryRunView } from "../policy/dry-run-view.js";
import { lintMemo } from "./lint/context.js";
import { lintPolicy } from "./lint/lint-policy.js";
import type { ValidationReport } from "./report.js";
import { byKey } from "../base/compare.js";

/** API-server validation of one NetworkPolicy object as written. */
export type ApiCheck = (obj: unknown) => Issue[];

/** What `validate` reads besides the manifests. */
export interface ValidateInputs {
  readonly manifests: readonly string[];
  /** Files with Pods, Namespaces and Nodes for cluster-aware lints. */
  readonly cluster: readonly string[];
  /** Objects read from a live cluster, under the `cluster` files. */
  readonly clusterBase?: readonly RawObject[];
}

/** Runs the checks; `ioProblem` is set when an input could not be read at all. */
export async function validateManifests(
  fs: InputFs,
  inputs: ValidateInputs,
  checkApi: ApiCheck,
): Promise<{ report: ValidationReport; ioProblem: boolean }> {
  const read = await readInputs(fs, inputs.manifests, { strictJson: true });
  const issues: Issue[] = [...read.issues];
  const ioProblem = read.issues.some((i) => i.code === "missing-input" || i.code === "unreadable-input");
  const files = new Set(read.objects.map((o) => o.source.file));
  const cluster = await loadCluster(fs, inputs, issues);
  const found: Issue[] = []; // about the manifests' objects, at their objects' lines until the end
  const { policies, seen } = checkPolicies(read.objects, checkApi, found);
  lintPolicies(policies, cluster, found);
  appendAll(issues, issuesAtFieldLines(found, read.texts));
  if (!ioProblem) appendAll(issues, nothingToValidate(read.objects.length, seen));
  return { report: { issues: sortIssues(issues), files: files.size, policies: seen }, ioProblem };
}

/** The cluster for cluster-aware lints, when one is given; its errors go to `issues`. */
async function loadCluster(
  fs: InputFs,
  inputs: ValidateInputs,
  issues: Issue[],
): Promise<ClusterIndex | undefined> {
  if (inputs.cluster.length === 0 && (inputs.clusterBase?.length ?? 0) === 0) return undefined;
  const loaded = await loadSnapshot(fs, inputs.cluster, inputs.clusterBase ?? []);
  appendAll(
    issues,
    loaded.issues.filter((i) => i.severity === "error"),
  );
  // Lints see the cluster as the dry-run does: workloads' templates and pods without status count.
  return indexSnapshot(dryRunView(loaded.snapshot).snapshot);
}

/** A decoded policy the API server accepts, with the object as written (lints read both). */
interface CheckedPolicy {
  readonly policy: NetworkPolicy;
  readonly raw: Record<string, unknown>;
}

/**
 * The API-server checks of every NetworkPolicy object (issues into `found`); `seen` counts them.
 * Returns the policies the API server would accept, decoded, for the lints.
 */
function checkPolicies(
  objects: readonly RawObject[],
  checkApi: ApiCheck,
  found: Issue[],
): { policies: CheckedPolicy[]; seen: number } {
  const policies: CheckedPolicy[] = [];
  let seen = 0;
  for (const o of objects) {
    if (!isObject(o.value) || o.value.kind !== "NetworkPolicy") {
      // A policy under a misspelt kind (`NetworkPolicies`), or of a kind netguard does not check
      // yet (ClusterNetworkPolicy), would otherwise pass unchecked: the decoder's error says so.
      if (
        isObject(o.value) &&
        typeof o.value.kind === "string" &&
        (misspeltKind(o.value.kind) === "NetworkPolicy" ||
          isPolicyKindNotEvaluated(o.value.kind, o.value.apiVersion))
      )
        appendAll(found, decodeObject(o.value, o.source).issues);
      continue;
    }
    seen++;
    const meta = isObject(o.value.metadata) ? o.value.metadata : {};
    const ref = {
      kind: "NetworkPolicy",
      ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
      ...(typeof meta.name === "string" ? { name: meta.name } : {}),
    };
    const apiIssues = checkApi(o.value);
    appendAll(found, locate(apiIssues, o.source, ref));
    // Lints read the decoded policy; one the API server would reject is not linted further.
    if (apiIssues.some((i) => i.severity === "error")) continue;
    const { decoded } = decodeObject(o.value, o.source);
    if (decoded?.kind === "NetworkPolicy") policies.push({ policy: decoded.value, raw: o.value });
  }
  return { policies, seen };
}

/** The lints of every accepted policy (against the others and the cluster), issues into `found`. */
function lintPolicies(
  policies: readonly CheckedPolicy[],
  cluster: ClusterIndex | undefined,
  found: Issue[],
): void {
  const all = policies.map((p) => p.policy);
  const memo = lintMemo();
  const policiesByNamespace = new Map<string, NetworkPolicy[]>();
  for (const p of all) pushTo(policiesByNamespace, p.namespace, p);
  for (const { policy, raw } of policies) {
    const ref = { kind: "NetworkPolicy", namespace: policy.namespace, name: policy.name };
    appendAll(
      found,
      locate(
        lintPolicy(policy, raw, {
          policies: all,
          policiesByNamespace,
          memo,
          ...(cluster ? { cluster } : {}),
        }),
        policy.source,
        ref,
      ),
    );
  }
}

/**
 * An input with no objects at all is an error (an empty file or directory is never a clean pass);
 * objects but no NetworkPolicy is a warning (the summary says 0; `--strict` fails on it).
 */
function nothingToValidate(objects: number, policies: number): Issue[] {
  if (objects === 0)
    return [
      error(
        "empty-input",
        "",
        "no objects in the input (empty files or no .yaml, .yml or .json file): nothing was validated",
      ),
    ];
  if (policies === 0)
    return [
      warning(
        "no-network-policy",
        "",
        `none of the ${objects} object(s) read is a NetworkPolicy: nothing was validated`,
      ),
    ];
  return [];
}

function sortIssues(issues: Issue[]): Issue[] {
  const key = (i: Issue) =>
    `${i.source?.file ?? ""}\u0000${String(i.source?.line ?? 0).padStart(9, "0")}\u0000${i.path}\u0000${i.code}`;
  return [...issues].sort(byKey(key));
}
