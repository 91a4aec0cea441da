/**
 * The NetworkPolicy part of `validate`: each NetworkPolicy object through the API-server checks
 * (the injected `checkApi`), then the lints of the policies the API server would accept, against
 * the others and the cluster.
 */
import { appendAll } from "../base/append-all.js";
import { pushTo } from "../base/multimap.js";
import { type Issue, locate } from "../issue/issue.js";
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import { isObject } from "../k8s/fields.js";
import type { NetworkPolicy } from "../k8s/model.js";
import type { DecodedObject } from "../load/snapshot.js";
import type { ClusterIndex } from "../policy/cluster-index.js";
import { lintMemo } from "./lint/context.js";
import { lintPolicy } from "./lint/lint-policy.js";

/** API-server validation of one NetworkPolicy object as written. */
export type ApiCheck = (obj: unknown) => Issue[];

/** A decoded policy the API server accepts, with the object as written (lints read both). */
export interface CheckedPolicy {
  readonly policy: NetworkPolicy;
  readonly raw: Record<string, unknown>;
}

/**
 * The API-server checks of one NetworkPolicy object (issues into `found`). Returns the policy,
 * decoded, when the API server would accept it.
 */
export function checkPolicy(o: DecodedObject, checkApi: ApiCheck, found: Issue[]): CheckedPolicy | undefined {
  if (!isObject(o.value)) return undefined;
  const meta = isObject(o.value.metadata) ? o.value.metadata : {};
  const ref = {
    kind: "NetworkPolicy",
    ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
    ...(typeof meta.name === "string" ? { name: meta.name } : {}),
  };
  const apiIssues = checkApi(o.value);
  appendAll(found, locate(apiIssues, o.source, ref));
  // Lints read the decoded policy; one the API server would reject is not linted further.
  if (apiIssues.some((i) => i.severity === "error")) return undefined;
  const { decoded } = o;
  return decoded?.kind === "NetworkPolicy" ? { policy: decoded.value, raw: o.value } : undefined;
}

/**
 * The lints of every accepted policy (against the others, the cluster and the ClusterNetworkPolicies
 * known), issues into `found`.
 */
export function lintPolicies(
  policies: readonly CheckedPolicy[],
  around: {
    readonly cluster: ClusterIndex | undefined;
    readonly clusterPolicies: readonly ClusterNetworkPolicy[];
  },
  found: Issue[],
): void {
  const { cluster, clusterPolicies } = around;
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
          clusterPolicies,
          ...(cluster ? { cluster } : {}),
        }),
        policy.source,
        ref,
      ),
    );
  }
}
