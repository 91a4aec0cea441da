/**
 * Decodes ObjectMeta: `metadata.name`, `metadata.namespace`, `metadata.labels`.
 */
import { type Issues, type JsonObject, optObject, optString, optStringMap } from "./fields.js";
import type { Labels } from "./model.js";

/** The metadata fields netguard reads. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
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
  if (!name) return issues.fail("metadata.name", "is required", "required");
  return { name, namespace, labels };
}
