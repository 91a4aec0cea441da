/**
 * Finding 1 of the security trial, with real packets: a policy that exists before the agent starts
 * arrives by LIST (and again by every re-list after 410 Gone), not by WATCH. Its `from` peers must be
 * enforced on that path exactly as on the watch path; they once vanished ("allow from everyone")
 * because the client library's typed list models name the field `_from`.
 */
import { expect, it } from "vitest";
import { apiServerHolding, cellOf, convergedMatrix, withEnforcedLab } from "./support/agent-lab.js";
import type { Ports } from "./support/lab.js";
import { type Json, namespace, node, pod, policy } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const PORTS: Ports = [{ port: 80, protocol: "TCP" }];
const web = [{ name: "http", containerPort: 80 }];
const OBJECTS: Json[] = [
  namespace("x", { team: "blue" }),
  namespace("y", { team: "red" }),
  node("n1", "192.168.0.1", ["10.1.0.0/24"]),
  pod("x", "a", { labels: { app: "a" }, ips: ["10.1.0.10"], node: "n1", ports: web }),
  pod("x", "b", { labels: { app: "b" }, ips: ["10.1.0.11"], node: "n1", ports: web }),
  pod("x", "c", { labels: { app: "c" }, ips: ["10.1.0.12"], node: "n1", ports: web }),
  pod("y", "a", { labels: { app: "a" }, ips: ["10.1.0.13"], node: "n1", ports: web }),
  policy("x", "a-from-b", {
    podSelector: { matchLabels: { app: "a" } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "b" } } }], ports: [{ port: 80 }] }],
  }),
  policy("x", "b-from-red", {
    podSelector: { matchLabels: { app: "b" } },
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: "red" } } }] }],
  }),
];

describeAsRoot("policies present before the agent starts (LIST path)", () => {
  const server = apiServerHolding(OBJECTS);

  it(
    "enforce their from peers at start and after a re-list (410), with real packets",
    { timeout: 90_000 },
    async () => {
      const api = server();
      await withEnforcedLab(api, OBJECTS, PORTS, async (lab) => {
        let m = await convergedMatrix(lab, api, PORTS);
        expect(cellOf(m, "x/b", "x/a")).toBe(true);
        expect(cellOf(m, "x/c", "x/a")).toBe(false); // excluded by the from peer: once allowed
        expect(cellOf(m, "y/a", "x/b")).toBe(true);
        expect(cellOf(m, "x/c", "x/b")).toBe(false);

        api.compact();
        api.closeWatches();
        api.patchLabels("Pod", "x", "c", { app: "d" }); // a change the re-list (not the watch) delivers
        m = await convergedMatrix(lab, api, PORTS, 15_000);
        expect(cellOf(m, "x/c", "x/a")).toBe(false);
        expect(cellOf(m, "x/b", "x/a")).toBe(true);
      });
    },
  );
});
