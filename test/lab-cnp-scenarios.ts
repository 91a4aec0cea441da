/**
 * The tier scenarios of test/lab-cnp.e2e.test.ts (Admin Deny, Accept, Pass, priority; Baseline),
 * written from the ClusterNetworkPolicy API text, each with the cells that show its point worked out
 * by hand. The lab: namespaces x, y, z (label `ns`), nodes n1 (zone z1: x/a, y/a, z/a) and n2 (zone
 * z2: x/b, y/b); every pod names TCP 80 `http`, except x/b, whose `http` is 81 (and `alt` 80); every
 * pod names UDP 53 `dns`.
 */
import {
  ALL_NAMESPACES as all,
  clusterPolicy as cnp,
  ns,
  proto,
  type Scenario,
  v4,
} from "./support/lab-cnp.js";
import { policy } from "./support/objects.js";
import { PEER_SCENARIOS } from "./lab-cnp-peers.js";

/** "Deny: drops the selected traffic": a TCP port number on ingress, a UDP port number on egress. */
const adminDeny: Scenario = {
  name: "Admin Deny: ingress on a TCP port number, egress on a UDP port number",
  objects: [
    cnp("deny-y-to-x-80", {
      tier: "Admin",
      priority: 10,
      subject: { namespaces: ns("x") },
      ingress: [{ action: "Deny", from: [{ namespaces: ns("y") }], protocols: [proto("tcp", 80)] }],
    }),
    cnp("deny-z-to-y-dns", {
      tier: "Admin",
      priority: 11,
      subject: { namespaces: ns("z") },
      egress: [{ action: "Deny", to: [{ namespaces: ns("y") }], protocols: [proto("udp", 53)] }],
    }),
  ],
  cells: [
    v4("y/a", "x/a", "TCP/80", false),
    v4("y/b", "x/b", "TCP/80", false),
    v4("y/a", "x/b", "TCP/80", false),
    v4("y/a", "x/a", "TCP/81", true),
    v4("y/a", "x/a", "UDP/53", true),
    v4("z/a", "y/a", "UDP/53", false),
    v4("z/a", "y/b", "UDP/53", false),
    v4("z/a", "y/a", "UDP/54", true),
    v4("z/a", "y/a", "TCP/80", true),
    v4("x/a", "y/a", "TCP/80", true),
  ],
};

/**
 * Accept: "No further ... NetworkPolicy rules will be processed" — it wins over NetworkPolicy on
 * both sides; on egress "any ingress rules at the destination do apply".
 */
const adminAccept: Scenario = {
  name: "Admin Accept wins over NetworkPolicy; an egress Accept still needs the destination's ingress",
  objects: [
    policy("y", "deny-all", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    policy("x", "b-closed", { podSelector: { matchLabels: { pod: "b" } }, policyTypes: ["Ingress"] }),
    cnp("accept-into-and-out-of-y", {
      tier: "Admin",
      priority: 10,
      subject: { namespaces: ns("y") },
      ingress: [{ action: "Accept", from: [{ namespaces: ns("z") }], protocols: [proto("udp", 53)] }],
      egress: [{ action: "Accept", to: [{ namespaces: ns("x") }], protocols: [proto("tcp", 80)] }],
    }),
  ],
  cells: [
    v4("z/a", "y/a", "UDP/53", true),
    v4("z/a", "y/b", "UDP/53", true),
    v4("z/a", "y/a", "TCP/80", false),
    v4("x/a", "y/a", "UDP/53", false),
    v4("y/a", "x/a", "TCP/80", true),
    v4("y/b", "x/a", "TCP/80", true),
    v4("y/a", "x/a", "TCP/81", false),
    v4("y/b", "x/b", "TCP/80", false),
    v4("y/a", "z/a", "TCP/80", false),
  ],
};

/** Baseline, ingress and egress: consulted only where no NetworkPolicy isolates the pod. */
const baseline: Scenario = {
  name: "Baseline Deny, ingress and egress, only for pods no NetworkPolicy isolates",
  objects: [
    cnp("baseline-x", {
      tier: "Baseline",
      priority: 10,
      subject: { namespaces: ns("x") },
      ingress: [{ action: "Deny", from: [all] }],
      egress: [{ action: "Deny", to: [{ namespaces: ns("z") }], protocols: [proto("udp", 53)] }],
    }),
    policy("x", "a-open", {
      podSelector: { matchLabels: { pod: "a" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{}],
      egress: [{}],
    }),
  ],
  cells: [
    v4("y/a", "x/a", "TCP/80", true),
    v4("y/a", "x/b", "TCP/80", false),
    v4("z/a", "x/b", "UDP/53", false),
    v4("x/a", "x/b", "TCP/81", false),
    v4("x/a", "z/a", "UDP/53", true),
    v4("x/b", "z/a", "UDP/53", false),
    v4("x/b", "z/a", "UDP/54", true),
    v4("x/b", "y/a", "TCP/80", true),
  ],
};

/** Pass: "Skips all further ClusterNetworkPolicy rules in the current tier" — to NetworkPolicy, then Baseline. */
const pass: Scenario = {
  name: "Pass delegates to NetworkPolicy, and past it to the Baseline, on ingress and egress",
  objects: [
    cnp("pass-y-into-x", {
      tier: "Admin",
      priority: 5,
      subject: { namespaces: ns("x") },
      ingress: [{ action: "Pass", from: [{ namespaces: ns("y") }] }],
    }),
    cnp("deny-rest-into-x", {
      tier: "Admin",
      priority: 6,
      subject: { namespaces: ns("x") },
      ingress: [{ action: "Deny", from: [all] }],
    }),
    policy("x", "a-from-y-80", {
      podSelector: { matchLabels: { pod: "a" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: "y" } } }], ports: [{ port: 80 }] }],
    }),
    cnp("baseline-x-81", {
      tier: "Baseline",
      priority: 10,
      subject: { namespaces: ns("x") },
      ingress: [{ action: "Deny", from: [{ namespaces: ns("y") }], protocols: [proto("tcp", 81)] }],
    }),
    cnp("z-egress-pass-80", {
      tier: "Admin",
      priority: 7,
      subject: { namespaces: ns("z") },
      egress: [
        { action: "Pass", to: [{ namespaces: ns("y") }], protocols: [proto("tcp", 80)] },
        { action: "Deny", to: [{ namespaces: ns("y") }] },
      ],
    }),
  ],
  cells: [
    v4("y/a", "x/a", "TCP/80", true),
    v4("y/a", "x/a", "TCP/81", false),
    v4("y/b", "x/a", "UDP/53", false),
    v4("y/a", "x/b", "TCP/80", true),
    v4("y/a", "x/b", "TCP/81", false),
    v4("y/b", "x/b", "UDP/53", true),
    v4("z/a", "x/a", "TCP/80", false),
    v4("x/b", "x/a", "TCP/80", false),
    v4("z/a", "y/a", "TCP/80", true),
    v4("z/a", "y/b", "TCP/81", false),
    v4("z/a", "y/a", "UDP/53", false),
  ],
};

/** A priority decides between two Admin policies: the lower number first. */
const priority: Scenario = {
  name: "priority: the lower number decides between an Admin Accept and an Admin Deny",
  objects: [
    cnp("accept-y-first", {
      tier: "Admin",
      priority: 1,
      subject: { namespaces: ns("x") },
      ingress: [{ action: "Accept", from: [{ namespaces: ns("y") }], protocols: [proto("udp", 53)] }],
    }),
    cnp("deny-y-after", {
      tier: "Admin",
      priority: 2,
      subject: { namespaces: ns("x") },
      ingress: [{ action: "Deny", from: [{ namespaces: ns("y") }] }],
    }),
  ],
  cells: [
    v4("y/a", "x/a", "UDP/53", true),
    v4("y/b", "x/a", "UDP/54", false),
    v4("y/a", "x/b", "TCP/80", false),
  ],
};

/** Every scenario, in the order the suite runs them on one lab. */
export const SCENARIOS: readonly Scenario[] = [
  adminDeny,
  adminAccept,
  baseline,
  pass,
  priority,
  ...PEER_SCENARIOS,
];
