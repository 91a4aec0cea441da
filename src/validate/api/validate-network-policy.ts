/**
 * API-server parity for creating a networking.k8s.io/v1 NetworkPolicy: the request decoder's strict
 * checks (unknown fields, wrong JSON types), then ValidateNetworkPolicy (metadata and spec), for a
 * given Kubernetes version. A manifest the API server rejects yields at least one error; one it
 * accepts yields none (warnings are the server's warnings plus a few of netguard's).
 */
import { appendAll } from "../../base/append-all.js";
import { error, type Issue } from "../../issue/issue.js";
import { quoteValue } from "../../issue/quote.js";
import { validateMeta } from "./meta.js";
import type { Policy } from "./model.js";
import { networkPolicyType } from "./schema.js";
import { validateSpec } from "./spec.js";
import { strictDecode } from "./strict-decode.js";
import { type KubeVersion, knownAt } from "./versions.js";

/** Options: the Kubernetes version whose API server is mirrored. */
export interface ValidateOptions {
  readonly kubeVersion: KubeVersion;
}

const API_VERSION = "networking.k8s.io/v1";

/** Validates one NetworkPolicy object (parsed JSON/YAML). Never throws on any input. */
export function validateNetworkPolicy(obj: unknown, opts: ValidateOptions): Issue[] {
  const v = opts.kubeVersion;
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    return [error("wrong-type", "", "Invalid type: a NetworkPolicy must be a JSON object")];
  }
  const type = networkPolicyType(knownAt("status-field", v), knownAt("end-port-field", v));
  const decoded = strictDecode(type, obj);
  const issues = [...decoded.issues];
  // The API server rejects a body it cannot decode before validating it.
  if (decoded.typeErrors) return issues;
  const policy = decoded.value as Policy;
  appendAll(issues, validateTypeMeta(policy));
  appendAll(issues, validateMeta(policy.metadata));
  appendAll(issues, validateSpec(policy.spec, v));
  return issues;
}

/** `apiVersion`/`kind`: kubectl maps them to the REST endpoint before anything is sent. */
function validateTypeMeta(p: Policy): Issue[] {
  const out: Issue[] = [];
  if (!p.apiVersion) out.push(error("required", "apiVersion", "Required value: apiVersion not set"));
  else if (p.apiVersion !== API_VERSION) {
    out.push(
      error(
        "unsupported-value",
        "apiVersion",
        `no matches for kind ${quoteValue(String(p.kind ?? ""))} in version ${quoteValue(String(p.apiVersion))} (NetworkPolicy is served as ${API_VERSION})`,
      ),
    );
  }
  if (!p.kind) out.push(error("required", "kind", "Required value: kind not set"));
  else if (p.kind !== "NetworkPolicy") {
    out.push(
      error(
        "unsupported-value",
        "kind",
        `Unsupported value: ${JSON.stringify(p.kind)}: supported values: "NetworkPolicy"`,
      ),
    );
  }
  return out;
}
