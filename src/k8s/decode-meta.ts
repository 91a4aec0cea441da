/**
 * Decodes ObjectMeta: `metadata.name`, `metadata.namespace`, `metadata.labels` and the controller
 * entry of `metadata.ownerReferences`.
 */
import {
  describe,
  type Issues,
  isObject,
  type JsonObject,
  optArray,
  optBoolean,
  optObject,
  optString,
  optStringMap,
} from "./fields.js";
import type { Labels, OwnerRef } from "./model.js";

/** The metadata fields netguard reads. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** `metadata.ownerReferences[]` with `controller: true`. */
  readonly controller?: OwnerRef;
}

/**
 * Reads metadata; namespaced kinds default to `default` as `kubectl apply` does without `-n`.
 * Returns undefined when `metadata.name` is missing, since the object cannot be identified.
 */
export function decodeMeta(obj: JsonObject, namespaced: boolean, issues: Issues): ObjectMeta | undefined {
  const meta = optObject(obj, "metadata", "", issues) ?? {};
  const name = optString(meta, "name", "metadata", issues);
  // An empty namespace is the same as an absent one in the API: the object lands in `default`.
  const namespace = namespaced ? optString(meta, "namespace", "metadata", issues) || "default" : "";
  const labels = optStringMap(meta, "labels", "metadata", issues);
  const controller = meta.ownerReferences === undefined ? undefined : decodeController(meta, issues);
  if (!name) return issues.fail("metadata.name", "is required", "required");
  return controller ? { name, namespace, labels, controller } : { name, namespace, labels };
}

/**
 * The `metadata.ownerReferences[]` entry with `controller: true` (the API server allows at most
 * one). Only the fields read are checked: `controller`'s type, and `kind` and `name` of the
 * controller entry.
 */
function decodeController(meta: JsonObject, issues: Issues): OwnerRef | undefined {
  const refs = optArray(meta, "ownerReferences", "metadata", issues) ?? [];
  let found: OwnerRef | undefined;
  for (const [i, r] of refs.entries()) {
    const path = `metadata.ownerReferences[${i}]`;
    if (!isObject(r)) {
      issues.fail(path, `must be an object, got ${describe(r)}`, "wrong-type");
      continue;
    }
    if (optBoolean(r, "controller", path, issues) !== true) continue;
    const kind = requiredString(r, "kind", path, issues);
    const name = requiredString(r, "name", path, issues);
    if (!kind || !name) continue;
    if (found) {
      issues.fail(
        `${path}.controller`,
        "only one reference can have controller set to true",
        "invalid-value",
      );
      continue;
    }
    found = { kind, name };
  }
  return found;
}

/** A string field that must be present and non-empty; one issue when it is not. */
function requiredString(o: JsonObject, key: string, path: string, issues: Issues): string | undefined {
  const v = optString(o, key, path, issues);
  if (v) return v;
  if (v !== undefined || o[key] === undefined || o[key] === null) {
    issues.fail(`${path}.${key}`, "is required", "required");
  }
  return undefined;
}
