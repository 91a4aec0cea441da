/**
 * The input errors a result must carry with it, so nobody reads a table or a diff as clean when
 * the decoder found errors: the JSON `errors` array, and the policies whose verdicts may not match
 * the cluster (the table footer, explain and diff).
 */
import { compareStrings } from "../base/compare.js";
import type { Issue } from "../issue/issue.js";

/** One error-severity issue in the JSON outputs (`errors` array). */
export interface ErrorEntry {
  readonly file?: string;
  readonly line?: number;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** Field path in the API server's notation; empty for whole-document problems. */
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/** The error-severity issues as JSON entries, in the order they were reported. */
export function errorEntries(issues: readonly Issue[]): ErrorEntry[] {
  return issues
    .filter((i) => i.severity === "error")
    .map((i) => ({
      ...(i.source ? { file: i.source.file, line: i.source.line } : {}),
      ...(i.object ? { kind: i.object.kind } : {}),
      ...(i.object?.namespace !== undefined ? { namespace: i.object.namespace } : {}),
      ...(i.object?.name !== undefined ? { name: i.object.name } : {}),
      path: i.path,
      code: i.code,
      message: i.message,
    }));
}

/** `ns/name` of every NetworkPolicy with at least one error, sorted, each once. */
export function policiesWithErrors(issues: readonly Issue[]): string[] {
  const refs = new Set<string>();
  for (const i of issues) {
    if (i.severity !== "error" || i.object?.kind !== "NetworkPolicy" || i.object.name === undefined) continue;
    refs.add(`${i.object.namespace ?? "default"}/${i.object.name}`);
  }
  return [...refs].sort(compareStrings);
}

/**
 * The name of every ClusterNetworkPolicy with at least one error, sorted, each once: the decoder
 * reads such a policy fail-closed, so verdicts involving it may not be the cluster's.
 */
export function clusterPoliciesWithErrors(issues: readonly Issue[]): string[] {
  const names = new Set<string>();
  for (const i of issues) {
    if (i.severity !== "error" || i.object?.kind !== "ClusterNetworkPolicy" || i.object.name === undefined)
      continue;
    names.add(i.object.name);
  }
  return [...names].sort(compareStrings);
}

const POLICY_KINDS: ReadonlySet<string | undefined> = new Set(["NetworkPolicy", "ClusterNetworkPolicy"]);

/**
 * Footer lines for the human outputs: the policies (of both kinds) with errors and, when other
 * objects or files had errors too, how many (their details are on stderr). Empty without errors.
 */
export function errorFooter(issues: readonly Issue[]): string[] {
  const policies = policiesWithErrors(issues);
  const cnps = clusterPoliciesWithErrors(issues);
  const others = issues.filter(
    (i) => i.severity === "error" && (!POLICY_KINDS.has(i.object?.kind) || i.object?.name === undefined),
  ).length;
  const lines: string[] = [];
  if (policies.length > 0)
    lines.push(`policies with errors (their verdicts may not match the cluster): ${policies.join(", ")}`);
  if (cnps.length > 0)
    lines.push(
      `ClusterNetworkPolicies with errors, read fail-closed (their verdicts may not match the cluster): ${cnps.join(", ")}`,
    );
  if (others > 0)
    lines.push(
      `${others} other input error${others === 1 ? "" : "s"} (see stderr): the result may not match the cluster`,
    );
  return lines;
}
