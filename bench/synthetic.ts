/**
 * A deterministic synthetic cluster for benchmarks: N pods in N/100 namespaces over N/200 nodes,
 * with P policies mixing default-deny, pod and namespace selectors, ipBlocks with except,
 * matchExpressions and named ports — the shapes real clusters have.
 */

type Json = Record<string, unknown>;

/** A small seeded PRNG (mulberry32), so every run builds the same cluster. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticSize {
  readonly pods: number;
  readonly policies: number;
  /** Pods per node (default 200). */
  readonly podsPerNode?: number;
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
    const host = 10 + (perNode[node] as number);
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
  for (let p = 0; p < size.policies; p++) objs.push(syntheticPolicy(p, namespaces, pick, rand));
  return objs;
}

function nodeName(n: number): string {
  return `node-${String(n).padStart(3, "0")}`;
}

function syntheticPolicy(
  p: number,
  namespaces: readonly string[],
  pick: <T>(xs: readonly T[]) => T,
  rand: () => number,
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
  switch (Math.floor(p / namespaces.length) % 10) {
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
