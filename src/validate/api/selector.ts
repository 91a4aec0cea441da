/**
 * metav1 LabelSelector validation (apimachinery pkg/apis/meta/v1/validation ValidateLabelSelector,
 * ValidateLabels, ValidateLabelName), used for `spec.podSelector` and the peers' selectors.
 */
import { appendAll } from "../../base/append-all.js";
import type { Issue } from "../../issue/issue.js";
import { forbidden, invalid, invalidEach, required } from "./field-errors.js";
import type { Requirement, Selector, StringMap } from "./model.js";
import { isQualifiedName, isValidLabelValue } from "./syntax.js";

/** `ValidateLabels`: every key a qualified name, every value a label value; errors at `path` itself. */
export function validateLabels(labels: StringMap | undefined, path: string): Issue[] {
  const out: Issue[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    out.push(...invalidEach(path, k, isQualifiedName(k)));
    out.push(...invalidEach(path, v, isValidLabelValue(v)));
  }
  return out;
}

/** `ValidateLabelSelector` (with AllowInvalidLabelValueInSelector false, as on create). */
export function validateSelector(sel: Selector | undefined, path: string): Issue[] {
  if (!sel) return [];
  const out = validateLabels(sel.matchLabels, `${path}.matchLabels`);
  (sel.matchExpressions ?? []).forEach((r, i) => {
    appendAll(out, validateRequirement(r, `${path}.matchExpressions[${i}]`));
  });
  return out;
}

function validateRequirement(r: Requirement, path: string): Issue[] {
  const out: Issue[] = [];
  const values = r.values ?? [];
  const op = r.operator ?? "";
  if (op === "In" || op === "NotIn") {
    if (values.length === 0) {
      out.push(required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    }
  } else if (op === "Exists" || op === "DoesNotExist") {
    if (values.length > 0) {
      out.push(
        forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
      );
    }
  } else {
    out.push(invalid(`${path}.operator`, op, "not a valid selector operator", "unsupported-value"));
  }
  const key = r.key ?? "";
  out.push(...invalidEach(`${path}.key`, key, isQualifiedName(key)));
  values.forEach((v, i) => out.push(...invalidEach(`${path}.values[${i}]`, v, isValidLabelValue(v))));
  return out;
}
