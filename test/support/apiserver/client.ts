/**
 * Test-side helpers around the real `@kubernetes/client-node`: API clients for a fake server, an
 * informer event recorder, polling, and object builders in the API's JSON shape.
 */

import {
  CoreV1Api,
  type Informer,
  KubeConfig,
  type KubernetesObject,
  ListWatch,
  NetworkingV1Api,
} from "@kubernetes/client-node";
import type { ApiServer, KubeObject } from "./server.js";

/** Typed API clients configured from the server's kubeconfig. */
export interface Clients {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly net: NetworkingV1Api;
}

/** Clients for `server`, through `KubeConfig.loadFromString(server.kubeconfig())`. */
export function clientsFor(server: ApiServer): Clients {
  const kc = new KubeConfig();
  kc.loadFromString(server.kubeconfig());
  return { kc, core: kc.makeApiClient(CoreV1Api), net: kc.makeApiClient(NetworkingV1Api) };
}

/** What an informer reported: `add x/a`, `update x/a`, `delete x/a`, errors and (re)connects. */
export interface Recording {
  readonly changes: string[];
  readonly errors: unknown[];
  connects: number;
}

function ref(obj: KubernetesObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? "?";
  return ns === undefined ? name : `${ns}/${name}`;
}

/** Subscribes to every informer callback. */
export function record<T extends KubernetesObject>(informer: Informer<T>): Recording {
  const rec: Recording = { changes: [], errors: [], connects: 0 };
  for (const verb of ["add", "update", "delete"])
    informer.on(verb, (obj) => rec.changes.push(`${verb} ${ref(obj)}`));
  informer.on("error", (err) => rec.errors.push(err));
  informer.on("connect", () => {
    rec.connects += 1;
  });
  return rec;
}

/** Polls until `cond` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The sorted `namespace/name` of an informer's cached objects (needs a ListWatch-backed informer). */
export function cached(informer: Informer<KubernetesObject>): string[] {
  if (!(informer instanceof ListWatch)) throw new Error("not a ListWatch-backed informer");
  return informer.list().map(ref).sort();
}

/** A Pod. */
export function pod(namespace: string, name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { namespace, name, labels },
    spec: { nodeName: "n1", containers: [{ name: "main", image: "registry.invalid/app" }] },
    status: { phase: "Running", podIP: "10.244.1.5", podIPs: [{ ip: "10.244.1.5" }] },
  };
}

/** A Namespace. */
export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

/** A Node with a pod CIDR and an InternalIP. */
export function node(name: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name },
    spec: { podCIDR: "10.244.1.0/24", podCIDRs: ["10.244.1.0/24"] },
    status: { addresses: [{ type: "InternalIP", address: "192.168.0.11" }] },
  };
}

/** A default-deny-ingress NetworkPolicy. */
export function networkPolicy(namespace: string, name: string): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { namespace, name },
    spec: { podSelector: {}, policyTypes: ["Ingress"] },
  };
}
