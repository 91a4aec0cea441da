/**
 * A deterministic synthetic cluster for benchmarks: N pods in N/100 namespaces over N/200 nodes,
 * with P policies mixing default-deny, pod and namespace selectors, ipBlocks with except,
 * matchExpressions and named ports — the shapes real clusters have.
 */

import { syntheticClusterPolicies } from "./synthetic-cnp.js";
import { prng, TENANTS } from "./synthetic-shared.js";

type Json = Record<string, unknown>;

export interface SyntheticSize {
  readonly pods: number;
  readonly policies: number;
  /** Pods per node (default 200; at most 253, the hosts of a node's /24 from .2 to .254). */
  readonly podsPerNode?: number;
  /** ClusterNetworkPolicies to add (half Admin, half Baseline, 10 rules each; synthetic-cnp.ts). */
  readonly clusterPolicies?: number;
  /**
   * Every `openEvery`-th namespace (ns-000 first) gets no policy isolating all its pods (its default-deny, DNS
   * egress and monitoring-ingress policies become pod-selector ones), so some pods are isolated in
   * neither or one direction and Baseline ClusterNetworkPolicies reach them. Absent: none.
   */
  readonly openEvery?: number;
}

const APPS_PER_NS = 10;

/** Builds the cluster as a list of raw Kubernetes objects. */
export function syntheticCluster(size: SyntheticSize, seed = 42): Json[] {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const nsCount = Math.max(1, Math.round(size.pods / 100));
  const nodeCount = Math.max(1, Math.round(size.pods / (size.podsPerNode ?? 200)));
  const namespaces = Array.from({ length: nsCount }, (_, i) => `ns-${String(i).padStart(3, "0")}`);
  const objs: Json[] = [];
  namespaces.forEach((name, i) => {
    objs.push({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name,
        labels: {
          team: `t${i % 10}`,
          env: ["prod", "dev", "staging"][i % 3],
          tenant: `tn-${i % TENANTS}`,
          ...(i === 1 ? { role: "monitoring" } : {}),
        },
      },
    });
  });
  for (let n = 0; n < nodeCount; n++) {
    objs.push({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: nodeName(n) },
      spec: {
        podCIDR: `10.${64 + (n >> 8)}.${n & 255}.0/24`,
        podCIDRs: [`10.${64 + (n >> 8)}.${n & 255}.0/24`],
      },
      status: { addresses: [{ type: "InternalIP", address: `192.168.${n >> 8}.${(n & 255) + 1}` }] },
    });
  }
  const perNode = new Array<number>(nodeCount).fill(0);
  for (let i = 0; i < size.pods; i++) {
    const ns = namespaces[i % nsCount] as string;
    const node = i % nodeCount;
    const host = hostOf(perNode[node] as number);
    perNode[node] = (perNode[node] as number) + 1;
    const app = Math.floor(i / nsCount) % APPS_PER_NS;
    const ports: Json[] = [
      { name: "http", containerPort: app % 3 === 0 ? 80 : 8080 },
      { name: "metrics", containerPort: 9090 },
    ];
    if (app % 4 === 0) ports.push({ name: "grpc", containerPort: 9000 });
    if (ns === namespaces[0] && app === 0)
      ports.push({ name: "dns", containerPort: 53, protocol: "UDP" }, { name: "dns-tcp", containerPort: 53 });
    objs.push({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: `app-${app}-${i}`,
        namespace: ns,
        labels: { app: `app-${app}`, tier: ["fe", "be", "db"][app % 3], version: pick(["v1", "v2"]) },
      },
      spec: {
        nodeName: nodeName(node),
        containers: [{ name: "main", image: "registry.invalid/app", ports }],
      },
      status: {
        phase: "Running",
        podIP: `10.${64 + (node >> 8)}.${node & 255}.${host}`,
        podIPs: [{ ip: `10.${64 + (node >> 8)}.${node & 255}.${host}` }],
      },
    });
  }
  for (let p = 0; p < size.policies; p++) {
    const open = size.openEvery !== undefined && (p % nsCount) % size.openEvery === 0;
    objs.push(syntheticPolicy(p, namespaces, pick, rand, open));
  }
  objs.push(...syntheticClusterPolicies(size.clusterPolicies ?? 0, namespaces));
  return objs;
}

/**
 * The host part of a node's k-th pod address in its /24: .10 upwards as always, then .2-.9 (the
 * generator used to run on to .256-.259 at 250 pods per node: addresses that do not parse).
 */
function hostOf(k: number): number {
  if (k < 245) return 10 + k;
  if (k < 253) return 2 + (k - 245);
  throw new Error(`synthetic cluster: at most 253 pods per node (a /24 from .2 to .254), got ${k + 1}`);
}

function nodeName(n: number): string {
  return `node-${String(n).padStart(3, "0")}`;
}

function syntheticPolicy(
  p: number,
  namespaces: readonly string[],
  pick: <T>(xs: readonly T[]) => T,
  rand: () => number,
  open = false,
): Json {
  const ns = namespaces[p % namespaces.length] as string;
  const meta = { name: `np-${p}`, namespace: ns };
  const app = () => ({ matchLabels: { app: `app-${Math.floor(rand() * APPS_PER_NS)}` } });
  const wrap = (spec: Json): Json => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta,
    spec,
  });
  const shape = Math.floor(p / namespaces.length) % 10;
  switch (open && (shape === 0 || shape === 1 || shape === 4) ? 2 : shape) {
    case 0:
      return wrap({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    case 1:
      return wrap({
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespaces[0] } },
                podSelector: { matchLabels: { app: "app-0" } },
              },
            ],
            ports: [{ port: 53, protocol: "UDP" }, { port: 53 }],
          },
        ],
      });
    case 2:
      return wrap({
        podSelector: app(),
        ingress: [{ from: [{ podSelector: app() }], ports: [{ port: "http" }] }],
      });
    case 3:
      return wrap({
        podSelector: app(),
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { team: `t${Math.floor(rand() * 10)}` } },
                podSelector: app(),
              },
            ],
            ports: [{ port: 8080 }, { port: 9000, endPort: 9010 }],
          },
        ],
      });
    case 4:
      return wrap({
        podSelector: {},
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { role: "monitoring" } } }],
            ports: [{ port: "metrics" }],
          },
        ],
      });
    case 5:
      return wrap({
        podSelector: app(),
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              { ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "192.168.0.0/16", "172.16.0.0/12"] } },
            ],
            ports: [{ port: 443 }],
          },
        ],
      });
    case 6:
      return wrap({
        podSelector: { matchExpressions: [{ key: "tier", operator: "In", values: ["be", "db"] }] },
        egress: [
          {
            to: [{ podSelector: { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["fe"] }] } }],
            ports: [{ port: "grpc" }],
          },
        ],
      });
    case 7:
      return wrap({
        podSelector: app(),
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { env: pick(["prod", "dev", "staging"]) } },
                podSelector: app(),
              },
            ],
            ports: [{ port: "http" }],
          },
        ],
      });
    case 8:
      return wrap({
        podSelector: app(),
        ingress: [
          {
            from: [
              {
                ipBlock: {
                  cidr: "10.64.0.0/16",
                  except: [`10.64.${Math.floor(rand() * 50)}.0/24`],
                },
              },
            ],
          },
        ],
      });
    default:
      return wrap({
        podSelector: app(),
        ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { team: "t0" } } }] }],
      });
  }
}
