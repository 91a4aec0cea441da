import { describe, expect, it } from "vitest";
import { ADDR_P0, ADDR_P1, FDB, LINKS, NEIGH, NETNS } from "../../test/support/veth-captured.js";
import { parseBridgePorts, parseFdb, parseInterfaces, parseNeighbours, parseNetnsIds } from "./veth-parse.js";

describe("parsers of captured ip -j output", () => {
  it("reads each cni0 port with its peer's ifindex and namespace id", () => {
    expect(parseBridgePorts(LINKS)).toEqual({
      value: [
        { ifname: "veth5356176b", ifindex: 5, peerIfindex: 2, peerNetnsid: 1 },
        { ifname: "vethb68ad6bd", ifindex: 6, peerIfindex: 2, peerNetnsid: 2 },
      ],
      problems: [],
    });
  });

  it("maps namespace ids to names and leaves out namespaces with no id here", () => {
    const r = parseNetnsIds(NETNS);
    expect([...r.value].sort()).toEqual([
      [0, "ngl89446c-wire"],
      [1, "ngl89446c-p0"],
      [2, "ngl89446c-p1"],
    ]);
    expect(r.problems).toEqual([]);
  });

  it("keeps the first name in name order when one namespace is mounted under two names", () => {
    const text = JSON.stringify([
      { name: "zz", id: 3 },
      { name: "aa", id: 3 },
    ]);
    expect([...parseNetnsIds(text).value]).toEqual([[3, "aa"]]);
  });

  it("keeps only global-scope IPv4/IPv6 addresses of a namespace's interfaces", () => {
    expect(parseInterfaces(ADDR_P0).value).toEqual([
      { ifindex: 1, addrs: [] },
      { ifindex: 2, peerIfindex: 5, addrs: ["10.1.0.10", "fd00:1::a"] },
    ]);
    expect(parseInterfaces(ADDR_P1).value[1]?.addrs).toEqual(["10.1.0.11"]);
  });

  it("reads neighbours without link-local addresses or entries lacking a MAC", () => {
    const failed = JSON.stringify([
      ...(JSON.parse(NEIGH) as unknown[]),
      { dst: "10.1.0.99", state: ["FAILED"] },
    ]);
    expect([...parseNeighbours(failed).value].sort()).toEqual([
      ["10.1.0.10", "46:82:46:10:c3:94"],
      ["10.1.0.11", "56:b0:70:71:55:4b"],
      ["fd00:1::a", "46:82:46:10:c3:94"],
    ]);
  });

  it("keeps only MACs the bridge learned on a port, not permanent or self entries", () => {
    expect([...parseFdb(FDB, "cni0").value]).toEqual([
      ["46:82:46:10:c3:94", ["veth5356176b"]],
      ["56:b0:70:71:55:4b", ["vethb68ad6bd"]],
    ]);
  });

  it("lists every port a MAC was learned on", () => {
    const text = JSON.stringify([
      { mac: "02:00:00:00:00:01", ifname: "vethb", master: "cni0", flags: [], state: "" },
      { mac: "02:00:00:00:00:01", ifname: "vetha", master: "cni0", flags: [], state: "", vlan: 2 },
    ]);
    expect([...parseFdb(text, "cni0").value]).toEqual([["02:00:00:00:00:01", ["vetha", "vethb"]]]);
  });
});

describe("parsers of malformed output", () => {
  it("read empty output as an empty list", () => {
    expect(parseBridgePorts("")).toEqual({ value: [], problems: [] });
    expect(parseNetnsIds("\n").value.size).toBe(0);
  });

  it("report text that is not JSON or not an array instead of throwing", () => {
    expect(parseBridgePorts("[{").problems[0]).toMatch(/^link: not JSON/);
    expect(parseInterfaces('{"ifindex":1}').problems).toEqual(["addr: not a JSON array"]);
  });

  it("skip and report entries of the wrong shape, with their path", () => {
    const text = JSON.stringify([
      7,
      { ifindex: 3 },
      { ifname: "veth1", ifindex: -1 },
      { ifname: "veth2", ifindex: 4, link_index: "2" },
      { ifname: "veth3", ifindex: 5, link_index: 2, link_netnsid: 1.5 },
      { ifname: "veth4", ifindex: 6, link_index: 2, link_netnsid: 0 },
    ]);
    expect(parseBridgePorts(text)).toEqual({
      value: [{ ifname: "veth4", ifindex: 6, peerIfindex: 2, peerNetnsid: 0 }],
      problems: [
        "link[0]: not an object",
        "link[1].ifname: missing",
        "link[2].ifindex: not an index",
        "link[3].link_index: not an index",
        "link[4].link_netnsid: not an id",
      ],
    });
  });

  it("ignore addresses whose family field disagrees with the address", () => {
    const text = JSON.stringify([
      { ifindex: 2, addr_info: [{ family: "inet", local: "fd00::1", scope: "global" }, "x", null] },
    ]);
    expect(parseInterfaces(text)).toEqual({ value: [{ ifindex: 2, addrs: [] }], problems: [] });
  });
});
