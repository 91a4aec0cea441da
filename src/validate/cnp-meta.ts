/**
 * `metadata` of a ClusterNetworkPolicy as the API server checks it on create: the request
 * decoder's strict field validation, then ObjectMeta validation with the name function of custom
 * resources (NameIsDNSSubdomain), as for NetworkPolicy (src/validate/api/meta.ts). The object is
 * cluster-scoped: a `metadata.namespace` is cleared by the API server ("the namespace of the
 * provided object" is dropped for cluster-scoped kinds), so it is a warning, not an error.
 */
import { error, type Issue, warning } from "../issue/issue.js";
import { isObject } from "../k8s/fields.js";
import { validateMeta } from "./api/meta.js";
import type { Meta } from "./api/model.js";
import { OBJECT_META } from "./api/schema.js";
import { strictDecode } from "./api/strict-decode.js";

/**
 * `apiVersion`, which kubectl needs to find the endpoint, as for NetworkPolicy ("apiVersion not
 * set"); the decoder reports a wrong one, and reads a missing one leniently for the other commands.
 */
export function requireApiVersion(obj: Record<string, unknown>): Issue[] {
  return obj.apiVersion === undefined
    ? [error("required", "apiVersion", "Required value: apiVersion not set")]
    : [];
}

const under = (path: string) => (path ? `metadata.${path}` : "metadata");

/** The API server's checks of `obj.metadata` (the decoder reports a missing or malformed one). */
export function validateCnpMeta(obj: Record<string, unknown>): Issue[] {
  if (!isObject(obj.metadata)) return [];
  const decoded = strictDecode(OBJECT_META, obj.metadata);
  const issues = decoded.issues.map((i) => ({ ...i, path: under(i.path) }));
  if (decoded.typeErrors) return issues;
  const { namespace, ...meta } = decoded.value as Meta;
  issues.push(...validateMeta(meta));
  if (namespace)
    issues.push(
      warning(
        "namespace-ignored",
        "metadata.namespace",
        "ClusterNetworkPolicy is cluster-scoped: the API server drops metadata.namespace",
      ),
    );
  return issues;
}

/** The `extra` issues that no issue of `first` already reports (same path, code and severity). */
export function notRepeating(first: readonly Issue[], extra: readonly Issue[]): Issue[] {
  const key = (i: Issue) => `${i.severity}\u0000${i.code}\u0000${i.path}`;
  const seen = new Set(first.map(key));
  return extra.filter((i) => !seen.has(key(i)));
}
