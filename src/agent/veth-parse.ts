/**
 * Parsers of the `ip -j` / `bridge -j` outputs (iproute2 6.1, Debian 12) that veth discovery reads:
 * the CNI bridge's ports and their peers, the node's named network namespaces, a namespace's
 * addresses, the bridge's neighbour table and its forwarding database. Pure; never throw: an entry
 * that does not have the expected shape is skipped and reported with its JSON path.
 */
import { byName } from "../base/compare.js";
import { type Addr, formatAddr, parseAddr } from "../net/address.js";

/** A parse result: what could be read, and what could not (`<what>[i].field: why`). */
export interface Parsed<T> {
  readonly value: T;
  readonly problems: readonly string[];
}

/** A port of the bridge (`ip -j link show master cni0`). */
export interface BridgePort {
  readonly ifname: string;
  readonly ifindex: number;
  /** `link_index`: the veth peer's ifindex, in the peer's namespace. Absent: not a veth. */
  readonly peerIfindex?: number;
  /** `link_netnsid`: the peer's namespace id as seen from this namespace. Absent: the peer is here. */
  readonly peerNetnsid?: number;
}

/** An interface of a namespace (`ip -j addr show`) with its global-scope IPv4/IPv6 addresses. */
export interface NetnsInterface {
  readonly ifindex: number;
  /** `link_index`: for a veth, its peer's ifindex (the host end on cni0). */
  readonly peerIfindex?: number;
  /** Canonical text (RFC 5952 for IPv6); link-local and host-scope addresses are left out. */
  readonly addrs: readonly string[];
}

type Obj = Readonly<Record<string, unknown>>;

/** The top-level array of an `-j` output; iproute2 prints nothing at all for some empty lists. */
function entries(text: string, what: string): Parsed<readonly unknown[]> {
  if (text.trim() === "") return { value: [], problems: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { value: [], problems: [`${what}: not JSON (${e instanceof Error ? e.message : String(e)})`] };
  }
  if (!Array.isArray(json)) return { value: [], problems: [`${what}: not a JSON array`] };
  return { value: json, problems: [] };
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isIndex(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** Reads `-j` entries through `one`, which returns a value or the reason the entry is skipped. */
function each<T>(text: string, what: string, one: (o: Obj) => T | string | undefined): Parsed<T[]> {
  const top = entries(text, what);
  const problems = [...top.problems];
  const value: T[] = [];
  top.value.forEach((e, i) => {
    const r = isObj(e) ? one(e) : "not an object";
    if (typeof r === "string") problems.push(`${what}[${i}]${r.startsWith(".") ? "" : ": "}${r}`);
    else if (r !== undefined) value.push(r);
  });
  return { value, problems };
}

/** `ip -j link show master <bridge>`: the bridge's ports with their veth peers. */
export function parseBridgePorts(text: string): Parsed<BridgePort[]> {
  return each(text, "link", (o) => {
    const ifname = str(o.ifname);
    if (ifname === undefined) return ".ifname: missing";
    if (!isIndex(o.ifindex)) return ".ifindex: not an index";
    if (o.link_index !== undefined && !isIndex(o.link_index)) return ".link_index: not an index";
    if (o.link_netnsid !== undefined && !isIndex(o.link_netnsid)) return ".link_netnsid: not an id";
    return {
      ifname,
      ifindex: o.ifindex,
      ...(isIndex(o.link_index) ? { peerIfindex: o.link_index } : {}),
      ...(isIndex(o.link_netnsid) ? { peerNetnsid: o.link_netnsid } : {}),
    };
  });
}

/**
 * `ip -j netns list`: namespace id (as seen from the namespace `ip` runs in) → name. A namespace
 * without an id there has no link to it and is left out; a namespace with two names (two mounts)
 * keeps the first in name order, so the result does not depend on listing order.
 */
export function parseNetnsIds(text: string): Parsed<Map<number, string>> {
  const r = each(text, "netns", (o) => {
    const name = str(o.name);
    if (name === undefined) return ".name: missing";
    if (o.id === undefined) return undefined;
    if (!isIndex(o.id)) return ".id: not an id";
    return { name, id: o.id };
  });
  const byId = new Map<number, string>();
  for (const { name, id } of [...r.value].sort(byName)) {
    if (!byId.has(id)) byId.set(id, name);
  }
  return { value: byId, problems: r.problems };
}

/** An address of `addr_info` that identifies a pod: IPv4 or IPv6, scope global (not link-local). */
function globalAddr(a: unknown): string | undefined {
  if (!isObj(a) || a.scope !== "global" || (a.family !== "inet" && a.family !== "inet6")) return undefined;
  const local = typeof a.local === "string" ? parseAddr(a.local) : undefined;
  if (!local || local.family !== (a.family === "inet" ? "IPv4" : "IPv6")) return undefined;
  return formatAddr(local);
}

/** `ip -j addr show` in a namespace: each interface with its global addresses. */
export function parseInterfaces(text: string): Parsed<NetnsInterface[]> {
  return each(text, "addr", (o) => {
    if (!isIndex(o.ifindex)) return ".ifindex: not an index";
    const info = Array.isArray(o.addr_info) ? o.addr_info : [];
    const addrs = [...new Set(info.map(globalAddr).filter((a): a is string => a !== undefined))].sort();
    return { ifindex: o.ifindex, ...(isIndex(o.link_index) ? { peerIfindex: o.link_index } : {}), addrs };
  });
}

/**
 * `ip -j neigh show dev <bridge>`: global address → MAC. Entries without a link-layer address
 * (INCOMPLETE, FAILED) and link-local addresses are left out.
 */
export function parseNeighbours(text: string): Parsed<Map<string, string>> {
  const r = each(text, "neigh", (o) => {
    const dst = typeof o.dst === "string" ? parseAddr(o.dst) : undefined;
    const mac = str(o.lladdr);
    if (!dst || !mac || isLinkLocal(dst)) return undefined;
    return { ip: formatAddr(dst), mac: mac.toLowerCase() };
  });
  return { value: new Map(r.value.map((e) => [e.ip, e.mac])), problems: r.problems };
}

/** fe80::/10 and 169.254.0.0/16: every pod has such addresses; they never name one pod. */
function isLinkLocal(a: Addr): boolean {
  return a.family === "IPv6" ? a.value >> 118n === 0x3fan : a.value >> 16n === 0xa9fen;
}

/**
 * `bridge -j fdb show br <bridge>`: MAC → the port it was learned on. Only entries the bridge
 * learned from traffic count: permanent entries (a port's own MAC, multicast) and the bridge's own
 * (`self`) entries say nothing about what is behind a port. A MAC learned on two ports maps to
 * both, for the caller to refuse.
 */
export function parseFdb(text: string, bridge: string): Parsed<Map<string, string[]>> {
  const r = each(text, "fdb", (o) => {
    const mac = str(o.mac);
    const ifname = str(o.ifname);
    const flags = Array.isArray(o.flags) ? o.flags : [];
    if (!mac || !ifname || ifname === bridge || o.master !== bridge) return undefined;
    if (o.state === "permanent" || flags.includes("self")) return undefined;
    return { mac: mac.toLowerCase(), ifname };
  });
  const out = new Map<string, string[]>();
  for (const { mac, ifname } of r.value) {
    const ports = out.get(mac) ?? [];
    if (!ports.includes(ifname)) out.set(mac, [...ports, ifname].sort());
  }
  return { value: out, problems: r.problems };
}
