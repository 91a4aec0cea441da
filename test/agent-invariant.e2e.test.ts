/**
 * The invariant that sums up "the agent enforces exactly what the cluster says, on every path":
 * after any sequence of API changes (ClusterNetworkPolicies created, changed and deleted included),
 * agent restarts, re-lists after 410 Gone, API outages and CNI ADD/DEL in any order —
 * starting from objects that exist before the agent does — the kernel's ruleset in the node's
 * namespace equals `netguard compile` of the API server's current state (both normalised from
 * `nft -j list`). A fast-check property over random event sequences, with the real client library
 * against the in-repo API server and real nft.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Agent } from "../src/agent/agent.js";
import { callAgent } from "../src/cni/agent-client.js";
import { testAgent } from "./support/agent.js";
import { clusterPolicy, denyIngressTo, namespacesOf, podsOf, tcp } from "./support/agent-cnp.js";
import { converged } from "./support/agent-cnp-api.js";
import { type ApiServer, startApiServer } from "./support/apiserver/server.js";
import { waitFor } from "./support/apiserver/client.js";
import { nsRun, withNetns } from "./support/netns.js";
import { type Json, namespace, node, pod, policy } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const RUNS = Number(process.env.NETGUARD_INVARIANT_RUNS ?? 4);
const web = [{ name: "http", containerPort: 80 }];
const LONG = `p-${"x".repeat(240)}`;

const NAMESPACES = [namespace("x", { team: "blue" }), namespace("y", { team: "red" })];
const NODES = [node("n1", "192.168.0.1", ["10.1.0.0/24"]), node("n2", "192.168.0.2", ["10.1.1.0/24"])];
const PODS: Json[] = [
  pod("x", "a", { labels: { app: "a" }, ips: ["10.1.0.10"], node: "n1", ports: web }),
  pod("x", "b", { labels: { app: "b" }, ips: ["10.1.0.11"], node: "n1", ports: web }),
  pod("y", "a", { labels: { app: "a" }, ips: ["10.1.0.12"], node: "n1", ports: web }),
  pod("x", LONG, { labels: { app: "b" }, ips: ["10.1.0.13"], node: "n1", ports: web }),
  pod("y", "remote", { labels: { app: "b" }, ips: ["10.1.1.10"], node: "n2", ports: web }),
];
const POLICIES: Json[] = [
  policy("x", "deny", { podSelector: {} }),
  policy("x", "from-b", {
    podSelector: { matchLabels: { app: "a" } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "b" } } }], ports: [{ port: 80 }] }],
  }),
  policy("x", "from-red", {
    podSelector: {},
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "red" } } }] }],
  }),
  policy("y", "egress", {
    podSelector: { matchLabels: { app: "a" } },
    policyTypes: ["Egress"],
    egress: [
      { to: [{ ipBlock: { cidr: "10.1.1.0/24", except: ["10.1.1.10/32"] } }] },
      {
        to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: "b" } } }],
        ports: [{ port: "http" }],
      },
    ],
  }),
  policy("y", "named", {
    podSelector: {},
    ingress: [
      { from: [{ namespaceSelector: { matchLabels: { team: "blue" } } }], ports: [{ port: "http" }] },
    ],
  }),
];

/** Both tiers, all three actions, pod and namespace subjects and peers, a ports match, a CIDR. */
const CLUSTER_POLICIES: Json[] = [
  denyIngressTo("deny-a", "a", 10),
  clusterPolicy("pass-b", {
    tier: "Admin",
    priority: 5,
    subject: podsOf({ app: "b" }),
    ingress: [{ action: "Pass", from: [podsOf({ app: "a" })], protocols: tcp(80) }],
    egress: [{ action: "Deny", to: [{ networks: ["10.1.1.0/24"] }] }],
  }),
  clusterPolicy("baseline-red", {
    tier: "Baseline",
    priority: 20,
    subject: namespacesOf({ team: "blue" }),
    ingress: [{ action: "Deny", from: [namespacesOf({ team: "red" })] }],
  }),
];
type CnpAction = "Accept" | "Deny" | "Pass";

type Step =
  | { readonly op: "toggle-policy"; readonly i: number }
  | { readonly op: "toggle-cnp"; readonly i: number }
  | { readonly op: "cnp-change"; readonly i: number; readonly priority: number; readonly action: CnpAction }
  | { readonly op: "toggle-pod"; readonly i: number }
  | { readonly op: "pod-label"; readonly i: number; readonly app: string }
  | { readonly op: "ns-label"; readonly i: number; readonly team: string }
  | { readonly op: "restart" }
  | { readonly op: "relist" }
  | { readonly op: "outage"; readonly then: number }
  | { readonly op: "cni-add" | "cni-del"; readonly i: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant("toggle-policy" as const), i: fc.nat(POLICIES.length - 1) }),
  fc.record({ op: fc.constant("toggle-pod" as const), i: fc.nat(PODS.length - 1) }),
  fc.record({ op: fc.constant("toggle-cnp" as const), i: fc.nat(CLUSTER_POLICIES.length - 1) }),
  fc.record({
    op: fc.constant("cnp-change" as const),
    i: fc.nat(CLUSTER_POLICIES.length - 1),
    priority: fc.constantFrom(1, 10, 20),
    action: fc.constantFrom<CnpAction>("Accept", "Deny", "Pass"),
  }),
  fc.record({
    op: fc.constant("pod-label" as const),
    i: fc.nat(PODS.length - 1),
    app: fc.constantFrom("a", "b", "c"),
  }),
  fc.record({ op: fc.constant("ns-label" as const), i: fc.nat(1), team: fc.constantFrom("red", "blue") }),
  fc.constant({ op: "restart" as const }),
  fc.constant({ op: "relist" as const }),
  fc.record({ op: fc.constant("outage" as const), then: fc.nat(POLICIES.length - 1) }),
  fc.record({ op: fc.constantFrom("cni-add" as const, "cni-del" as const), i: fc.nat(PODS.length - 1) }),
);

/** Which of `n` objects exist before the agent starts (each with probability 1/2, not shrunk toward none). */
const present = (n: number) =>
  fc
    .array(fc.boolean(), { minLength: n, maxLength: n })
    .map((bits) => bits.flatMap((b, i) => (b ? [i] : [])));
const ALL = (list: readonly unknown[]) => list.map((_, i) => i);

const refOf = (o: Json) => {
  const m = o.metadata as { namespace?: string; name: string };
  return [m.namespace, m.name] as const;
};

/** What a step needs besides the API server. */
interface Env {
  restart(): Promise<void>;
  /** The agent's CNI socket. */
  readonly socket: string;
}

let sandboxes = 0;

/**
 * A CNI ADD or DEL for pod `i`'s sandbox, as the plugin sends it (the pod's API addresses, no veth:
 * the node namespace has no bridge). The reply does not matter here; the rules afterwards do.
 */
async function cni(op: "cni-add" | "cni-del", i: number, socket: string, api: ApiServer): Promise<void> {
  const p = PODS[i] as Json;
  const [namespace, name] = refOf(p);
  const ips = ((p.status as { podIPs?: Array<{ ip: string }> }).podIPs ?? []).map((x) => x.ip);
  if (op === "cni-add") sandboxes++;
  const containerId = `inv${i}x${op === "cni-add" ? sandboxes : sandboxes - 1}`;
  const body = op === "cni-add" ? { containerId, namespace, name, ips } : { containerId };
  const reply = await callAgent(socket, "POST", op === "cni-add" ? "/v1/add" : "/v1/del", body, 10_000);
  // A pod of this node that the API holds is programmed before the ADD returns; a DEL never fails.
  const local = api.get("Pod", namespace, name) && (p.spec as { nodeName?: string }).nodeName === "n1";
  if (op === "cni-del" || local) expect(reply).toEqual({ ok: true });
}

/** Applies one step to the API server (and the agent, for restarts and CNI requests). */
async function apply(s: Step, api: ApiServer, env: Env): Promise<void> {
  switch (s.op) {
    case "cni-add":
    case "cni-del":
      return cni(s.op, s.i, env.socket, api);
    case "toggle-policy":
    case "toggle-pod": {
      const [obj, kind] =
        s.op === "toggle-pod" ? [PODS[s.i], "Pod" as const] : [POLICIES[s.i], "NetworkPolicy" as const];
      const [ns, name] = refOf(obj as Json);
      if (api.get(kind, ns, name)) api.remove(kind, ns, name);
      else api.create(obj as never);
      return;
    }
    case "toggle-cnp": {
      const name = refOf(CLUSTER_POLICIES[s.i] as Json)[1];
      if (api.get("ClusterNetworkPolicy", undefined, name))
        api.remove("ClusterNetworkPolicy", undefined, name);
      else api.create(CLUSTER_POLICIES[s.i] as never);
      return;
    }
    case "cnp-change":
      return changeClusterPolicy(api, s);
    case "pod-label": {
      const [ns, name] = refOf(PODS[s.i] as Json);
      if (api.get("Pod", ns, name)) api.patchLabels("Pod", ns, name, { app: s.app });
      return;
    }
    case "ns-label":
      api.patchLabels("Namespace", undefined, s.i === 0 ? "x" : "y", { team: s.team });
      return;
    case "restart":
      return env.restart();
    case "relist":
      api.compact();
      api.closeWatches();
      return;
    case "outage": {
      api.setOutage("error500");
      await apply({ op: "toggle-policy", i: s.then }, api, env);
      await waitFor("the outage to end every watch", () => api.openWatches === 0, 5000);
      api.setOutage("none");
      return;
    }
  }
}

/**
 * A held ClusterNetworkPolicy's priority and first rule's action changed (Pass is Admin-only: a
 * Baseline policy gets Deny instead).
 */
function changeClusterPolicy(api: ApiServer, s: Extract<Step, { op: "cnp-change" }>): void {
  const held = api.get("ClusterNetworkPolicy", undefined, refOf(CLUSTER_POLICIES[s.i] as Json)[1]);
  if (!held) return;
  const spec = structuredClone(held.spec) as { tier: string; priority: number; ingress: Json[] };
  spec.priority = s.priority;
  (spec.ingress[0] as Json).action = spec.tier === "Baseline" && s.action === "Pass" ? "Deny" : s.action;
  api.update({ ...held, spec });
}

describeAsRoot("invariant: the kernel's ruleset equals netguard compile of the API state", () => {
  let api: ApiServer;
  beforeAll(async () => {
    api = await startApiServer({ bookmarkIntervalMs: 300 });
  });
  afterAll(async () => {
    await api.close();
  });

  it(
    "after any sequence of changes, restarts, re-lists, outages and CNI ADD/DEL, from objects present at start",
    { timeout: 600_000 },
    async () => {
      await withNetns(async (nodeNs) => {
        await withNetns(async (scratch) => {
          await fc.assert(
            fc.asyncProperty(
              present(POLICIES.length),
              present(PODS.length),
              present(CLUSTER_POLICIES.length),
              fc.array(step, { minLength: 1, maxLength: 8 }),
              async (initialPolicies, initialPods, initialCnps, steps) => {
                const kinds = ["ClusterNetworkPolicy", "NetworkPolicy", "Pod", "Node", "Namespace"] as const;
                for (const kind of kinds)
                  for (const o of api.list(kind)) api.remove(kind, o.metadata.namespace, o.metadata.name);
                for (const o of [...NAMESPACES, ...NODES]) api.create(o);
                for (const i of initialPods) api.create(PODS[i] as never);
                for (const i of initialPolicies) api.create(POLICIES[i] as never);
                for (const i of initialCnps) api.create(CLUSTER_POLICIES[i] as never);
                const dir = mkdtempSync(join(tmpdir(), "netguard-invariant-"));
                const socket = join(dir, "cni.sock");
                const newAgent = () =>
                  testAgent(api, nodeNs, { cniSocket: socket, cniStateFile: join(dir, "pods.json") });
                let agent: Agent = newAgent();
                await agent.start();
                const env: Env = {
                  socket,
                  async restart() {
                    await agent.stop();
                    agent = newAgent();
                    await agent.start();
                  },
                };
                try {
                  await converged(api, nodeNs, scratch, "objects present at start");
                  for (const s of steps) {
                    await apply(s, api, env);
                    await converged(api, nodeNs, scratch, JSON.stringify(s));
                  }
                } finally {
                  await agent.stop();
                  rmSync(dir, { recursive: true, force: true });
                  await nsRun(nodeNs, "nft", ["flush", "ruleset"]);
                }
              },
            ),
            {
              numRuns: RUNS,
              endOnFailure: true,
              // Everything present before the agent starts, then a re-list and a restart: the
              // paths a real node takes every day (and where `from` peers once vanished).
              examples: [
                [ALL(POLICIES), ALL(PODS), ALL(CLUSTER_POLICIES), [{ op: "relist" }, { op: "restart" }]],
                [
                  [1],
                  [0, 1],
                  [],
                  [
                    { op: "cni-add", i: 0 },
                    { op: "toggle-policy", i: 1 },
                    { op: "cni-del", i: 0 },
                    { op: "cni-add", i: 0 },
                  ],
                ],
              ],
            },
          );
        }, "inv-scratch");
      }, "inv-node");
    },
  );
});
