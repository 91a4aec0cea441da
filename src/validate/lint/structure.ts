/**
 * Lints on the shape of the spec as written (before defaulting): what `policyTypes` defaulting and
 * omitted fields do that authors often do not expect.
 */
import type { Issue } from "../../issue/issue.js";
import { lint } from "./context.js";

type Json = Readonly<Record<string, unknown>>;

function specOf(raw: Json): Json {
  const spec = raw.spec;
  return typeof spec === "object" && spec !== null && !Array.isArray(spec) ? (spec as Json) : {};
}

const isAbsent = (v: unknown) => v === undefined || v === null;
const nonEmptyList = (v: unknown) => Array.isArray(v) && v.length > 0;

/**
 * `direction-not-in-policy-types`: an explicit, non-empty `spec.policyTypes` that omits `Ingress`
 * (`Egress`) while `spec.ingress` (`spec.egress`) has rules. The API server keeps those rules but
 * they are never enforced: only the directions in policyTypes are.
 */
export function lintPolicyTypes(raw: Json): Issue[] {
  const spec = specOf(raw);
  const types = spec.policyTypes;
  if (!Array.isArray(types) || types.length === 0) return [];
  const out: Issue[] = [];
  for (const [field, type] of [
    ["ingress", "Ingress"],
    ["egress", "Egress"],
  ] as const) {
    if (nonEmptyList(spec[field]) && !types.includes(type)) {
      out.push(
        lint(
          "direction-not-in-policy-types",
          `spec.${field}`,
          `spec.policyTypes does not include ${type}, so these ${field} rules are ignored; add ${type} to policyTypes or remove the rules`,
        ),
      );
    }
  }
  return out;
}

/**
 * `empty-egress-not-isolating`: `egress: []` without policyTypes. policyTypes then defaults to
 * `[Ingress]` (Egress is only added when `spec.egress` has rules), so egress is not isolated at all.
 */
export function lintEmptyEgress(raw: Json): Issue[] {
  const spec = specOf(raw);
  const types = spec.policyTypes;
  const defaulted = isAbsent(types) || (Array.isArray(types) && types.length === 0);
  if (!defaulted || !Array.isArray(spec.egress) || spec.egress.length > 0) return [];
  return [
    lint(
      "empty-egress-not-isolating",
      "spec.egress",
      "`egress: []` without policyTypes does not isolate egress (policyTypes defaults to [Ingress]): the selected pods can still send anywhere; add `policyTypes: [Ingress, Egress]` to deny all egress",
    ),
  ];
}

/**
 * `missing-pod-selector`: `spec.podSelector` absent. Valid (it is defaulted to `{}`, every pod in the
 * namespace), but easy to do by accident, and older API schemas reject the object.
 */
export function lintMissingPodSelector(raw: Json): Issue[] {
  if (!isAbsent(specOf(raw).podSelector)) return [];
  return [
    lint(
      "missing-pod-selector",
      "spec.podSelector",
      "spec.podSelector is missing, so the policy selects every pod in its namespace; write `podSelector: {}` if that is intended (older API servers reject the object without it)",
    ),
  ];
}
