/**
 * The node's pod CIDRs from Flannel's `subnet.env` (written by flanneld on every node, whatever its
 * subnet manager). Flannel with the etcd subnet manager leaves the Node's `spec.podCIDRs` empty;
 * without a pod CIDR the agent cannot drop traffic of pod addresses it does not know (fail closed
 * for unknown pods), so the file fills the families the Node lacks.
 */
import { readFile } from "node:fs/promises";
import type { Node, Snapshot } from "../k8s/model.js";
import { type Cidr, formatInterval, parseCidr } from "../net/cidr.js";

/** Where flanneld writes its lease (its `--subnet-file` default). */
export const DEFAULT_FLANNEL_SUBNET_FILE = "/run/flannel/subnet.env";

/** Reads a text file: its content, or undefined when it does not exist. Other errors reject. */
export type ReadText = (path: string) => Promise<string | undefined>;

/** ReadText through node:fs. */
export const nodeReadText: ReadText = async (path) => {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
};

/** What the file says. */
export type FlannelSubnet =
  | { readonly kind: "found"; readonly cidrs: readonly Cidr[] }
  | { readonly kind: "absent" }
  | { readonly kind: "invalid"; readonly error: string };

/** The variables holding this node's lease: `FLANNEL_SUBNET=10.244.1.1/24` is pod CIDR 10.244.1.0/24. */
const SUBNET_VARIABLES = ["FLANNEL_SUBNET", "FLANNEL_IPV6_SUBNET"] as const;

/**
 * Parses `subnet.env` (shell `KEY=value` lines). The lease is written with the gateway's address
 * (host bits set); the pod CIDR is its network. A file without either variable is invalid.
 */
export function parseSubnetEnv(text: string): FlannelSubnet {
  const vars = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const eq = line.indexOf("=");
    if (line === "" || line.startsWith("#") || eq < 0) continue;
    vars.set(line.slice(0, eq).trim(), unquote(line.slice(eq + 1).trim()));
  }
  const cidrs: Cidr[] = [];
  for (const name of SUBNET_VARIABLES) {
    const value = vars.get(name);
    if (value === undefined || value === "") continue;
    const c = parseCidr(value);
    if (typeof c === "string") return { kind: "invalid", error: `${name}=${value}: ${c}` };
    if (c.family !== (name === "FLANNEL_SUBNET" ? "IPv4" : "IPv6"))
      return { kind: "invalid", error: `${name}=${value}: wrong address family` };
    cidrs.push({ ...c, hostBitsSet: false });
  }
  if (cidrs.length === 0)
    return { kind: "invalid", error: "neither FLANNEL_SUBNET nor FLANNEL_IPV6_SUBNET is set" };
  return { kind: "found", cidrs };
}

function unquote(v: string): string {
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0] ? v.slice(1, -1) : v;
}

/** Reads and parses the file; an unreadable file is `invalid` with the reason. */
export async function readFlannelSubnet(read: ReadText, path: string): Promise<FlannelSubnet> {
  let text: string | undefined;
  try {
    text = await read(path);
  } catch (e) {
    return { kind: "invalid", error: `cannot read ${path}: ${(e as Error).message}` };
  }
  if (text === undefined) return { kind: "absent" };
  const parsed = parseSubnetEnv(text);
  return parsed.kind === "invalid" ? { kind: "invalid", error: `${path}: ${parsed.error}` } : parsed;
}

/**
 * The Node with the file's CIDRs for every family its `spec.podCIDRs` lacks (the Node wins where
 * both name one). Pure.
 */
export function withFallbackCidrs(node: Node, cidrs: readonly Cidr[]): Node {
  const missing = cidrs.filter((c) => !node.podCIDRs.some((n) => n.family === c.family));
  return missing.length === 0 ? node : { ...node, podCIDRs: [...node.podCIDRs, ...missing] };
}

/** The snapshot to compile for this node, and why enforcement is incomplete (undefined: it is not). */
export interface LocalNodeView {
  readonly snapshot: Snapshot;
  readonly problem: string | undefined;
}

/**
 * Lays the Flannel lease onto this node in `snapshot` (the compiler reads `node.podCIDRs`) and
 * names what is wrong: a Node missing from the API (a mistyped `--node` enforces nothing), or a
 * node with no pod CIDR from either source (pods the agent does not know are then unrestricted).
 * A missing Node is not invented from the file: that would drop every pod of the real node. Pure.
 */
export function localNodeView(
  snapshot: Snapshot,
  nodeName: string,
  flannel: FlannelSubnet,
  path: string,
): LocalNodeView {
  const node = snapshot.nodes.get(nodeName);
  const fileNote =
    flannel.kind === "invalid"
      ? ` (${flannel.error})`
      : flannel.kind === "absent"
        ? ` (${path} does not exist)`
        : "";
  if (!node)
    return {
      snapshot,
      problem: `node ${JSON.stringify(nodeName)} does not exist in the API server (check --node / NODE_NAME); no pod of this node is enforced`,
    };
  const laid = flannel.kind === "found" ? withFallbackCidrs(node, flannel.cidrs) : node;
  const nodes = laid === node ? snapshot.nodes : new Map(snapshot.nodes).set(nodeName, laid);
  const view = nodes === snapshot.nodes ? snapshot : { ...snapshot, nodes };
  if (laid.podCIDRs.length > 0) return { snapshot: view, problem: undefined };
  return {
    snapshot: view,
    problem: `node ${nodeName} has no pod CIDR (spec.podCIDRs) and Flannel's subnet file gives none${fileNote}; addresses of pods the agent does not know are not restricted`,
  };
}

/** A stable text of what the file said, to notice when it changes. */
function leaseKey(f: FlannelSubnet): string {
  if (f.kind !== "found") return f.kind === "invalid" ? `invalid ${f.error}` : "absent";
  return f.cidrs.map((c) => formatInterval(c.family, c.range)).join(",");
}

/**
 * This node's view for each sync, from the file when it is configured. Syncs do no file I/O: the
 * file is read once, then again by `changed` on the periodic table and drift checks, which tells
 * when it says something else than at the last sync (flanneld writes it after the agent may have
 * started).
 */
export class FlannelLease {
  private lastKey: string | undefined;
  /** The file as last read: syncs use it, and `changed` (on the periodic checks) reads it again. */
  private cached: FlannelSubnet | undefined;

  constructor(
    private readonly read: ReadText,
    private readonly path: string | undefined,
  ) {}

  /** The snapshot with the lease laid onto this node, and what is wrong (see localNodeView). */
  async view(snapshot: Snapshot, nodeName: string): Promise<LocalNodeView> {
    const lease = this.cached ?? (await this.current());
    this.cached = lease;
    this.lastKey = leaseKey(lease);
    return localNodeView(snapshot, nodeName, lease, this.path ?? "(no Flannel subnet file configured)");
  }

  /** Reads the file again; true when it now says something else than at the last `view`. */
  async changed(): Promise<boolean> {
    if (this.path === undefined || this.lastKey === undefined) return false;
    this.cached = await this.current();
    return leaseKey(this.cached) !== this.lastKey;
  }

  private current(): Promise<FlannelSubnet> {
    return this.path === undefined
      ? Promise.resolve({ kind: "absent" })
      : readFlannelSubnet(this.read, this.path);
  }
}
