/**
 * The `validate` pipeline: read manifests strictly (duplicate keys reported, other kinds ignored),
 * check every NetworkPolicy as the API server would (via the injected `checkApi`) and every
 * ClusterNetworkPolicy through the one decoder (the CRD's limits and CEL rules), then lint the
 * policies the API server would accept, against a cluster view when there is one. Pure apart from
 * the InputFs.
 */
import { appendAll } from "../base/append-all.js";
import { byKey } from "../base/compare.js";
import { error, type Issue, warning } from "../issue/issue.js";
import { isPolicyKindNotEvaluated, misspeltKind } from "../k8s/decode-object.js";
import { isObject } from "../k8s/fields.js";
import type { RawObject } from "../load/documents.js";
import { issuesAtFieldLines } from "../load/issue-lines.js";
import { type DecodedObject, decodeObjects } from "../load/snapshot.js";
import { type InputFs, readInputs } from "../load/sources.js";
import {
  type CheckedClusterPolicy,
  checkClusterPolicy,
  isClusterPolicyObject,
  knownClusterPolicies,
  lintClusterPolicies,
} from "./cluster-policies.js";
import { loadClusterViews } from "./cluster-view.js";
import { type ApiCheck, type CheckedPolicy, checkPolicy, lintPolicies } from "./network-policies.js";
import type { ValidationReport } from "./report.js";

export type { ApiCheck } from "./network-policies.js";

/** What `validate` reads besides the manifests. */
export interface ValidateInputs {
  readonly manifests: readonly string[];
  /** Files with Pods, Namespaces, Nodes and policies for cluster-aware lints. */
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
  const manifests = decodeObjects(read.objects);
  const views = await loadClusterViews(fs, inputs, manifests, issues);
  const found: Issue[] = []; // about the manifests' objects, at their objects' lines until the end
  const checked = checkObjects(manifests, checkApi, found);
  const cnps = knownClusterPolicies(checked.clusterPolicies, views.clusterPolicies);
  lintPolicies(checked.policies, { cluster: views.cluster, clusterPolicies: cnps.all }, found);
  lintClusterPolicies(cnps, views.view, found);
  appendAll(issues, issuesAtFieldLines(found, read.texts));
  const counts = checked.seen;
  if (!ioProblem) appendAll(issues, nothingToValidate(read.objects.length, counts));
  return {
    report: { issues: sortIssues(issues), files: files.size, ...counts },
    ioProblem,
  };
}

/** What the checks found: the policies to lint, and how many objects of each policy kind were read. */
interface Checked {
  readonly policies: CheckedPolicy[];
  readonly clusterPolicies: CheckedClusterPolicy[];
  readonly seen: { policies: number; clusterPolicies: number };
}

/** Dispatches each object by `kind`: NetworkPolicy, ClusterNetworkPolicy, or a policy kind misnamed. */
function checkObjects(objects: readonly DecodedObject[], checkApi: ApiCheck, found: Issue[]): Checked {
  const out: Checked = { policies: [], clusterPolicies: [], seen: { policies: 0, clusterPolicies: 0 } };
  for (const o of objects) {
    if (isClusterPolicyObject(o)) {
      out.seen.clusterPolicies++;
      const cnp = checkClusterPolicy(o, found);
      if (cnp) out.clusterPolicies.push(cnp);
    } else if (isObject(o.value) && o.value.kind === "NetworkPolicy") {
      out.seen.policies++;
      const np = checkPolicy(o, checkApi, found);
      if (np) out.policies.push(np);
    } else if (isMisnamedPolicy(o.value)) {
      // A policy under a misspelt kind (`NetworkPolicies`), or of a kind netguard does not read
      // (v1alpha1 AdminNetworkPolicy), would otherwise pass unchecked: the decoder's error says so.
      appendAll(found, o.issues);
    }
  }
  return out;
}

function isMisnamedPolicy(v: unknown): boolean {
  if (!isObject(v) || typeof v.kind !== "string") return false;
  const meant = misspeltKind(v.kind);
  return (
    meant === "NetworkPolicy" ||
    meant === "ClusterNetworkPolicy" ||
    isPolicyKindNotEvaluated(v.kind, v.apiVersion)
  );
}

/**
 * An input with no objects at all is an error (an empty file or directory is never a clean pass);
 * objects but no policy of either kind is a warning (the summary says 0; `--strict` fails on it).
 */
function nothingToValidate(
  objects: number,
  seen: { readonly policies: number; readonly clusterPolicies: number },
): Issue[] {
  if (objects === 0)
    return [
      error(
        "empty-input",
        "",
        "no objects in the input (empty files or no .yaml, .yml or .json file): nothing was validated",
      ),
    ];
  if (seen.policies + seen.clusterPolicies === 0)
    return [
      warning(
        "no-network-policy",
        "",
        `none of the ${objects} object(s) read is a NetworkPolicy or ClusterNetworkPolicy: nothing was validated`,
      ),
    ];
  return [];
}

function sortIssues(issues: Issue[]): Issue[] {
  const key = (i: Issue) =>
    `${i.source?.file ?? ""}\u0000${String(i.source?.line ?? 0).padStart(9, "0")}\u0000${i.path}\u0000${i.code}`;
  return [...issues].sort(byKey(key));
}
