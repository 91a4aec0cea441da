/**
 * The named cluster changes of the golden datapath test (src/datapath/golden.test.ts): one base
 * cluster, and per scenario the objects before and after one change, with what a reader of the
 * resulting nft script should notice (written into each golden file's header).
 */
import type { SyncResult } from "../../src/datapath/datapath.js";
import { CNP_DESCRIPTION, cnpScenarios } from "./golden-cnp-scenarios.js";
import { type Json, namespace, node, pod, policy } from "./objects.js";

/** What every scenario starts from, described once for the file headers. */
export const BASE_DESCRIPTION = [
  "Base cluster: this node n1 (192.168.0.1, pod CIDRs 10.1.0.0/24 and fd01::/64) runs",
  "shop/web (app=web, 10.1.0.10 and fd01::10, port http=8080, veth vethweb) and",
  "shop/db (app=db, 10.1.0.11, port 5432, veth vethdb); node n2 (192.168.0.2, 10.2.0.0/24)",
  "runs client/cli (app=cli, 10.2.0.10). Namespaces shop (team=shop) and client (team=client).",
  "Policies in shop: default-deny (every pod isolated for ingress), web-from-client (web",
  "accepts namespace team=client on port http) and db-from-web (db accepts app=web on 5432).",
];

function baseCluster(): Json[] {
  return [
    namespace("shop", { team: "shop" }),
    namespace("client", { team: "client" }),
    node("n1", "192.168.0.1", ["10.1.0.0/24", "fd01::/64"]),
    node("n2", "192.168.0.2", ["10.2.0.0/24"]),
    pod("shop", "web", {
      labels: { app: "web" },
      ips: ["10.1.0.10", "fd01::10"],
      ports: [{ name: "http", containerPort: 8080 }],
    }),
    pod("shop", "db", { labels: { app: "db" }, ips: ["10.1.0.11"], ports: [{ containerPort: 5432 }] }),
    pod("client", "cli", { labels: { app: "cli" }, ips: ["10.2.0.10"], node: "n2" }),
    policy("shop", "default-deny", { podSelector: {}, policyTypes: ["Ingress"] }),
    webFromClient([{ port: "http" }]),
    policy("shop", "db-from-web", {
      podSelector: { matchLabels: { app: "db" } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: [{ port: 5432 }] }],
    }),
  ];
}

function webFromClient(ports: Json[]): Json {
  return policy("shop", "web-from-client", {
    podSelector: { matchLabels: { app: "web" } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "client" } } }], ports }],
  });
}

/** One named change: `before` is what was applied already (none: the first sync), `after` the change. */
export interface Scenario {
  /** The golden file's name, without `.nft`. */
  readonly file: string;
  readonly title: string;
  /** What the scenario adds to the base cluster, for the file header (after BASE_DESCRIPTION). */
  readonly description?: readonly string[];
  /** What a reader of the script should notice: a point per line, `  `-indented lines continue it. */
  readonly notice: readonly string[];
  readonly before: Json[] | undefined;
  /** Local pods (`namespace/name`) whose veth the agent did not know yet in `before`. */
  readonly vethsUnknownBefore?: readonly string[];
  readonly after: Json[];
  /** What the second sync must report. */
  readonly kind: SyncResult["kind"];
}

const nameOf = (o: Json) => (o.metadata as { name: string }).name;
const without = (objs: Json[], kind: string, name: string) =>
  objs.filter((o) => !(o.kind === kind && nameOf(o) === name));
const replaced = (objs: Json[], kind: string, name: string, next: Json) =>
  objs.map((o) => (o.kind === kind && nameOf(o) === name ? next : o));

export const SCENARIOS: readonly Scenario[] = [
  {
    file: "first-sync",
    title: "first sync: both tables replaced in one transaction",
    notice: [
      "`add table`, `delete table`, `add table`: the replace works whether or not the table exists, and",
      "  nft applies the script atomically: packets meet the old tables or the new ones, never neither.",
      "Everything a rule names exists before the rule: sets, empty verdict maps, counters and chains",
      "  first, then the rules, and last the map elements that start jumping to the per-pod chains.",
      "peer4_/peer6_/ports_ sets are named by a hash of what they hold, so pods and policies with the",
      "  same peers share one set and a membership change touches elements only (remote-pod-added).",
      "One chain per pod and isolated direction (in/shop/web, in/shop/db), each ending in a counted",
      "  drop; neither pod is isolated for egress, so egress4/egress6 map them to `continue`.",
      "The forward chain decides link-scope traffic, accepts established flows, accepts the node's",
      "  own traffic, drops unprogrammed pod-CIDR addresses, then dispatches through four verdict maps",
      "  keyed by pod address: its length does not grow with the number of pods.",
      "The bridge table binds each veth to its pod's addresses (veth_addr4/6) and sends frames from",
      "  unknown ports to unknown_port, which drops any that claim a guarded address.",
    ],
    before: undefined,
    after: baseCluster(),
    kind: "full",
  },
  {
    file: "nothing-changed",
    title: "nothing changed: no transaction at all",
    notice: [
      "The desired tables equal the ones applied last (kept in memory, never read back per sync),",
      "  so the sync reports `unchanged` and nft is not run at all.",
    ],
    before: baseCluster(),
    after: baseCluster(),
    kind: "unchanged",
  },
  {
    file: "remote-pod-added",
    title: "a pod added on another node",
    notice: [
      "A pod on another node has no chain and no map entry here: it only joins the peer set of the",
      "  selectors that pick it (namespace team=client, named by in/shop/web's rule). No chain changes:",
      "  rules name the set, not its members.",
      "Address sets are interval sets written as merged ranges: 10.2.0.11 next to 10.2.0.10 turns the",
      "  element into 10.2.0.10/31, so the old element is deleted and the merged one added, in the same",
      "  atomic transaction (no moment without 10.2.0.10).",
    ],
    before: baseCluster(),
    after: [
      ...baseCluster(),
      pod("client", "cli2", { labels: { app: "cli" }, ips: ["10.2.0.11"], node: "n2" }),
    ],
    kind: "incremental",
  },
  {
    file: "pod-label-changed",
    title: "a local pod's label changed (shop/db: app=db becomes app=cache)",
    notice: [
      "db no longer matches db-from-web's podSelector, so in/shop/db is flushed and refilled in the",
      "  same transaction with only its counted drop (default-deny still isolates it).",
      "The sets only that rule used (web's addresses as a peer, port 5432) are deleted last, after",
      "  the rule naming them is gone: nft refuses to delete a set a rule still names (EBUSY).",
      "db's addresses, map entries and veth binding stay; policy-removed sends the same script, since",
      "  what counts is the rules compiled for db, not which object change led to them.",
    ],
    before: baseCluster(),
    after: replaced(
      baseCluster(),
      "Pod",
      "db",
      pod("shop", "db", { labels: { app: "cache" }, ips: ["10.1.0.11"], ports: [{ containerPort: 5432 }] }),
    ),
    kind: "incremental",
  },
  {
    file: "local-pod-added",
    title: "a pod added on this node (shop/web2, app=web)",
    notice: [
      "A new local pod gets its counter and chain first, then its address joins the sets that need",
      "  it (local4, and peer4_7da4dd801f3a: web2 is app=web, a peer of db), then the chain's rules,",
      "  and last the map entries that start sending its packets to the filled chain.",
      "web2 has web's peers and ports, so its rules reuse web's sets: no new set.",
      "The bridge table learns its veth (pod_veths, the veth . address pair) and guards its address.",
    ],
    before: baseCluster(),
    after: [
      ...baseCluster(),
      pod("shop", "web2", {
        labels: { app: "web" },
        ips: ["10.1.0.12"],
        ports: [{ name: "http", containerPort: 8080 }],
      }),
    ],
    kind: "incremental",
  },
  {
    file: "policy-added",
    title: "a policy added (shop/db-no-egress isolates shop/db for egress)",
    notice: [
      "Isolating db for egress creates out/shop/db with only a counted drop (the policy allows no",
      "  egress); in/shop/db is untouched.",
      "db's egress4 entry changes verdict from `continue` to `jump out/shop/db`: nft refuses to add a",
      "  key that is there with another verdict (EEXIST), so it is deleted and added again within the",
      "  one transaction.",
    ],
    before: baseCluster(),
    after: [
      ...baseCluster(),
      policy("shop", "db-no-egress", {
        podSelector: { matchLabels: { app: "db" } },
        policyTypes: ["Egress"],
      }),
    ],
    kind: "incremental",
  },
  {
    file: "policy-changed",
    title: "a policy changed (web-from-client: port http becomes 443)",
    notice: [
      "Port sets are named by their content: port 443 is a new set (ports_1c5e727b91cc), created",
      "  before in/shop/web is refilled to name it; the 8080 set is deleted at the end, once no rule",
      "  names it. The peer set (namespace team=client) is unchanged, so it stays.",
    ],
    before: baseCluster(),
    after: replaced(baseCluster(), "NetworkPolicy", "web-from-client", webFromClient([{ port: 443 }])),
    kind: "incremental",
  },
  {
    file: "policy-removed",
    title: "a policy removed (shop/db-from-web)",
    notice: [
      "Without db-from-web, default-deny alone isolates db: in/shop/db is flushed and refilled with",
      "  its counted drop, and the sets only the removed rule used are deleted after it.",
      "Byte for byte the script of pod-label-changed: the diff sees compiled rules, not objects.",
    ],
    before: baseCluster(),
    after: without(baseCluster(), "NetworkPolicy", "db-from-web"),
    kind: "incremental",
  },
  {
    file: "isolation-lifted",
    title: "web no longer isolated (default-deny and web-from-client removed)",
    notice: [
      "No policy selects web any more, so nothing isolates it: its ingress4/ingress6 entries change",
      "  from `jump in/shop/web` to `accept` before in/shop/web is deleted (nft refuses to delete a",
      "  chain a map element still jumps to), then its counter and the sets only its rule named go.",
      "db stays isolated by db-from-web, whose peer set (app=web) still holds web's addresses.",
    ],
    before: baseCluster(),
    after: without(
      without(baseCluster(), "NetworkPolicy", "default-deny"),
      "NetworkPolicy",
      "web-from-client",
    ),
    kind: "incremental",
  },
  {
    file: "namespace-relabelled",
    title: "a namespace relabelled (client: team=client becomes team=partner)",
    notice: [
      "No namespace has team=client any more, so web-from-client's rule has no peer and is not",
      "  rendered: in/shop/web keeps only its counted drop (no rule with an empty set stays behind).",
      "The peer set and the port set only that rule used are deleted after the flush.",
    ],
    before: baseCluster(),
    after: replaced(baseCluster(), "Namespace", "client", namespace("client", { team: "partner" })),
    kind: "incremental",
  },
  {
    file: "node-added",
    title: "a node added (n3, 192.168.0.3, pod CIDR 10.3.0.0/24)",
    notice: [
      "A node joining changes nothing here: this node's tables hold its own addresses and pod CIDRs",
      "  and the addresses of pods that policies select (see remote-pod-added). No transaction.",
    ],
    before: baseCluster(),
    after: [...baseCluster(), node("n3", "192.168.0.3", ["10.3.0.0/24"])],
    kind: "unchanged",
  },
  {
    file: "veth-learned",
    title: "a local pod's veth learned (shop/web's host-side veth, from CNI ADD or discovery)",
    notice: [
      "Before, web's veth was unknown: its addresses were neither bound to a port nor guarded.",
      "Only the bridge table changes: the veth joins pod_veths, the veth . address pairs bind it to",
      "  web's addresses, and those addresses become guarded, so no other port may claim them.",
      "The inet table does not depend on veths: policy is enforced by address either way.",
    ],
    before: baseCluster(),
    vethsUnknownBefore: ["shop/web"],
    after: baseCluster(),
    kind: "incremental",
  },
  {
    file: "pod-removed",
    title: "a pod removed from this node (shop/db)",
    notice: [
      "Deletions run in dependency order: db's address leaves the sets and the verdict maps first",
      "  (no packet is sent to in/shop/db any more), then the chain goes, then the sets only its rules",
      "  named, then its counter. nft refuses to delete a chain a map element still jumps to, or a",
      "  set or counter a rule still names (EBUSY): this order is what makes the script valid.",
      "The bridge table forgets its veth and stops guarding its address.",
    ],
    before: baseCluster(),
    after: without(baseCluster(), "Pod", "db"),
    kind: "incremental",
  },
  ...cnpScenarios(baseCluster).map((s) => ({ ...s, description: CNP_DESCRIPTION })),
];
