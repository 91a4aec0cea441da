/**
 * List limits of the ClusterNetworkPolicy CRD (policy.networking.k8s.io/v1alpha2) as the API server
 * reports them: `minItems` / `maxItems`, and `x-kubernetes-list-type: set` (no duplicate items).
 */
import { quoteValue } from "../issue/quote.js";
import { describe, type Issues, type JsonObject, join, optArray } from "./fields.js";

/** True for a field that is set: the API server prunes `null` from a CRD object, as if absent. */
export function present(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/**
 * Reads the list `o[key]` and checks `minItems` / `maxItems` (errors at `path.key`). Returns the
 * list (even when a limit is broken, so its items are still checked) and whether it is within them;
 * undefined when absent or not a list.
 */
export function boundedList(
  o: JsonObject,
  key: string,
  path: string,
  issues: Issues,
  limits: { readonly min: number; readonly max: number },
): { readonly items: readonly unknown[]; readonly ok: boolean } | undefined {
  const items = optArray(o, key, path, issues);
  if (!items) return undefined;
  const at = join(path, key);
  if (items.length < limits.min) {
    issues.fail(at, `must have at least ${limits.min} item${limits.min === 1 ? "" : "s"}`, "too-few");
    return { items, ok: false };
  }
  if (items.length > limits.max) {
    issues.fail(at, `must have at most ${limits.max} items, got ${items.length}`, "too-many");
    return { items, ok: false };
  }
  return { items, ok: true };
}

/**
 * The strings of a `listType: set` list at `path`: each a string, none twice (`Duplicate value`,
 * as the API server says). Undefined when any item is not a string or is repeated.
 */
export function stringSet(items: readonly unknown[], path: string, issues: Issues): string[] | undefined {
  const seen = new Set<string>();
  let ok = true;
  items.forEach((v, i) => {
    const at = `${path}[${i}]`;
    if (typeof v !== "string") {
      ok = false;
      issues.fail(at, `must be a string, got ${describe(v)}`, "wrong-type");
    } else if (seen.has(v)) {
      ok = false;
      issues.fail(at, `Duplicate value: ${quoteValue(v)}`, "duplicate-value");
    } else seen.add(v);
  });
  return ok ? [...seen] : undefined;
}

/**
 * The fields of `o` among `fields` that are set, in `fields` order. The CRD's `minProperties: 1` and
 * `maxProperties: 1` make these "exactly one of" objects.
 */
export function setFields(o: JsonObject, fields: Iterable<string>): string[] {
  return [...fields].filter((f) => present(o[f]));
}

/**
 * Checks that exactly one of `fields` is set in `o` (the CRD's `minProperties: 1, maxProperties: 1`);
 * returns it, or undefined with an error at `path`.
 */
export function exactlyOne(
  o: JsonObject,
  fields: readonly string[],
  path: string,
  issues: Issues,
): string | undefined {
  const set = setFields(o, fields);
  const names = fields.map((f) => `\`${f}\``).join(", ");
  if (set.length === 0) return issues.fail(path, `must set exactly one of ${names}`, "required");
  if (set.length > 1) {
    const got = set.map((f) => `\`${f}\``).join(", ");
    return issues.fail(path, `must set exactly one of ${names}, got ${got}`, "forbidden");
  }
  return set[0];
}
