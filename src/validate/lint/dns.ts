/**
 * `no-dns-egress`: a policy that isolates egress while no egress rule that applies to its pods lets
 * them reach DNS. Policies only add, so any egress policy of the namespace selecting the same pods
 * may supply the DNS rule (the usual `allow-dns` next to a `default-deny`).
 *
 * Approximations, documented because they decide what is reported:
 * - A rule "allows DNS over UDP" when it has no `ports`, or a port entry with protocol UDP that is
 *   protocol-only, a number or range containing 53, or named `dns` / `domain` (CoreDNS's and IANA's
 *   names); the same with TCP for DNS over TCP. Its peers are not checked: any destination counts,
 *   since the resolver may be kube-dns, a node-local cache or an external address.
 * - Without a cluster, another policy counts when its podSelector is not provably disjoint from this
 *   one's (e.g. `app: web` and `{}` overlap; `app: web` and `app: db` do not). With a cluster, every
 *   policy-target pod this policy selects must be selected by a policy allowing DNS.
 * - An Admin ClusterNetworkPolicy Accepting DNS egress for the pods supplies it too (dns-cnp.ts).
 */
import { clipName } from "../../issue/quote.js";
import type { Issue } from "../../issue/issue.js";
import { type NetworkPolicy, type Pod, type Protocol, refOf, type Rule } from "../../k8s/model.js";
import { subjectSelects } from "../../policy/cnp-match.js";
import { selectorMatches } from "../../policy/selector.js";
import { type LintContext, lint, portsOf } from "./context.js";
import { adminDnsPolicies, mayGrantDnsTo } from "./dns-cnp.js";
import { selectorsDisjoint } from "./selector-logic.js";

const DNS_PORT = 53;
const DNS_PORT_NAMES: ReadonlySet<string> = new Set(["dns", "domain", "dns-tcp"]);

/** True when `rule` may allow DNS queries over `protocol` (see the module comment). */
export function ruleAllowsDns(rule: Rule, protocol: Protocol): boolean {
  if (rule.ports.kind === "any") return true;
  return portsOf(rule).some((p) => {
    if (p.protocol !== protocol) return false;
    if (p.kind === "protocol") return true;
    if (p.kind === "range") return p.from <= DNS_PORT && DNS_PORT <= p.to;
    return DNS_PORT_NAMES.has(p.name);
  });
}

function policyAllowsDns(p: NetworkPolicy, protocol: Protocol): boolean {
  return p.affectsEgress && p.egress.some((r) => ruleAllowsDns(r, protocol));
}

/** Egress policies of the policy's namespace allowing DNS over `protocol`, memoised per namespace. */
function dnsPolicies(policy: NetworkPolicy, ctx: LintContext, protocol: Protocol): readonly NetworkPolicy[] {
  const key = `dns ${protocol} ${policy.namespace}`;
  const shared = ctx.memo?.get(key);
  const inNamespace =
    shared ??
    (
      ctx.policiesByNamespace?.get(policy.namespace) ??
      ctx.policies.filter((q) => q.namespace === policy.namespace)
    ).filter((q) => policyAllowsDns(q, protocol));
  if (!shared) ctx.memo?.set(key, inNamespace);
  // The linted policy counts even when the context does not list it.
  return policyAllowsDns(policy, protocol) && !inNamespace.includes(policy)
    ? [policy, ...inNamespace]
    : inNamespace;
}

/** Pods of `policy` lacking DNS over `protocol`, or a boolean verdict when no cluster is known. */
function lacksDns(policy: NetworkPolicy, ctx: LintContext, protocol: Protocol): Pod[] | boolean {
  const candidates = dnsPolicies(policy, ctx, protocol);
  const admin = adminDnsPolicies(ctx.clusterPolicies ?? [], protocol);
  const cluster = ctx.cluster;
  if (!cluster)
    return (
      !candidates.some((q) => !selectorsDisjoint(q.podSelector, policy.podSelector)) &&
      !admin.some((c) => mayGrantDnsTo(c, policy))
    );
  const pods = (cluster.targetsByNamespace.get(policy.namespace) ?? []).filter((pod) =>
    selectorMatches(policy.podSelector, pod.labels),
  );
  return pods.filter(
    (pod) =>
      !candidates.some((q) => selectorMatches(q.podSelector, pod.labels)) &&
      !admin.some((c) => subjectSelects(cluster, c.subject, pod)),
  );
}

function which(missing: Pod[] | boolean): string | undefined {
  if (missing === false || (Array.isArray(missing) && missing.length === 0)) return undefined;
  if (missing === true) return "the selected pods";
  const names = missing
    .slice(0, 3)
    .map((p) => clipName(refOf(p)))
    .join(", ");
  return `pods ${names}${missing.length > 3 ? ` and ${missing.length - 3} more` : ""}`;
}

/**
 * `no-dns-egress` (no DNS over UDP) and `no-dns-tcp-egress` (UDP 53 allowed but not TCP 53, which
 * resolvers fall back to for truncated answers), reported at `spec.egress`.
 */
export function lintDnsEgress(policy: NetworkPolicy, ctx: LintContext): Issue[] {
  if (!policy.affectsEgress) return [];
  const udp = which(lacksDns(policy, ctx, "UDP"));
  if (udp)
    return [
      lint(
        "no-dns-egress",
        "spec.egress",
        `This policy isolates egress without allowing DNS (UDP/TCP 53): ${udp} cannot resolve names; allow UDP and TCP 53 to the cluster DNS here or in another policy selecting them`,
      ),
    ];
  const tcp = which(lacksDns(policy, ctx, "TCP"));
  if (!tcp) return [];
  return [
    lint(
      "no-dns-tcp-egress",
      "spec.egress",
      `DNS over UDP is allowed but TCP 53 is not for ${tcp}: answers too large for UDP (truncated) cannot be fetched; allow TCP 53 too`,
    ),
  ];
}
