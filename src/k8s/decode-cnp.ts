/**
 * Decodes a ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2, network-policy-api bundle
 * v0.2.0) with the API server's checks: every limit and CEL rule of the CRD is an error at its
 * field path, as `kubectl apply` would report it.
 *
 * Failing closed: the API's rule for what an implementation cannot read is "For "Accept" rules,
 * "fail closed" means: "treat the rule as matching no traffic". For "Deny" and "Pass" rules, "fail
 * closed" means: "treat the rule as a 'Deny all' rule"". A peer or rule netguard cannot read is
 * read that way (decode-cnp-rule.ts, decode-cnp-peer.ts), a subject as `unknown`
 * (decode-cnp-subject.ts); a policy whose tier or priority is unusable, or (failing closed on unknown
 * fields, the agent's mode) whose object or spec has an unknown field, denies all traffic of its
 * subject's pods from the Admin tier. In `drop` mode (the dry-run commands) unknown fields are
 * reported and dropped, as the API server stores the object with field validation Warn.
 */
import { error } from "../issue/issue.js";
import { clipName, quoteValue } from "../issue/quote.js";
import type { ClusterNetworkPolicy, CnpSubject, CnpTier } from "./cnp-model.js";
import { present } from "./decode-cnp-lists.js";
import { decodeCnpRules, failClosedRule } from "./decode-cnp-rule.js";
import { decodeCnpSubject } from "./decode-cnp-subject.js";
import { decodeMeta, type ObjectMeta } from "./decode-meta.js";
import {
  describe,
  type Issues,
  isObject,
  type JsonObject,
  knownFieldsOnly,
  optInteger,
  optObject,
  optString,
} from "./fields.js";

/** The group/version this decoder reads. */
export const CNP_API_VERSION = "policy.networking.k8s.io/v1alpha2";
/** The object's top-level fields. */
const OBJECT_FIELDS = new Set(["apiVersion", "kind", "metadata", "spec", "status"]);
/** ClusterNetworkPolicySpec's fields. */
const SPEC_FIELDS = new Set(["tier", "priority", "subject", "ingress", "egress"]);
const TIERS: readonly CnpTier[] = ["Admin", "Baseline"];
/** `spec.priority`: "a value from 0 to 1000". */
const PRIORITY_MAX = 1000;

/**
 * Decodes a whole ClusterNetworkPolicy object (`apiVersion`, `kind`, `metadata`, `spec`).
 * Undefined (with issues) when it is not one, cannot be identified (no `metadata.name`) or has no
 * `spec` (nothing to enforce: there is no subject).
 */
export function decodeClusterNetworkPolicy(raw: unknown, issues: Issues): ClusterNetworkPolicy | undefined {
  if (!isObject(raw)) {
    return issues.fail("", `a ClusterNetworkPolicy must be a mapping, got ${describe(raw)}`, "wrong-type");
  }
  if (present(raw.kind) && raw.kind !== "ClusterNetworkPolicy") {
    return issues.fail(
      "kind",
      `must be ClusterNetworkPolicy, got ${describe(raw.kind)}`,
      "unsupported-value",
    );
  }
  if (present(raw.apiVersion) && raw.apiVersion !== CNP_API_VERSION) {
    return issues.fail(
      "apiVersion",
      `ClusterNetworkPolicy must be ${CNP_API_VERSION}, got ${describe(raw.apiVersion)}; skipped`,
      "unsupported-api-version",
    );
  }
  const meta = decodeMeta(raw, false, issues);
  return meta && decodeCnpSpec(meta, raw, issues);
}

/**
 * Decodes the spec of a ClusterNetworkPolicy whose metadata has already been read (for
 * `decodeObject`, which reads metadata for every kind).
 */
export function decodeCnpSpec(
  meta: ObjectMeta,
  obj: JsonObject,
  issues: Issues,
): ClusterNetworkPolicy | undefined {
  const spec = optObject(obj, "spec", "", issues);
  if (!spec) return present(obj.spec) ? undefined : issues.fail("spec", "is required", "required");
  const known =
    knownFieldsOnly(obj, OBJECT_FIELDS, "", issues) && knownFieldsOnly(spec, SPEC_FIELDS, "spec", issues);
  const tier = decodeTier(spec, issues);
  const priority = decodePriority(spec, issues);
  const subject = decodeCnpSubject(spec, issues);
  if (!known || tier === undefined || priority === undefined) {
    // The API server reports every error of a request at once: check the rules too.
    decodeCnpRules(spec, "ingress", issues);
    decodeCnpRules(spec, "egress", issues);
    const why = known ? "its tier or priority is unusable" : "it has fields netguard does not know";
    return failClosedPolicy(meta.name, priority ?? 0, subject, why, issues);
  }
  const ingress = decodeCnpRules(spec, "ingress", issues);
  const egress = decodeCnpRules(spec, "egress", issues);
  return { name: meta.name, tier, priority, subject, ingress, egress };
}

/** `spec.tier`: required, Admin or Baseline. */
function decodeTier(spec: JsonObject, issues: Issues): CnpTier | undefined {
  const tier = optString(spec, "tier", "spec", issues);
  const found = TIERS.find((t) => t === tier);
  if (found) return found;
  if (tier !== undefined) {
    return issues.fail(
      "spec.tier",
      `${quoteValue(tier)} is not a tier (Admin, Baseline)`,
      "unsupported-value",
    );
  }
  return present(spec.tier) ? undefined : issues.fail("spec.tier", "is required", "required");
}

/** `spec.priority`: required, an integer from 0 to 1000. */
function decodePriority(spec: JsonObject, issues: Issues): number | undefined {
  if (!present(spec.priority)) return issues.fail("spec.priority", "is required", "required");
  const priority = optInteger(spec, "priority", "spec", issues);
  if (priority === undefined) return undefined;
  if (priority < 0 || priority > PRIORITY_MAX) {
    return issues.fail("spec.priority", `must be between 0 and ${PRIORITY_MAX}, inclusive (got ${priority})`);
  }
  return priority;
}

/**
 * The fail-closed reading of a policy netguard cannot place or read: an Admin policy at its
 * priority (0 when unusable) whose one rule in each direction denies all traffic of its subject.
 */
function failClosedPolicy(
  name: string,
  priority: number,
  subject: CnpSubject,
  why: string,
  issues: Issues,
): ClusterNetworkPolicy {
  issues.add(
    error(
      "fail-closed",
      "spec",
      `${why}: the policy fails closed, denying all ingress and egress traffic of the pods its subject selects (Admin tier, priority ${priority})`,
    ),
  );
  const rule = failClosedRule(0, `netguard fail-closed: ${clipName(name, 60)}`, "Deny", ["spec"]);
  return { name, tier: "Admin", priority, subject, ingress: [rule], egress: [rule] };
}
