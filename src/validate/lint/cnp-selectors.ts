/**
 * Label selectors as sets of label maps, for lints that must prove something for every pod or
 * namespace a selector may ever select, not only those in a cluster view: whether two selectors
 * can select a common object (`mayIntersect`) and whether one provably selects everything another
 * selects (`selectorCovers`). metav1.LabelSelector: "The requirements are ANDed"; `matchLabels`
 * `{k: v}` is the requirement `k In (v)`.
 */
import type { LabelSelector, Requirement } from "../../k8s/model.js";

/** The requirements of a selector, `matchLabels` written as `In` requirements. */
function requirements(s: LabelSelector): Requirement[] {
  const labels = Object.entries(s.matchLabels).map(([key, value]): Requirement => ({
    key,
    operator: "In",
    values: [value],
  }));
  return [...labels, ...s.matchExpressions];
}

/** What the requirements on one key allow: `values` (undefined: any), and whether absent is allowed. */
interface KeyConstraint {
  values: Set<string> | undefined;
  forbidden: Set<string>;
  mustExist: boolean;
  mustNotExist: boolean;
}

function constrain(c: KeyConstraint, r: Requirement): void {
  switch (r.operator) {
    case "In": {
      c.mustExist = true;
      const vs = new Set(r.values);
      c.values = c.values ? new Set([...c.values].filter((v) => vs.has(v))) : vs;
      break;
    }
    case "NotIn":
      for (const v of r.values) c.forbidden.add(v);
      break;
    case "Exists":
      c.mustExist = true;
      break;
    case "DoesNotExist":
      c.mustNotExist = true;
      break;
  }
}

function satisfiable(c: KeyConstraint): boolean {
  if (c.mustExist && c.mustNotExist) return false;
  if (c.values === undefined) return true; // some value outside the finite `forbidden` exists
  return [...c.values].some((v) => !c.forbidden.has(v));
}

/**
 * Whether some label map satisfies both selectors. False only when the requirements on one key
 * contradict each other (`app: a` and `app: b`; `In (x)` and `NotIn (x)`; `Exists` and
 * `DoesNotExist`): keys are independent, so that is the only way two selectors can be disjoint.
 */
export function mayIntersect(a: LabelSelector, b: LabelSelector): boolean {
  const byKey = new Map<string, KeyConstraint>();
  for (const r of [...requirements(a), ...requirements(b)]) {
    let c = byKey.get(r.key);
    if (!c) {
      c = { values: undefined, forbidden: new Set(), mustExist: false, mustNotExist: false };
      byKey.set(r.key, c);
    }
    constrain(c, r);
  }
  return [...byKey.values()].every(satisfiable);
}

/** Whether requirement `r` holds for every label map satisfying all of `given` (sound, not complete). */
function implied(r: Requirement, given: readonly Requirement[]): boolean {
  const same = given.filter((g) => g.key === r.key);
  const subset = (xs: readonly string[], ys: readonly string[]) => xs.every((x) => ys.includes(x));
  switch (r.operator) {
    case "In":
      return same.some((g) => g.operator === "In" && subset(g.values, r.values));
    case "Exists":
      return same.some((g) => g.operator === "In" || g.operator === "Exists");
    case "NotIn":
      return same.some(
        (g) =>
          g.operator === "DoesNotExist" ||
          (g.operator === "In" && g.values.every((v) => !r.values.includes(v))) ||
          (g.operator === "NotIn" && subset(r.values, g.values)),
      );
    case "DoesNotExist":
      return same.some((g) => g.operator === "DoesNotExist");
  }
}

/**
 * Whether `outer` selects every label map `inner` selects, proved requirement by requirement: each
 * requirement of `outer` follows from one of `inner`'s. Sound (true only when it holds for every
 * possible object), not complete: an unsatisfiable `inner` is not recognised as selecting nothing.
 */
export function selectorCovers(outer: LabelSelector, inner: LabelSelector): boolean {
  const given = requirements(inner);
  return requirements(outer).every((r) => implied(r, given));
}
