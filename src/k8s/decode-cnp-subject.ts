/**
 * Decodes ClusterNetworkPolicy `spec.subject` (ClusterNetworkPolicySubject: exactly one of
 * `namespaces` or `pods`) and NamespacedPod (`pods` in a subject or peer), policy.networking.k8s.io/v1alpha2.
 */
import { warning } from "../issue/issue.js";
import { clipName } from "../issue/quote.js";
import type { CnpSubject } from "./cnp-model.js";
import { exactlyOne, present } from "./decode-cnp-lists.js";
import { decodeSelector, EVERYTHING } from "./decode-selector.js";
import { describe, type Issues, isObject, type JsonObject, join, knownFieldsOnly } from "./fields.js";
import type { LabelSelector } from "./model.js";

/** ClusterNetworkPolicySubject's fields. */
const SUBJECT_FIELDS = ["namespaces", "pods"] as const;
/** NamespacedPod's fields. */
const NAMESPACED_POD_FIELDS = new Set(["namespaceSelector", "podSelector"]);
/** NetworkPolicy's names for these fields, written by habit. */
const SUBJECT_MEANT: Readonly<Record<string, string>> = {
  podSelector: "pods",
  namespaceSelector: "namespaces",
};

/** How the evaluator reads an `unknown` subject (src/policy/cnp-match.ts), for the warning. */
const UNKNOWN_SUBJECT =
  "netguard cannot tell which pods the subject selects: the policy is read as selecting every pod, with its Accept rules matching nothing and its Deny and Pass rules denying";

/**
 * NamespacedPod at `path`: `namespaceSelector` ("if empty, it selects all Namespaces"; absent is
 * empty) AND `podSelector` (required; "if empty, it selects all Pods"). Undefined (with issues)
 * when malformed or, failing closed, holding an unknown field.
 */
export function decodeNamespacedPod(
  v: unknown,
  path: string,
  issues: Issues,
): { readonly namespaces: LabelSelector; readonly pods: LabelSelector } | undefined {
  if (!isObject(v)) return issues.fail(path, `must be an object, got ${describe(v)}`, "wrong-type");
  const known = knownFieldsOnly(v, NAMESPACED_POD_FIELDS, path, issues);
  const namespaces = present(v.namespaceSelector)
    ? decodeSelector(v.namespaceSelector, join(path, "namespaceSelector"), issues)
    : EVERYTHING;
  if (!present(v.podSelector)) return issues.fail(join(path, "podSelector"), "is required", "required");
  const pods = decodeSelector(v.podSelector, join(path, "podSelector"), issues);
  return known && namespaces && pods ? { namespaces, pods } : undefined;
}

/**
 * `spec.subject`: "Exactly one field must be set." A subject that is missing, malformed or has a
 * field netguard does not know decodes to `unknown` (with issues), which the evaluator reads
 * fail-closed; `fields` names the fields that were set.
 */
export function decodeCnpSubject(spec: JsonObject, issues: Issues): CnpSubject {
  const path = "spec.subject";
  const v = spec.subject;
  if (!isObject(v)) {
    if (present(v)) issues.fail(path, `must be an object, got ${describe(v)}`, "wrong-type");
    else issues.fail(path, "is required", "required");
    issues.add(warning("fail-closed", path, UNKNOWN_SUBJECT));
    return { kind: "unknown", fields: [] };
  }
  const known = knownFieldsOnly(v, new Set(SUBJECT_FIELDS), path, issues, SUBJECT_MEANT);
  const subject = known ? decodeKnownSubject(v, path, issues) : undefined;
  if (subject) return subject;
  issues.add(warning("fail-closed", path, UNKNOWN_SUBJECT));
  return { kind: "unknown", fields: Object.keys(v).map((k) => clipName(k)) };
}

function decodeKnownSubject(v: JsonObject, path: string, issues: Issues): CnpSubject | undefined {
  const field = exactlyOne(v, SUBJECT_FIELDS, path, issues);
  if (field === "namespaces") {
    const namespaces = decodeSelector(v.namespaces, join(path, "namespaces"), issues);
    return namespaces && { kind: "namespaces", namespaces };
  }
  if (field === "pods") {
    const sel = decodeNamespacedPod(v.pods, join(path, "pods"), issues);
    return sel && { kind: "pods", ...sel };
  }
  return undefined;
}
