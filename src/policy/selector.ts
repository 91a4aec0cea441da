/**
 * metav1.LabelSelector matching: every `matchLabels` pair and every `matchExpressions` requirement
 * must hold (they are ANDed); the empty selector matches everything.
 */

import { assertNever } from "../base/assert-never.js";
import type { LabelSelector, Labels, Requirement } from "../k8s/model.js";

/** True when `labels` satisfy `selector`. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const key in selector.matchLabels) {
    if (labels[key] !== selector.matchLabels[key]) return false;
  }
  return selector.matchExpressions.every((r) => requirementHolds(r, labels));
}

/**
 * One requirement. `NotIn` holds when the key is absent (as in Kubernetes' labels.Selector);
 * `In` needs the key present with one of the values.
 */
export function requirementHolds(r: Requirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  switch (r.operator) {
    case "In":
      return has && r.values.includes(labels[r.key] as string);
    case "NotIn":
      return !has || !r.values.includes(labels[r.key] as string);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    default:
      return assertNever(r.operator);
  }
}

/** True for the empty selector, which selects everything. */
export function isEmptySelector(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels).length === 0 && s.matchExpressions.length === 0;
}

/** Canonical text of a selector (sorted), used as a stable identity for deduplication and display. */
export function selectorKey(s: LabelSelector): string {
  const labels = Object.keys(s.matchLabels)
    .sort()
    .map((k) => `${k}=${s.matchLabels[k]}`);
  const exprs = s.matchExpressions
    .map((r) => `${r.key} ${r.operator}${r.values.length ? ` (${[...r.values].sort().join(",")})` : ""}`)
    .sort();
  return [...labels, ...exprs].join(", ");
}
