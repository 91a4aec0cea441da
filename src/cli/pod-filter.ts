/**
 * `--from`/`--to` of simulate: `namespace`, `namespace/pod` or a workload `namespace/Kind/name`
 * (its entry, or every pod it owns). A pattern that matches nothing is a usage error naming the
 * closest names: a typo must never print a table of denials.
 */
import { type Pod, refOf } from "../k8s/model.js";
import { closestSuffix } from "./closest.js";
import { UsageError } from "./io.js";
import { clipName } from "../issue/quote.js";

/** True when `pattern` names the pod, its namespace or its top-level owner. */
export function patternMatches(pattern: string, pod: Pod): boolean {
  if (!pattern.includes("/")) return pattern === pod.namespace;
  return pattern === refOf(pod) || pattern === pod.owner;
}

/** Every name a pattern could have meant: namespaces, refs and owners of the pods. */
export function podNames(pods: readonly Pod[]): Set<string> {
  const names = new Set<string>();
  for (const p of pods) {
    names.add(p.namespace);
    names.add(refOf(p));
    if (p.owner) names.add(p.owner);
  }
  return names;
}

/** The usage error for a pod that was read but left out because it finished. */
export function finishedPod(flag: string, ref: string): UsageError {
  return new UsageError(
    `${flag} ${clipName(ref)}: the pod is in phase Succeeded/Failed and left out (a finished pod takes no traffic)`,
  );
}

/**
 * The filter for the patterns given to `flag`, undefined when none are given. Throws a UsageError
 * (exit 2) for the first pattern that matches none of `pods` (`finished`: refs of pods left out).
 */
export function podFilter(
  flag: string,
  patterns: readonly string[] | undefined,
  pods: readonly Pod[],
  finished: ReadonlySet<string> = new Set(),
): ((pod: Pod) => boolean) | undefined {
  if (!patterns || patterns.length === 0) return undefined;
  for (const p of patterns) {
    if (pods.some((pod) => patternMatches(p, pod))) continue;
    if (finished.has(p)) throw finishedPod(flag, p);
    throw new UsageError(
      `no pod or workload matches ${flag} ${clipName(p)}${closestSuffix(p, podNames(pods))}`,
    );
  }
  return (pod) => patterns.some((p) => patternMatches(p, pod));
}
