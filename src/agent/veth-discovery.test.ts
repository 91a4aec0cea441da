import { describe, expect, it } from "vitest";
import { ADDR_P0, ADDR_P1, FDB, LINKS, NEIGH, NETNS, NO_BRIDGE } from "../../test/support/veth-captured.js";
import type { Exec, ExecResult } from "../sys/exec.js";
import { discoverVeths } from "./veth-discovery.js";

/** The node of the capture: command line (inside `ip netns exec node`) → what it printed. */
const NODE: Record<string, string> = {
  "ip -j link show master cni0": LINKS,
  "ip -j netns list": NETNS,
  "ip -n ngl89446c-p0 -j addr show": ADDR_P0,
  "ip -n ngl89446c-p1 -j addr show": ADDR_P1,
  "ip -j neigh show dev cni0": NEIGH,
  "bridge -j fdb show br cni0": FDB,
};

/** An Exec that answers from `outputs` (a missing command fails) and records what ran. */
function fakeNode(
  outputs: Readonly<Record<string, string | ExecResult | undefined>>,
  ran: string[] = [],
): Exec {
  return (cmd, args) => {
    const line = [cmd, ...args].join(" ");
    ran.push(line);
    const inNode = line.replace(/^ip netns exec node /, "");
    const out = inNode === line ? undefined : outputs[inNode];
    if (out === undefined)
      return Promise.resolve({ code: 1, stdout: "", stderr: `no such command: ${line}\n` });
    return Promise.resolve(typeof out === "string" ? { code: 0, stdout: out, stderr: "" } : out);
  };
}

const PODS = new Map([
  ["10.1.0.10", "x/a"],
  ["fd00:1:0::a", "x/a"],
  ["10.1.0.11", "x/b"],
]);
const NO_IDS = JSON.stringify((JSON.parse(NETNS) as Array<{ name: string }>).map((n) => ({ name: n.name })));

describe("discoverVeths", () => {
  it("pairs each pod with the cni0 port whose peer holds its addresses, inside the node", async () => {
    const ran: string[] = [];
    const r = await discoverVeths(fakeNode(NODE, ran), { netns: "node" }, PODS);
    expect([...r.interfaces]).toEqual([
      ["x/a", "veth5356176b"],
      ["x/b", "vethb68ad6bd"],
    ]);
    expect(r).toMatchObject({ unmatched: [], problems: [], fromNeighbours: [] });
    expect(ran.every((l) => l.startsWith("ip netns exec node "))).toBe(true);
    expect(ran.some((l) => l.includes("neigh"))).toBe(false);
  });

  it("falls back to neighbour and learned FDB entries for peers in unnamed namespaces", async () => {
    const r = await discoverVeths(fakeNode({ ...NODE, "ip -j netns list": NO_IDS }), { netns: "node" }, PODS);
    expect([...r.interfaces]).toEqual([
      ["x/a", "veth5356176b"],
      ["x/b", "vethb68ad6bd"],
    ]);
    expect(r.fromNeighbours).toEqual(["x/a", "x/b"]);
    expect(r.problems).toEqual([]);
  });

  it("leaves out a veth whose peer addresses match no local pod, and says so", async () => {
    const r = await discoverVeths(fakeNode(NODE), { netns: "node" }, new Map([["10.1.0.10", "x/a"]]));
    expect([...r.interfaces]).toEqual([["x/a", "veth5356176b"]]);
    expect(r.problems).toEqual(["vethb68ad6bd: peer addresses 10.1.0.11 match no local pod; left out"]);
  });

  it("leaves out a veth whose peer holds addresses of two pods", async () => {
    const pods = new Map([...PODS, ["fd00:1::a", "x/c"]]);
    const r = await discoverVeths(fakeNode(NODE), { netns: "node" }, pods);
    expect([...r.interfaces]).toEqual([["x/b", "vethb68ad6bd"]]);
    expect(r.unmatched).toEqual(["x/a", "x/c"]);
    expect(r.problems).toEqual([
      "veth5356176b: peer addresses 10.1.0.10, fd00:1::a match several pods (x/a, x/c); left out",
    ]);
  });

  it("gives a pod claimed by two veths neither of them", async () => {
    const pods = new Map([
      ["10.1.0.10", "x/a"],
      ["10.1.0.11", "x/a"],
    ]);
    const r = await discoverVeths(fakeNode(NODE), { netns: "node" }, pods);
    expect(r.interfaces.size).toBe(0);
    expect(r.unmatched).toEqual(["x/a"]);
    expect(r.problems).toEqual(["pod x/a: claimed by veths veth5356176b, vethb68ad6bd; left out"]);
  });

  it("never lets neighbour entries override what a pod's namespace says", async () => {
    // x/b's namespace cannot be read, and the neighbour table says x/a's address is behind x/b's veth
    // (what a pod answering ARP for another pod's address would cause).
    const spoofed = NEIGH.replace('"lladdr":"46:82:46:10:c3:94"', '"lladdr":"56:b0:70:71:55:4b"');
    const outputs = {
      ...NODE,
      "ip -n ngl89446c-p1 -j addr show": undefined,
      "ip -j neigh show dev cni0": spoofed,
    };
    const r = await discoverVeths(fakeNode(outputs), { netns: "node" }, PODS);
    expect([...r.interfaces]).toEqual([["x/a", "veth5356176b"]]);
    expect(r.unmatched).toEqual(["x/b"]);
    expect(r.problems).toEqual([
      "vethb68ad6bd: neighbour entries 10.1.0.10, 10.1.0.11 match several pods (x/a, x/b); left out",
    ]);
  });

  it("leaves out a veth whose neighbour entries claim a pod already seen in its namespace", async () => {
    const spoofed = JSON.stringify([{ dst: "10.1.0.10", lladdr: "56:b0:70:71:55:4b", state: ["STALE"] }]);
    const outputs = {
      ...NODE,
      "ip -n ngl89446c-p1 -j addr show": undefined,
      "ip -j neigh show dev cni0": spoofed,
    };
    const r = await discoverVeths(fakeNode(outputs), { netns: "node" }, PODS);
    expect([...r.interfaces]).toEqual([["x/a", "veth5356176b"]]);
    expect(r.problems).toEqual([
      "pod x/a: neighbour entries on vethb68ad6bd disagree with its namespace (veth5356176b); vethb68ad6bd left out",
    ]);
  });

  it("reports a port with neither a readable namespace nor neighbour entries", async () => {
    const outputs = { ...NODE, "ip -j netns list": NO_IDS, "ip -j neigh show dev cni0": "[]" };
    const r = await discoverVeths(fakeNode(outputs), { netns: "node" }, PODS);
    expect(r.interfaces.size).toBe(0);
    expect(r.problems).toEqual([
      "veth5356176b: peer namespace (id 1) has no name in /var/run/netns, and no neighbour entry is behind the port; left out",
      "vethb68ad6bd: peer namespace (id 2) has no name in /var/run/netns, and no neighbour entry is behind the port; left out",
    ]);
  });

  it("returns every pod unmatched and the error when the bridge does not exist", async () => {
    const outputs = { "ip -j link show master cni9": { ...NO_BRIDGE, stdout: "" } };
    const r = await discoverVeths(fakeNode(outputs), { netns: "node", bridge: "cni9" }, PODS);
    expect(r).toEqual({
      interfaces: new Map(),
      fromNeighbours: [],
      unmatched: ["x/a", "x/b"],
      problems: [
        'ip -j link show master cni9: exit 255: Error: argument "cni9" is wrong: Device does not exist',
      ],
    });
  });

  it("never throws on malformed output: it reports it", async () => {
    const garbage = Object.fromEntries(Object.keys(NODE).map((k) => [k, "{not json"]));
    const r = await discoverVeths(fakeNode(garbage), { netns: "node" }, PODS);
    expect(r.interfaces.size).toBe(0);
    expect(r.problems).toEqual([expect.stringMatching(/^ip -j link show master cni0: link: not JSON/)]);
    const odd = { ...NODE, "ip -n ngl89446c-p0 -j addr show": "[1]", "ip -j neigh show dev cni0": "{}" };
    const r2 = await discoverVeths(fakeNode(odd), { netns: "node" }, PODS);
    expect([...r2.interfaces]).toEqual([["x/b", "vethb68ad6bd"]]);
    expect(r2.problems).toEqual([
      "ip -j neigh show dev cni0: neigh: not a JSON array",
      "veth5356176b: namespace ngl89446c-p0 has no interface 2, and no neighbour entry is behind the port; left out",
    ]);
  });

  it("reports pod IPs that are not addresses", async () => {
    const r = await discoverVeths(fakeNode(NODE), { netns: "node" }, new Map([...PODS, ["10.1.0", "x/z"]]));
    expect(r.unmatched).toEqual(["x/z"]);
    expect(r.problems).toEqual(['pod x/z: "10.1.0" is not an IP address']);
  });

  it("runs in the caller's own namespace when no node namespace is given", async () => {
    const ran: string[] = [];
    const own: Exec = (cmd, args, opts) =>
      fakeNode(NODE, ran)("ip", ["netns", "exec", "node", cmd, ...args], opts);
    const r = await discoverVeths(own, {}, PODS);
    expect(r.interfaces.size).toBe(2);
    expect(ran[0]).toBe("ip netns exec node ip -j link show master cni0");
  });
});
