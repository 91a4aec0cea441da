/**
 * Raw ClusterNetworkPolicies (`policy.networking.k8s.io/v1alpha2`) as the API server stores and
 * sends them, for the agent's tests: they reach the agent through the one decoder, exactly as a
 * LIST or WATCH delivers them.
 */
import { CNP_API_VERSION } from "../../src/k8s/decode-cnp.js";
import type { Json } from "./objects.js";

/** A ClusterNetworkPolicy object with this spec. */
export function clusterPolicy(name: string, spec: Json): Json {
  return { apiVersion: CNP_API_VERSION, kind: "ClusterNetworkPolicy", metadata: { name }, spec };
}

/** `subject.pods` (or `peer.pods`) selecting pods by `matchLabels` in namespaces by `matchLabels`. */
export const podsOf = (podLabels: Record<string, string>, nsLabels: Record<string, string> = {}): Json => ({
  pods: { namespaceSelector: { matchLabels: nsLabels }, podSelector: { matchLabels: podLabels } },
});

/** `subject.namespaces` (or `peer.namespaces`) by `matchLabels` (`{}`: every namespace). */
export const namespacesOf = (labels: Record<string, string> = {}): Json => ({
  namespaces: { matchLabels: labels },
});

/** `protocols: [{tcp: {destinationPort: {number}}}]`. */
export const tcp = (port: number): Json[] => [{ tcp: { destinationPort: { number: port } } }];

/**
 * An Admin policy denying ingress to the pods labelled `app=<app>` from every namespace's pods,
 * at `priority`: the simplest policy whose enforcement a test can see.
 */
export function denyIngressTo(name: string, app: string, priority = 10): Json {
  return clusterPolicy(name, {
    tier: "Admin",
    priority,
    subject: podsOf({ app }),
    ingress: [{ name: "deny-all", action: "Deny", from: [namespacesOf()] }],
  });
}
