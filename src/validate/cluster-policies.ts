/**
 * The ClusterNetworkPolicy part of `validate`: every ClusterNetworkPolicy object through the one
 * decoder (src/k8s/decode-cnp*.ts), which reports the CRD's schema limits and CEL rules as errors at
 * their field paths, plus the API server's metadata checks; then the lints of the policies the API
 * server would accept, against every policy known and the cluster view.
 */
import { appendAll } from "../base/append-all.js";
import { byName } from "../base/compare.js";
import { type Issue, locate } from "../issue/issue.js";
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import { isObject } from "../k8s/fields.js";
import type { RawObject } from "../load/documents.js";
import type { DecodedObject } from "../load/snapshot.js";
import type { ClusterIndex } from "../policy/cluster-index.js";
import { notRepeating, requireApiVersion, validateCnpMeta } from "./cnp-meta.js";
import { lintExperimentalFields } from "./lint/cnp-experimental.js";
import { cnpLintMemo } from "./lint/cnp-context.js";
import { lintClusterPolicy } from "./lint/lint-cnp.js";

/** The decoder's code for experimental fields; validate reports them as `cnp-experimental-field`. */
const DECODER_EXPERIMENTAL = "experimental-field";
/**
 * The one error netguard adds to what the API server checks: `domainNames`, which the API server
 * (experimental CRD) accepts and netguard does not support. A policy with it is still linted.
 */
const NETGUARD_ONLY_ERROR = "unsupported-field";

/** Whether an object is a ClusterNetworkPolicy to check (`kind` as written). */
export function isClusterPolicyObject(o: RawObject): boolean {
  return isObject(o.value) && o.value.kind === "ClusterNetworkPolicy";
}

/** A checked policy: decoded, and whether the API server would accept it. */
export interface CheckedClusterPolicy {
  readonly policy: ClusterNetworkPolicy;
  readonly accepted: boolean;
}

/**
 * Checks one ClusterNetworkPolicy object, decoded once (`decodeObjects`): issues into `found`, at
 * the object's source; returns the decoded policy, if it decoded.
 */
export function checkClusterPolicy(o: DecodedObject, found: Issue[]): CheckedClusterPolicy | undefined {
  const { decoded, issues } = o;
  const name = isObject(o.value) && isObject(o.value.metadata) ? o.value.metadata.name : undefined;
  const ref = { kind: "ClusterNetworkPolicy", ...(typeof name === "string" ? { name } : {}) };
  const extra = isObject(o.value) ? [...requireApiVersion(o.value), ...validateCnpMeta(o.value)] : [];
  const kept = issues.filter((i) => i.code !== DECODER_EXPERIMENTAL);
  const all = [...kept, ...notRepeating(kept, locate(extra, o.source, ref))];
  appendAll(found, all);
  if (isObject(o.value)) appendAll(found, locate(lintExperimentalFields(o.value), o.source, ref));
  if (decoded?.kind !== "ClusterNetworkPolicy") return undefined;
  const accepted = !all.some((i) => i.severity === "error" && i.code !== NETGUARD_ONLY_ERROR);
  return { policy: decoded.value, accepted };
}

/** The policies of one run: the input's the API server would accept, and every policy known. */
export interface KnownClusterPolicies {
  readonly accepted: readonly ClusterNetworkPolicy[];
  /** The accepted ones and the cluster's they do not replace (by name), sorted by name. */
  readonly all: readonly ClusterNetworkPolicy[];
}

/** What the run knows of ClusterNetworkPolicies (a rejected object replaces nothing in the cluster). */
export function knownClusterPolicies(
  checked: readonly CheckedClusterPolicy[],
  fromCluster: readonly ClusterNetworkPolicy[],
): KnownClusterPolicies {
  const accepted = checked.filter((c) => c.accepted).map((c) => c.policy);
  const names = new Set(accepted.map((p) => p.name));
  const all = [...accepted, ...fromCluster.filter((p) => !names.has(p.name))].sort(byName);
  return { accepted, all };
}

/** Lints the accepted policies of the input against every policy known and the view. */
export function lintClusterPolicies(
  known: KnownClusterPolicies,
  view: ClusterIndex | undefined,
  found: Issue[],
): void {
  const inInput = new Set(known.accepted.map((p) => p.name));
  const ctx = { policies: known.all, inInput, memo: cnpLintMemo(), ...(view ? { view } : {}) };
  for (const policy of known.accepted) appendAll(found, lintClusterPolicy(policy, ctx));
}
