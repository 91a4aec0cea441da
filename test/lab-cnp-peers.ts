/**
 * The peer and port scenarios of test/lab-cnp.e2e.test.ts: port ranges and named ports, `networks`
 * with IPv4 and IPv6 CIDRs, `nodes`, and SCTP (rendered and loaded only). The lab is described in
 * lab-cnp-scenarios.ts.
 */
import { clusterPolicy as cnp, ns, proto, type Scenario, v4, v6 } from "./support/lab-cnp.js";

/** `destinationPort.range` (start..end) and `destinationNamedPort`, resolved on the destination pod. */
const ports: Scenario = {
  name: "Port ranges and named ports (TCP and UDP), ingress and egress",
  objects: [
    cnp("x-to-y-ranges", {
      tier: "Admin",
      priority: 10,
      subject: { namespaces: ns("x") },
      egress: [
        {
          action: "Deny",
          to: [{ namespaces: ns("y") }],
          protocols: [proto("tcp", 81, 90), proto("udp", 50, 53)],
        },
      ],
    }),
    cnp("z-into-x-named", {
      tier: "Admin",
      priority: 11,
      subject: { namespaces: ns("x") },
      ingress: [
        {
          action: "Deny",
          from: [{ namespaces: ns("z") }],
          protocols: [{ destinationNamedPort: "http" }, { destinationNamedPort: "dns" }],
        },
      ],
    }),
    cnp("y-to-x-named", {
      tier: "Admin",
      priority: 12,
      subject: { namespaces: ns("y") },
      egress: [
        {
          action: "Deny",
          to: [{ pods: { namespaceSelector: ns("x"), podSelector: {} } }],
          protocols: [{ destinationNamedPort: "http" }],
        },
      ],
    }),
  ],
  cells: [
    v4("x/a", "y/a", "TCP/80", true),
    v4("x/a", "y/a", "TCP/81", false),
    v4("x/b", "y/b", "UDP/53", false),
    v4("x/a", "y/a", "UDP/54", true),
    v4("z/a", "x/a", "TCP/80", false),
    v4("z/a", "x/a", "TCP/81", true),
    v4("z/a", "x/b", "TCP/80", true),
    v4("z/a", "x/b", "TCP/81", false),
    v4("z/a", "x/a", "UDP/53", false),
    v4("z/a", "x/a", "UDP/54", true),
    v4("y/a", "x/a", "TCP/80", false),
    v4("y/a", "x/a", "TCP/81", true),
    v4("y/b", "x/b", "TCP/81", false),
    v4("y/b", "x/b", "TCP/80", true),
    v4("z/a", "y/a", "TCP/81", true),
  ],
};

/**
 * `networks`: "cluster-internal traffic will be checked against the rule as well" — IPv4 and IPv6
 * CIDRs over pod addresses, each family on its own; Accept to networks over a Baseline Deny.
 */
const networks: Scenario = {
  name: "networks peers with IPv4 and IPv6 CIDRs, each family enforced apart",
  families: ["IPv4", "IPv6"],
  objects: [
    cnp("x-not-to-n2-v4-n1-v6", {
      tier: "Admin",
      priority: 10,
      subject: { namespaces: ns("x") },
      egress: [{ action: "Deny", to: [{ networks: ["10.2.0.0/24", "fd01::/64"] }] }],
    }),
    cnp("y-to-n1-v4-n2-v6", {
      tier: "Admin",
      priority: 11,
      subject: { namespaces: ns("y") },
      egress: [{ action: "Accept", to: [{ networks: ["10.1.0.0/24", "fd02::/64"] }] }],
    }),
    cnp("baseline-y-egress", {
      tier: "Baseline",
      priority: 10,
      subject: { namespaces: ns("y") },
      egress: [{ action: "Deny", to: [{ networks: ["0.0.0.0/0", "::/0"] }] }],
    }),
  ],
  cells: [
    v4("x/a", "y/b", "TCP/80", false),
    v6("x/a", "y/b", "TCP/80", true),
    v4("x/a", "y/a", "UDP/53", true),
    v6("x/a", "y/a", "UDP/53", false),
    v6("x/b", "x/a", "TCP/80", false),
    v4("x/b", "x/a", "TCP/80", true),
    v4("y/a", "x/a", "TCP/80", true),
    v6("y/a", "x/a", "TCP/80", false),
    v4("y/a", "x/b", "TCP/80", false),
    v6("y/a", "x/b", "TCP/80", true),
    v6("y/b", "z/a", "UDP/53", false),
    v4("y/b", "y/b", "TCP/80", true),
  ],
};

/**
 * `nodes` (egress): "selects the nodeIPs ... in the node.Status.Addresses field". A pod and its own
 * node always talk (the node exemption, and the datapath never filters the node's own input).
 */
const nodes: Scenario = {
  name: "egress to a nodes peer selected by Node labels",
  nodes: true,
  objects: [
    cnp("x-not-to-zone-z2-kubelet", {
      tier: "Admin",
      priority: 10,
      subject: { namespaces: ns("x") },
      egress: [
        {
          action: "Deny",
          to: [{ nodes: { matchLabels: { zone: "z2" } } }],
          protocols: [proto("tcp", 10250)],
        },
      ],
    }),
  ],
  cells: [
    v4("x/a", "node:n2", "TCP/10250", false),
    v4("x/a", "node:n2", "TCP/10251", true),
    v4("x/a", "node:n1", "TCP/10250", true),
    v4("x/b", "node:n2", "TCP/10250", true),
    v4("y/a", "node:n2", "TCP/10250", true),
    v4("x/a", "x/b", "TCP/80", true),
  ],
};

/** SCTP: no SCTP packet can be sent here; its rules must render and load beside TCP ones that work. */
const sctp: Scenario = {
  name: "SCTP ports are rendered and loaded (Admin and Baseline), TCP in the same rule enforced",
  loaded: [/sctp \. 9000[\s,}]/, /sctp \. 9000-9010/],
  objects: [
    cnp("sctp-and-tcp-into-x", {
      tier: "Admin",
      priority: 10,
      subject: { namespaces: ns("x") },
      ingress: [
        {
          action: "Deny",
          from: [{ namespaces: ns("y") }],
          protocols: [proto("sctp", 9000), proto("tcp", 80)],
        },
      ],
    }),
    cnp("baseline-sctp-range", {
      tier: "Baseline",
      priority: 10,
      subject: { namespaces: ns("y") },
      egress: [{ action: "Deny", to: [{ namespaces: ns("z") }], protocols: [proto("sctp", 9000, 9010)] }],
    }),
  ],
  cells: [
    v4("y/a", "x/a", "TCP/80", false),
    v4("y/a", "x/a", "TCP/81", true),
    v4("y/a", "z/a", "TCP/80", true),
  ],
};

/** The peer and port scenarios, in order. */
export const PEER_SCENARIOS: readonly Scenario[] = [ports, networks, nodes, sctp];
