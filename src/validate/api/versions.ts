/**
 * Every Kubernetes-version-dependent behaviour of NetworkPolicy validation, in one table, with where
 * each fact comes from. Validators ask this table; they never compare minor versions themselves.
 */

/** A Kubernetes release as `major.minor`; patch releases do not change validation. */
export type KubeVersion = { readonly major: 1; readonly minor: number };

/**
 * The newest released Kubernetes version this table describes; the default for `validate`.
 * 1.37 (August 2026) changed nothing in NetworkPolicy validation that this table tracks: the move of
 * `ipBlock.cidr` checks to declarative validation (kubernetes PR #135715) keeps their behaviour.
 */
export const NEWEST_KUBE_VERSION: KubeVersion = { major: 1, minor: 37 };

/** Parses `1.34`, `v1.34` or `1.34.2`; returns a message when the text is not a 1.x version. */
export function parseKubeVersion(text: string): KubeVersion | string {
  const m = /^v?1\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?$/.exec(text.trim());
  if (!m) return `"${text}" is not a Kubernetes version (expected e.g. 1.34)`;
  return { major: 1, minor: Number(m[1]) };
}

/** Formats a version as `1.34`. */
export function formatKubeVersion(v: KubeVersion): string {
  return `${v.major}.${v.minor}`;
}

/** Identifiers of the version-dependent rules. */
export type VersionRuleId =
  "cidr-strict" | "cidr-ipv6-canonical" | "status-field" | "end-port-field" | "end-port-honoured";

/**
 * One version-dependent behaviour. Minor versions are inclusive lower bounds; absent means "never".
 * - `warnFrom`/`rejectFrom`: the API server warns about (rejects) such values from that release.
 * - `knownFrom`/`knownUntil`: the field exists in the served type only in that range (otherwise
 *   strict decoding reports it as an unknown field).
 */
export interface VersionRule {
  readonly id: VersionRuleId;
  readonly subject: string;
  readonly warnFrom?: number;
  readonly rejectFrom?: number;
  readonly knownFrom?: number;
  readonly knownUntil?: number;
  readonly source: string;
}

/** The table. */
export const VERSION_RULES: readonly VersionRule[] = [
  {
    id: "cidr-strict",
    subject:
      "ipBlock.cidr / ipBlock.except[] with bits set beyond the prefix length, leading 0s in the IP or prefix length, or an IPv4-mapped IPv6 address",
    warnFrom: 33,
    rejectFrom: 36,
    source:
      "KEP-4858 (IP/CIDR validation improvements): API warnings from v1.33 (apimachinery " +
      "util/validation/ip.go GetWarningsForCIDR); rejection is parseCIDR(strictValidation=true) behind the " +
      "StrictIPCIDRValidation gate: alpha (off) in 1.33, beta and on by default in 1.36 (kubernetes PR " +
      "#137053, whose release note names `192.168.0.5/24` and leading zeros), GA for 1.38 (PR #141979).",
  },
  {
    id: "cidr-ipv6-canonical",
    subject:
      "IPv6 ipBlock CIDRs not in RFC 5952 canonical form (e.g. 2001:DB8::/32): warning only, never rejected",
    warnFrom: 33,
    source:
      "KEP-4858 'Updated Validation': legacy fields only warn on non-canonical IPv6; GetWarningsForCIDR",
  },
  {
    id: "status-field",
    subject: "NetworkPolicy.status (conditions)",
    knownFrom: 24,
    knownUntil: 26,
    source:
      "KEP-2943: added as alpha in 1.24 (kubernetes PR #107963), removed from the type in 1.27 (PR #115843)",
  },
  {
    id: "end-port-field",
    subject: "NetworkPolicyPort.endPort present in the served type",
    knownFrom: 21,
    source: "KEP-2079 (port ranges): field added in 1.21",
  },
  {
    id: "end-port-honoured",
    subject: "endPort kept on create (NetworkPolicyEndPort gate: alpha/off 1.21, beta/on 1.22, GA 1.25)",
    knownFrom: 22,
    source: "KEP-2079; before 1.22 the registry's dropDisabledFields silently removes endPort",
  },
];

function rule(id: VersionRuleId): VersionRule {
  const r = VERSION_RULES.find((x) => x.id === id);
  if (!r) throw new Error(`no version rule ${id}`);
  return r;
}

/** What the API server of `v` does with values the rule is about. */
export function phaseAt(id: VersionRuleId, v: KubeVersion): "accept" | "warn" | "reject" {
  const r = rule(id);
  if (r.rejectFrom !== undefined && v.minor >= r.rejectFrom) return "reject";
  if (r.warnFrom !== undefined && v.minor >= r.warnFrom) return "warn";
  return "accept";
}

/** Whether the field the rule is about exists (is honoured) in `v`. */
export function knownAt(id: VersionRuleId, v: KubeVersion): boolean {
  const r = rule(id);
  if (r.knownFrom !== undefined && v.minor < r.knownFrom) return false;
  if (r.knownUntil !== undefined && v.minor > r.knownUntil) return false;
  return true;
}
