/**
 * Which host veth belongs to which local pod, learned from the kernel (issue 11, finding 4: "Learn
 * the veth ↔ pod pairs from the kernel at start: the bridge ports and their peers' addresses,
 * matched with the API's pod IPs"). Anti-spoofing in the `bridge netguard` table binds each pod's
 * source addresses to its veth; CNI ADD tells the agent about new pods, and this fills in the pods
 * that were running before the agent (or while Flannel had dropped netguard from the chain).
 *
 * Evidence, strongest first:
 * 1. the peer's own addresses: the port's `link_netnsid` names a namespace under /var/run/netns
 *    (where containerd and CRI-O mount pod namespaces), whose interface `link_index` is the peer;
 *    only the pod itself with CAP_NET_ADMIN can change them;
 * 2. for peers in namespaces without a name: the node's neighbour entries on the bridge whose MAC
 *    the bridge learned on that port alone. The pod's own traffic writes both tables, so this is
 *    weaker, and it never overrides (1).
 * Never a guess: an address matching no pod, a peer matching two pods, or two veths claiming one
 * pod leaves those veths out and says why in `problems`.
 */
import { byKey } from "../base/compare.js";
import { type Exec, inNetns } from "../sys/exec.js";
import { formatAddr, parseAddr } from "../net/address.js";
import {
  type BridgePort,
  type Parsed,
  parseBridgePorts,
  parseFdb,
  parseInterfaces,
  parseNeighbours,
  parseNetnsIds,
} from "./veth-parse.js";

/** Where to look. */
export interface VethDiscoveryOptions {
  /** Named network namespace of the node (the lab); absent: the agent's own (hostNetwork). */
  readonly netns?: string;
  /** The CNI bridge (Flannel's delegate `bridge` plugin names it `cni0`). */
  readonly bridge?: string;
  /** Namespaces read at once (default 8). */
  readonly concurrency?: number;
}

/** What the kernel says about the local pods' veths. */
export interface VethDiscovery {
  /** Pod ref (`namespace/name`) → host-side veth name on the bridge; only unambiguous pairs. */
  readonly interfaces: Map<string, string>;
  /** Pods in `interfaces` known only from neighbour + FDB entries (evidence 2), sorted. */
  readonly fromNeighbours: string[];
  /** Pods of `podIps` with no veth in `interfaces`, sorted. */
  readonly unmatched: string[];
  /** Why ports were left out, or a command failed; in bridge port order. */
  readonly problems: string[];
}

/** The bridge Flannel's CNI config makes. */
export const DEFAULT_BRIDGE = "cni0";

type Via = "netns" | "neighbour";
interface Evidence {
  readonly veth: string;
  readonly addrs: readonly string[];
  readonly via: Via;
}

/**
 * Pairs each bridge port with the local pod whose IPs (`podIps`: pod IP → `namespace/name`, as in
 * `status.podIPs` of the Pods with `spec.nodeName` = this node) its peer holds. Never throws.
 */
export async function discoverVeths(
  exec: Exec,
  opts: VethDiscoveryOptions,
  podIps: ReadonlyMap<string, string>,
): Promise<VethDiscovery> {
  const ex = inNetns(exec, opts.netns);
  const bridge = opts.bridge ?? DEFAULT_BRIDGE;
  const problems: string[] = [];
  const pods = canonicalPodIps(podIps, problems);
  const ports = await readJson(
    ex,
    "ip",
    ["-j", "link", "show", "master", bridge],
    parseBridgePorts,
    problems,
  );
  const sorted = [...(ports ?? [])].sort(byKey((p) => p.ifname));
  for (const p of sorted.filter((p) => p.peerIfindex === undefined))
    problems.push(`${p.ifname}: not a veth (no peer); left out`);
  const veths = sorted.filter((p) => p.peerIfindex !== undefined);
  const nsids = veths.some((p) => p.peerNetnsid !== undefined)
    ? await readJson(ex, "ip", ["-j", "netns", "list"], parseNetnsIds, problems)
    : undefined;
  const peers = await pool(veths, opts.concurrency ?? 8, (p) => peerAddrs(ex, p, nsids ?? new Map()));
  const evidence: Evidence[] = [];
  const pending: Array<{ port: BridgePort; why: string }> = [];
  veths.forEach((port, i) => {
    const r = peers[i] ?? "not read";
    if (typeof r === "string") pending.push({ port, why: r });
    else evidence.push({ veth: port.ifname, addrs: r, via: "netns" });
  });
  if (pending.length > 0) evidence.push(...(await neighbourEvidence(ex, bridge, pending, problems)));
  const interfaces = assign(claims(evidence, pods, problems), problems);
  const weak = new Set(evidence.filter((e) => e.via === "neighbour").map((e) => e.veth));
  const fromNeighbours = [...interfaces].filter(([, veth]) => weak.has(veth)).map(([pod]) => pod);
  const unmatched = [...new Set(podIps.values())].filter((ref) => !interfaces.has(ref));
  return { interfaces, fromNeighbours: fromNeighbours.sort(), unmatched: unmatched.sort(), problems };
}

/** Pod IP (canonical text) → the pods claiming it; two forms of one address meet here. */
function canonicalPodIps(podIps: ReadonlyMap<string, string>, problems: string[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [ip, ref] of podIps) {
    const a = parseAddr(ip);
    if (!a) {
      problems.push(`pod ${ref}: "${ip}" is not an IP address`);
      continue;
    }
    const key = formatAddr(a);
    out.set(key, new Set([...(out.get(key) ?? []), ref]));
  }
  return out;
}

/** Runs a command and parses its stdout; a failure or a parse problem goes to `problems`. */
async function readJson<T>(
  ex: Exec,
  cmd: string,
  args: readonly string[],
  parse: (text: string) => Parsed<T>,
  problems: string[],
): Promise<T | undefined> {
  const r = await ex(cmd, args, { timeoutMs: 10_000 });
  if (r.code !== 0) {
    problems.push(`${cmd} ${args.join(" ")}: exit ${r.code}: ${firstLine(r.stderr)}`);
    return undefined;
  }
  const parsed = parse(r.stdout);
  problems.push(...parsed.problems.map((p) => `${cmd} ${args.join(" ")}: ${p}`));
  return parsed.value;
}

function firstLine(text: string): string {
  return (text.trim().split("\n")[0] ?? "").slice(0, 200);
}

/** The peer's global addresses read inside its named namespace, or why they could not be. */
async function peerAddrs(
  ex: Exec,
  port: BridgePort,
  nsids: ReadonlyMap<number, string>,
): Promise<readonly string[] | string> {
  if (port.peerNetnsid === undefined) return "peer is in the node's own namespace";
  const name = nsids.get(port.peerNetnsid);
  if (name === undefined) return `peer namespace (id ${port.peerNetnsid}) has no name in /var/run/netns`;
  const r = await ex("ip", ["-n", name, "-j", "addr", "show"], { timeoutMs: 10_000 });
  if (r.code !== 0) return `ip -n ${name} addr show: exit ${r.code}: ${firstLine(r.stderr)}`;
  const parsed = parseInterfaces(r.stdout);
  const peer = parsed.value.find((i) => i.ifindex === port.peerIfindex);
  if (!peer) return `namespace ${name} has no interface ${port.peerIfindex}`;
  if (peer.peerIfindex !== undefined && peer.peerIfindex !== port.ifindex)
    return `interface ${port.peerIfindex} of namespace ${name} is not this veth's peer`;
  return peer.addrs;
}

/** Addresses behind each pending port from the bridge's neighbour table and learned FDB entries. */
async function neighbourEvidence(
  ex: Exec,
  bridge: string,
  pending: ReadonlyArray<{ port: BridgePort; why: string }>,
  problems: string[],
): Promise<Evidence[]> {
  const neigh = await readJson(ex, "ip", ["-j", "neigh", "show", "dev", bridge], parseNeighbours, problems);
  const fdb = await readJson(
    ex,
    "bridge",
    ["-j", "fdb", "show", "br", bridge],
    (t) => parseFdb(t, bridge),
    problems,
  );
  const behind = new Map<string, string[]>();
  for (const [ip, mac] of neigh ?? []) {
    const ports = fdb?.get(mac) ?? [];
    if (ports.length > 1)
      problems.push(`${ip}: MAC ${mac} was learned on several ports (${ports.join(", ")})`);
    const port = ports.length === 1 ? ports[0] : undefined;
    if (port !== undefined) behind.set(port, [...(behind.get(port) ?? []), ip].sort());
  }
  const out: Evidence[] = [];
  for (const { port, why } of pending) {
    const addrs = behind.get(port.ifname);
    if (addrs) out.push({ veth: port.ifname, addrs, via: "neighbour" });
    else problems.push(`${port.ifname}: ${why}, and no neighbour entry is behind the port; left out`);
  }
  return out;
}

interface Claim {
  readonly veth: string;
  readonly pod: string;
  readonly via: Via;
}

/** Each veth whose addresses name exactly one pod claims it. */
function claims(
  evidence: readonly Evidence[],
  pods: ReadonlyMap<string, ReadonlySet<string>>,
  problems: string[],
): Claim[] {
  const out: Claim[] = [];
  for (const e of evidence) {
    const refs = [...new Set(e.addrs.flatMap((a) => [...(pods.get(a) ?? [])]))].sort();
    const seen = e.via === "netns" ? "peer addresses" : "neighbour entries";
    if (e.addrs.length === 0) problems.push(`${e.veth}: peer has no global address; left out`);
    else if (refs.length === 0)
      problems.push(`${e.veth}: ${seen} ${e.addrs.join(", ")} match no local pod; left out`);
    else if (refs.length > 1)
      problems.push(
        `${e.veth}: ${seen} ${e.addrs.join(", ")} match several pods (${refs.join(", ")}); left out`,
      );
    else out.push({ veth: e.veth, pod: refs[0] as string, via: e.via });
  }
  return out;
}

/** One veth per pod: a pod claimed twice by the same kind of evidence gets none. */
function assign(all: readonly Claim[], problems: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const pods = [...new Set(all.map((c) => c.pod))].sort();
  for (const pod of pods) {
    const strong = all.filter((c) => c.pod === pod && c.via === "netns").map((c) => c.veth);
    const weak = all.filter((c) => c.pod === pod && c.via === "neighbour").map((c) => c.veth);
    if (strong.length > 1) problems.push(`pod ${pod}: claimed by veths ${strong.join(", ")}; left out`);
    else if (strong.length === 1 && weak.length > 0)
      problems.push(
        `pod ${pod}: neighbour entries on ${weak.join(", ")} disagree with its namespace (${strong[0]}); ${weak.join(", ")} left out`,
      );
    else if (weak.length > 1) problems.push(`pod ${pod}: neighbour entries on ${weak.join(", ")}; left out`);
    const only =
      strong.length === 1 ? strong[0] : strong.length === 0 && weak.length === 1 ? weak[0] : undefined;
    if (only !== undefined) out.set(pod, only);
  }
  return out;
}

/** Maps `items` through `fn` with at most `n` running at once, results in input order. */
async function pool<T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  return out;
}
