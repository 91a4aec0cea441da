/**
 * Decodes metav1.LabelSelector (`matchLabels`, `matchExpressions` with In, NotIn, Exists, DoesNotExist).
 */
import { quoteValue } from "../issue/quote.js";
import {
  describe,
  type Issues,
  isObject,
  type JsonObject,
  join,
  knownFieldsOnly,
  optArray,
  optString,
  optStringMap,
} from "./fields.js";
import type { LabelSelector, Requirement } from "./model.js";

/** The empty selector: selects every object. */
export const EVERYTHING: LabelSelector = { matchLabels: {}, matchExpressions: [] };

const OPERATORS = new Set(["In", "NotIn", "Exists", "DoesNotExist"]);
/** metav1.LabelSelector's fields. */
const SELECTOR_FIELDS = new Set(["matchLabels", "matchExpressions"]);
/** metav1.LabelSelectorRequirement's fields. */
const REQUIREMENT_FIELDS = new Set(["key", "operator", "values"]);

/**
 * Decodes a LabelSelector at `path`. Returns undefined (with issues) when the selector is malformed:
 * an unknown operator, In/NotIn without values, Exists/DoesNotExist with values, or an unknown field.
 */
export function decodeSelector(v: unknown, path: string, issues: Issues): LabelSelector | undefined {
  if (!isObject(v))
    return issues.fail(path, `must be a label selector object, got ${describe(v)}`, "wrong-type");
  const before = issues.count;
  knownFieldsOnly(v, SELECTOR_FIELDS, path, issues);
  const matchLabels = optStringMap(v, "matchLabels", path, issues);
  const exprs = optArray(v, "matchExpressions", path, issues) ?? [];
  const matchExpressions: Requirement[] = [];
  exprs.forEach((e, i) => {
    const r = decodeRequirement(e, `${join(path, "matchExpressions")}[${i}]`, issues);
    if (r) matchExpressions.push(r);
  });
  if (issues.count > before) return undefined;
  return { matchLabels, matchExpressions };
}

function decodeRequirement(e: unknown, path: string, issues: Issues): Requirement | undefined {
  if (!isObject(e)) return issues.fail(path, `must be an object, got ${describe(e)}`, "wrong-type");
  if (!knownFieldsOnly(e, REQUIREMENT_FIELDS, path, issues)) return undefined;
  const key = optString(e, "key", path, issues);
  const operator = optString(e, "operator", path, issues);
  const values = decodeValues(e, path, issues);
  if (key === undefined) return issues.fail(join(path, "key"), "is required", "required");
  if (operator === undefined) return issues.fail(join(path, "operator"), "is required", "required");
  if (!OPERATORS.has(operator)) {
    return issues.fail(
      join(path, "operator"),
      `${quoteValue(operator)} is not a valid selector operator (In, NotIn, Exists, DoesNotExist)`,
      "unsupported-value",
    );
  }
  const op = operator as Requirement["operator"];
  if ((op === "In" || op === "NotIn") && values.length === 0) {
    return issues.fail(join(path, "values"), `must be specified when operator is ${op}`, "required");
  }
  if ((op === "Exists" || op === "DoesNotExist") && values.length > 0) {
    return issues.fail(join(path, "values"), `may not be specified when operator is ${op}`, "forbidden");
  }
  return { key, operator: op, values };
}

function decodeValues(e: JsonObject, path: string, issues: Issues): string[] {
  const raw = optArray(e, "values", path, issues) ?? [];
  const out: string[] = [];
  raw.forEach((v, i) => {
    if (typeof v === "string") out.push(v);
    else issues.fail(`${join(path, "values")}[${i}]`, `must be a string, got ${describe(v)}`, "wrong-type");
  });
  return out;
}
