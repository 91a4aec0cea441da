/**
 * A ClusterNetworkPolicy with a field netguard does not know (a newer API bundle's peer, or a new
 * spec field) reaches the agent through the real client library: the API says "fail closed" — an
 * Accept rule with such a peer matches nothing, a Deny or Pass rule with one is read as "Deny all".
 * With real packets in a lab node enforced by the agent, the matrix equals the evaluator's for the
 * API state decoded fail-closed, and the subject pods' traffic is denied where the API says.
 */
import { expect, it } from "vitest";
import { clusterPolicy, podsOf } from "./support/agent-cnp.js";
import { apiServerHolding, cellOf, convergedMatrix, withEnforcedLab } from "./support/agent-lab.js";
import type { Ports } from "./support/lab.js";
import { type Json, namespace, node, pod } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const PORTS: Ports = [{ port: 80, protocol: "TCP" }];
const web = [{ name: "http", containerPort: 80 }];
const OBJECTS: Json[] = [
  namespace("x", { team: "blue" }),
  namespace("y", { team: "red" }),
  node("n1", "192.168.0.1", ["10.1.0.0/24"]),
  pod("x", "a", { labels: { app: "a" }, ips: ["10.1.0.10"], node: "n1", ports: web }),
  pod("x", "b", { labels: { app: "b" }, ips: ["10.1.0.11"], node: "n1", ports: web }),
  pod("y", "c", { labels: { app: "c" }, ips: ["10.1.0.12"], node: "n1", ports: web }),
];
/** A newer bundle's peer on a Deny rule: read as Deny all for x/a's ingress. */
const DENY_UNKNOWN_PEER = clusterPolicy("deny-newer-peer", {
  tier: "Admin",
  priority: 10,
  subject: podsOf({ app: "a" }),
  ingress: [{ action: "Deny", from: [{ serviceAccounts: { namespace: "y", name: "robot" } }] }],
});
/** The same peer on an Accept rule: matches nothing (x/b's ingress is not opened by it). */
const ACCEPT_UNKNOWN_PEER = clusterPolicy("accept-newer-peer", {
  tier: "Baseline",
  priority: 10,
  subject: podsOf({ app: "b" }),
  ingress: [
    { action: "Accept", from: [{ serviceAccounts: { namespace: "y", name: "robot" } }] },
    { action: "Deny", from: [{ namespaces: { matchLabels: { team: "red" } } }] },
  ],
});

describeAsRoot("agent: a ClusterNetworkPolicy with a field netguard does not know fails closed", () => {
  const server = apiServerHolding(OBJECTS);

  it(
    "with real packets: an unknown peer denies all on Deny, matches nothing on Accept; an unknown spec field denies all",
    { timeout: 120_000 },
    async () => {
      const api = server();
      await withEnforcedLab(api, OBJECTS, PORTS, async (lab) => {
        let m = await convergedMatrix(lab, api, PORTS);
        expect(cellOf(m, "y/c", "x/a")).toBe(true); // nothing selects anyone yet

        api.create(DENY_UNKNOWN_PEER); // present before any watch event: by WATCH here
        api.create(ACCEPT_UNKNOWN_PEER);
        m = await convergedMatrix(lab, api, PORTS);
        expect(cellOf(m, "x/b", "x/a")).toBe(false); // Deny all
        expect(cellOf(m, "y/c", "x/a")).toBe(false);
        expect(cellOf(m, "x/a", "x/b")).toBe(true); // the Accept matched nothing; no Deny for blue
        expect(cellOf(m, "y/c", "x/b")).toBe(false); // the next rule decides

        // A spec field from a newer bundle: the whole policy denies its subject's traffic.
        api.remove("ClusterNetworkPolicy", undefined, "deny-newer-peer");
        api.create(
          clusterPolicy("newer-spec", {
            tier: "Baseline",
            priority: 5,
            subject: podsOf({ app: "c" }),
            ingress: [{ action: "Accept", from: [{ namespaces: {} }] }],
            futureField: { enabled: true },
          }),
        );
        m = await convergedMatrix(lab, api, PORTS);
        expect(cellOf(m, "x/b", "x/a")).toBe(true);
        expect(cellOf(m, "x/a", "y/c")).toBe(false);
        expect(cellOf(m, "y/c", "x/a")).toBe(false); // c's egress is denied too
      });
    },
  );
});
