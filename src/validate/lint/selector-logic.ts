/**
 * Reasoning about metav1.LabelSelectors without a cluster: whether one selector certainly selects a
 * subset of another, and whether two certainly select nothing in common. Both answers are
 * conservative ("false" means "not proven"), so lints built on them only report what is certain.
 */
import type { LabelSelector, Requirement } from "../../k8s/model.js";

/** The selector as requirements only: each `matchLabels` pair `k: v` is `k In (v)`. */
function requirements(s: LabelSelector): Requirement[] {
  const fromLabels = Object.entries(s.matchLabels).map(([key, v]): Requirement => ({
    key,
    operator: "In",
    values: [v],
  }));
  return [...fromLabels, ...s.matchExpressions];
}

/** True when `r` certainly holds for every label set satisfying requirement `n` (same key). */
function requirementImplies(n: Requirement, r: Requirement): boolean {
  if (n.key !== r.key) return false;
  const subsetOf = (xs: readonly string[], ys: readonly string[]) => xs.every((x) => ys.includes(x));
  switch (r.operator) {
    case "Exists":
      return n.operator === "In" || n.operator === "Exists";
    case "DoesNotExist":
      return n.operator === "DoesNotExist";
    case "In":
      return n.operator === "In" && subsetOf(n.values, r.values);
    case "NotIn":
      return (
        n.operator === "DoesNotExist" ||
        (n.operator === "In" && !n.values.some((v) => r.values.includes(v))) ||
        (n.operator === "NotIn" && subsetOf(r.values, n.values))
      );
  }
}

/** True when every label set matching `narrow` certainly matches `broad` (`broad` ⊇ `narrow`). */
export function selectorImplies(narrow: LabelSelector, broad: LabelSelector): boolean {
  const have = requirements(narrow);
  return requirements(broad).every((r) => have.some((n) => requirementImplies(n, r)));
}

/** True when two requirements on the same key can never both hold. */
function contradict(a: Requirement, b: Requirement): boolean {
  if (a.key !== b.key) return false;
  const present = (r: Requirement) => r.operator === "In" || r.operator === "Exists";
  if ((present(a) && b.operator === "DoesNotExist") || (present(b) && a.operator === "DoesNotExist"))
    return true;
  if (a.operator === "In" && b.operator === "In") return !a.values.some((v) => b.values.includes(v));
  if (a.operator === "In" && b.operator === "NotIn") return a.values.every((v) => b.values.includes(v));
  if (a.operator === "NotIn" && b.operator === "In") return b.values.every((v) => a.values.includes(v));
  return false;
}

/** True when no label set can match both selectors. */
export function selectorsDisjoint(a: LabelSelector, b: LabelSelector): boolean {
  const all = [...requirements(a), ...requirements(b)];
  return all.some((x, i) => all.slice(i + 1).some((y) => contradict(x, y)));
}
