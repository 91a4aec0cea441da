/**
 * The ClusterNetworkPolicy changes of the golden datapath test (src/datapath/golden.test.ts), on the
 * base cluster of golden-scenarios.ts: a policy added, one policy's priority changed, one rule's
 * action changed, a policy deleted. The policies (`policy.networking.k8s.io/v1alpha2`), all with
 * subject namespace team=shop (so shop/web and shop/db share every tier chain):
 *
 * - Admin `guard` (priority 10): egress `no-metadata` Deny to 169.254.169.254/32, egress
 *   `own-tenant` Pass to namespaces team=shop; ingress `from-client` Accept from namespaces
 *   team=client on TCP 8080.
 * - Admin `audit` (priority 20): egress `no-ssh` Deny to namespaces team=client on TCP 22.
 * - Baseline `floor` (priority 10): egress `default-deny` Deny to everything.
 */
import type { Scenario } from "./golden-scenarios.js";
import type { Json } from "./objects.js";

/** The policies of these scenarios, described once for their file headers. */
export const CNP_DESCRIPTION = [
  "ClusterNetworkPolicies (cnp-added starts without any, the other cnp- scenarios with all three),",
  "each with subject namespace team=shop, so web and db share each tier chain:",
  "Admin guard (priority 10: egress no-metadata Deny 169.254.169.254/32, egress own-tenant Pass to",
  "team=shop, ingress from-client Accept from team=client on TCP 8080), Admin audit (priority 20:",
  "egress no-ssh Deny to team=client on TCP 22), Baseline floor (egress default-deny Deny all).",
];

type Spec = Record<string, unknown>;

function cnp(name: string, tier: "Admin" | "Baseline", priority: number, spec: Spec): Json {
  return {
    apiVersion: "policy.networking.k8s.io/v1alpha2",
    kind: "ClusterNetworkPolicy",
    metadata: { name },
    spec: { tier, priority, subject: { namespaces: { matchLabels: { team: "shop" } } }, ...spec },
  };
}

const team = (t: string) => ({ namespaces: { matchLabels: { team: t } } });
const tcp = (port: number) => ({ tcp: { destinationPort: { number: port } } });

function guard(fromClient: "Accept" | "Deny" = "Accept"): Json {
  return cnp("guard", "Admin", 10, {
    egress: [
      { name: "no-metadata", action: "Deny", to: [{ networks: ["169.254.169.254/32"] }] },
      { name: "own-tenant", action: "Pass", to: [team("shop")] },
    ],
    ingress: [{ name: "from-client", action: fromClient, from: [team("client")], protocols: [tcp(8080)] }],
  });
}

const audit = (priority = 20): Json =>
  cnp("audit", "Admin", priority, {
    egress: [{ name: "no-ssh", action: "Deny", to: [team("client")], protocols: [tcp(22)] }],
  });

const floor = (): Json =>
  cnp("floor", "Baseline", 10, {
    egress: [
      { name: "default-deny", action: "Deny", to: [{ namespaces: {} }, { networks: ["0.0.0.0/0", "::/0"] }] },
    ],
  });

/** The four ClusterNetworkPolicy scenarios over `base` (the golden base cluster). */
export function cnpScenarios(base: () => Json[]): Scenario[] {
  const all = () => [...base(), guard(), audit(), floor()];
  return [
    {
      file: "cnp-added",
      title: "a ClusterNetworkPolicy added (Admin guard)",
      notice: [
        "One tier chain per tier, direction and set of policies selecting local pods, shared by the pods",
        "  (admin-in/…, admin-out/…: web and db both jump there); its name is a hash of the policy set.",
        "The tier rules name the compiler's shared sets: peer6_3e376f2b51c2 (team=shop's IPv6 pods) is",
        "  db-from-web's set already; only the metadata address and team=shop's IPv4 pods are new.",
        "Every rule counts into a named counter cnp/<policy>/<in|out>/<rule name>, created first.",
        "Pass is `return`, Deny `drop`; an ingress Accept `accept`s in the tier chain.",
        "An egress tier chain appears, so the forward chain's ingress dispatch moves to the new",
        "  ingress_phase chain (ending in `accept`), which egress Accepts go to: the destination's",
        "  ingress still decides. web and db change their egress entries from `continue` to their chains.",
        "db's isolated ingress chain jumps to Admin first, then runs its NetworkPolicy rules as before.",
      ],
      before: base(),
      after: [...base(), guard()],
      kind: "incremental",
    },
    {
      file: "cnp-priority-changed",
      title: "a ClusterNetworkPolicy's priority changed (Admin audit: 20 becomes 5, before guard)",
      notice: [
        "Only the Admin egress tier chain is flushed and refilled, audit's rule now first: its name",
        "  depends on which policies it holds, not their order, so no pod chain, set, map or counter",
        "  changes.",
      ],
      before: all(),
      after: [...base(), guard(), audit(5), floor()],
      kind: "incremental",
    },
    {
      file: "cnp-action-changed",
      title: "a rule's action changed (guard's ingress from-client: Accept becomes Deny)",
      notice: ["Only the Admin ingress tier chain is refilled; the rule keeps its counter and its sets."],
      before: all(),
      after: [...base(), guard("Deny"), audit(), floor()],
      kind: "incremental",
    },
    {
      file: "cnp-deleted",
      title: "a ClusterNetworkPolicy deleted (Admin audit)",
      notice: [
        "The Admin egress chain now holds guard only: a new chain (another set of policies, another",
        "  name) is created and filled, the pods' egress chains are refilled to jump to it, then the old",
        "  chain, audit's counter and the set only its rule used (TCP 22) are deleted, once nothing",
        "  names them. The Baseline chain stays: floor is still the only Baseline policy.",
      ],
      before: all(),
      after: [...base(), guard(), floor()],
      kind: "incremental",
    },
  ];
}
