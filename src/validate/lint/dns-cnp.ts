/**
 * DNS egress granted by the Admin tier, for `no-dns-egress`: a NetworkPolicy that isolates egress
 * does not cut DNS when an Admin ClusterNetworkPolicy Accepts it first ("No further egress
 * ClusterNetworkPolicy or NetworkPolicy rules will be processed"). Read like the NetworkPolicy
 * side of the lint: a rule counts when its `protocols` may carry DNS over the protocol (absent, a
 * port number or range holding 53, or a named port called `dns`/`domain`/`dns-tcp`), whatever its
 * peers. Used only to silence the warning, so "may" is on the safe side.
 */
import type { ClusterNetworkPolicy, CnpRule } from "../../k8s/cnp-model.js";
import type { NetworkPolicy, Protocol } from "../../k8s/model.js";
import { failsClosed } from "./cnp-traffic.js";
import { selectorsDisjoint } from "./selector-logic.js";

const DNS_PORT = 53;
const DNS_PORT_NAMES: ReadonlySet<string> = new Set(["dns", "domain", "dns-tcp"]);
const METADATA_NAME = "kubernetes.io/metadata.name";

function acceptsDns(rule: CnpRule, protocol: Protocol): boolean {
  if (rule.action !== "Accept" || failsClosed(rule)) return false;
  if (rule.protocols.kind === "any") return true;
  return rule.protocols.items.some((p) =>
    p.kind === "named"
      ? DNS_PORT_NAMES.has(p.name)
      : p.protocol === protocol && p.from <= DNS_PORT && DNS_PORT <= p.to,
  );
}

/** The Admin policies with an egress Accept rule that may carry DNS over `protocol`. */
export function adminDnsPolicies(
  cnps: readonly ClusterNetworkPolicy[],
  protocol: Protocol,
): ClusterNetworkPolicy[] {
  return cnps.filter(
    (c) =>
      c.tier === "Admin" && c.subject.kind !== "unknown" && c.egress.some((r) => acceptsDns(r, protocol)),
  );
}

/** Whether an Admin policy may select pods of `policy` (without a cluster: by namespace name and pod labels). */
export function mayGrantDnsTo(cnp: ClusterNetworkPolicy, policy: NetworkPolicy): boolean {
  const s = cnp.subject;
  if (s.kind === "unknown") return false;
  const ns = { matchLabels: { [METADATA_NAME]: policy.namespace }, matchExpressions: [] };
  if (selectorsDisjoint(s.namespaces, ns)) return false;
  return s.kind === "namespaces" || !selectorsDisjoint(s.pods, policy.podSelector);
}
