import { describe, expect, it } from "vitest";
import { canonicalElement } from "./elements.js";
import { parseCounters, parseListing } from "./json.js";
import type { RuleFacts, SetState, TableState } from "./state.js";
import { fingerprints, withoutFingerprints } from "../../test/support/nft-fingerprints.js";

/**
 * Fixture: SCRIPT applied to an empty network namespace with nft 1.0.6, then `nft -j list ruleset`
 * (LISTING_LINES, handles dropped). It holds every kind of object netguard creates: interval sets of
 * addresses (prefixes, ranges, single addresses), protocol . port sets with port ranges, address .
 * protocol . port sets, ICMPv6 type and interface-name sets, verdict maps jumping and going to chains,
 * named counters, regular and base chains in both families, and the renderer's rule forms.
 */
const SCRIPT = String.raw`
add table inet netguard
add set inet netguard a4 { type ipv4_addr; flags interval; }
add element inet netguard a4 { 10.0.0.0/8, 192.168.1.5, 172.16.0.1-172.16.0.9 }
add set inet netguard a6 { type ipv6_addr; flags interval; }
add element inet netguard a6 { 2001:db8::/32, fd00::5-fd00::9, :: }
add set inet netguard ports { type inet_proto . inet_service; flags interval; }
add element inet netguard ports { tcp . 80, udp . 8000-8080 }
add set inet netguard ep4 { type ipv4_addr . inet_proto . inet_service; }
add element inet netguard ep4 { 10.1.0.5 . tcp . 8080 }
add set inet netguard local6 { type ipv6_addr; }
add element inet netguard local6 { FD00:0:0::10 }
add set inet netguard nd_types { type icmpv6_type; }
add element inet netguard nd_types { nd-neighbor-solicit, mld2-listener-report }
add set inet netguard empty4 { type ipv4_addr; }
add map inet netguard ingress4 { type ipv4_addr : verdict; }
add map inet netguard egress6 { type ipv6_addr : verdict; }
add element inet netguard egress6 { fd00::10 : continue }
add counter inet netguard drop/in/x/web-1
add chain inet netguard in/x/web-1
add chain inet netguard forward { type filter hook forward priority filter; policy accept; }
add chain inet netguard input0 { type filter hook input priority -150; policy drop; }
add rule inet netguard in/x/web-1 ip saddr @a4 meta l4proto . th dport @ports accept
add rule inet netguard in/x/web-1 ip daddr . meta l4proto . th dport @ep4 return
add rule inet netguard in/x/web-1 counter name drop/in/x/web-1 drop
add rule inet netguard forward ct state established,related accept
add rule inet netguard forward ip6 saddr @a6 ip6 saddr != @local6 counter name drop/in/x/web-1 drop
add rule inet netguard forward ip daddr vmap @ingress4
add rule inet netguard forward icmpv6 type @nd_types accept
add rule inet netguard forward ip saddr vmap { 10.9.9.9 : jump in/x/web-1, 10.9.9.7 : drop }
add rule inet netguard forward goto in/x/web-1
add rule inet netguard forward counter
add element inet netguard ingress4 { 10.1.0.10 : jump in/x/web-1, 10.1.0.11 : accept, 10.1.0.13 : goto in/x/web-1 }
add table bridge netguard
add set bridge netguard veth_addr4 { type ifname . ipv4_addr; }
add element bridge netguard veth_addr4 { "veth1" . 10.1.0.10 }
add set bridge netguard pod_veths { type ifname; }
add element bridge netguard pod_veths { "veth1" }
add counter bridge netguard spoofed
add chain bridge netguard unknown_port
add chain bridge netguard prerouting { type filter hook prerouting priority filter; policy accept; }
add rule bridge netguard prerouting iifname != @pod_veths goto unknown_port
add rule bridge netguard prerouting ether type ip iifname . ip saddr != @veth_addr4 counter name spoofed drop
add rule bridge netguard prerouting ether type ip6 ip6 saddr fe80::/10 accept
`;

/** The kernel's listing of SCRIPT (nft 1.0.6, `nft -j list ruleset`, handles dropped), one object a line. */
const LISTING_LINES = String.raw`
{"metainfo":{"version":"1.0.6","release_name":"Lester Gooch #5","json_schema_version":1}}
{"table":{"family":"inet","name":"netguard"}}
{"counter":{"family":"inet","name":"drop/in/x/web-1","table":"netguard","packets":0,"bytes":0}}
{"set":{"family":"inet","name":"a4","table":"netguard","type":"ipv4_addr","flags":["interval"],"elem":[{"prefix":{"addr":"10.0.0.0","len":8}},{"range":["172.16.0.1","172.16.0.9"]},"192.168.1.5"]}}
{"set":{"family":"inet","name":"a6","table":"netguard","type":"ipv6_addr","flags":["interval"],"elem":["::",{"prefix":{"addr":"2001:db8::","len":32}},{"range":["fd00::5","fd00::9"]}]}}
{"set":{"family":"inet","name":"ports","table":"netguard","type":["inet_proto","inet_service"],"flags":["interval"],"elem":[{"concat":["tcp",80]},{"concat":["udp",{"range":[8000,8080]}]}]}}
{"set":{"family":"inet","name":"ep4","table":"netguard","type":["ipv4_addr","inet_proto","inet_service"],"elem":[{"concat":["10.1.0.5","tcp",8080]}]}}
{"set":{"family":"inet","name":"local6","table":"netguard","type":"ipv6_addr","elem":["fd00::10"]}}
{"set":{"family":"inet","name":"nd_types","table":"netguard","type":"icmpv6_type","elem":["nd-neighbor-solicit","mld2-listener-report"]}}
{"set":{"family":"inet","name":"empty4","table":"netguard","type":"ipv4_addr"}}
{"map":{"family":"inet","name":"ingress4","table":"netguard","type":"ipv4_addr","map":"verdict","elem":[["10.1.0.10",{"jump":{"target":"in/x/web-1"}}],["10.1.0.11",{"accept":null}],["10.1.0.13",{"goto":{"target":"in/x/web-1"}}]]}}
{"map":{"family":"inet","name":"egress6","table":"netguard","type":"ipv6_addr","map":"verdict","elem":[["fd00::10",{"continue":null}]]}}
{"chain":{"family":"inet","table":"netguard","name":"in/x/web-1"}}
{"chain":{"family":"inet","table":"netguard","name":"forward","type":"filter","hook":"forward","prio":0,"policy":"accept"}}
{"chain":{"family":"inet","table":"netguard","name":"input0","type":"filter","hook":"input","prio":-150,"policy":"drop"}}
{"rule":{"family":"inet","table":"netguard","chain":"in/x/web-1","expr":[{"match":{"op":"==","left":{"payload":{"protocol":"ip","field":"saddr"}},"right":"@a4"}},{"match":{"op":"==","left":{"concat":[{"meta":{"key":"l4proto"}},{"payload":{"protocol":"th","field":"dport"}}]},"right":"@ports"}},{"accept":null}]}}
{"rule":{"family":"inet","table":"netguard","chain":"in/x/web-1","expr":[{"match":{"op":"==","left":{"concat":[{"payload":{"protocol":"ip","field":"daddr"}},{"meta":{"key":"l4proto"}},{"payload":{"protocol":"th","field":"dport"}}]},"right":"@ep4"}},{"return":null}]}}
{"rule":{"family":"inet","table":"netguard","chain":"in/x/web-1","expr":[{"counter":"drop/in/x/web-1"},{"drop":null}]}}
{"rule":{"family":"inet","table":"netguard","chain":"forward","expr":[{"match":{"op":"in","left":{"ct":{"key":"state"}},"right":["established","related"]}},{"accept":null}]}}
{"rule":{"family":"inet","table":"netguard","chain":"forward","expr":[{"match":{"op":"==","left":{"payload":{"protocol":"ip6","field":"saddr"}},"right":"@a6"}},{"match":{"op":"!=","left":{"payload":{"protocol":"ip6","field":"saddr"}},"right":"@local6"}},{"counter":"drop/in/x/web-1"},{"drop":null}]}}
{"rule":{"family":"inet","table":"netguard","chain":"forward","expr":[{"vmap":{"key":{"payload":{"protocol":"ip","field":"daddr"}},"data":"@ingress4"}}]}}
{"rule":{"family":"inet","table":"netguard","chain":"forward","expr":[{"match":{"op":"==","left":{"payload":{"protocol":"icmpv6","field":"type"}},"right":"@nd_types"}},{"accept":null}]}}
{"rule":{"family":"inet","table":"netguard","chain":"forward","expr":[{"vmap":{"key":{"payload":{"protocol":"ip","field":"saddr"}},"data":{"set":[["10.9.9.7",{"drop":null}],["10.9.9.9",{"jump":{"target":"in/x/web-1"}}]]}}}]}}
{"rule":{"family":"inet","table":"netguard","chain":"forward","expr":[{"goto":{"target":"in/x/web-1"}}]}}
{"rule":{"family":"inet","table":"netguard","chain":"forward","expr":[{"counter":{"packets":0,"bytes":0}}]}}
{"table":{"family":"bridge","name":"netguard"}}
{"counter":{"family":"bridge","name":"spoofed","table":"netguard","packets":0,"bytes":0}}
{"set":{"family":"bridge","name":"veth_addr4","table":"netguard","type":["ifname","ipv4_addr"],"elem":[{"concat":["veth1","10.1.0.10"]}]}}
{"set":{"family":"bridge","name":"pod_veths","table":"netguard","type":"ifname","elem":["veth1"]}}
{"chain":{"family":"bridge","table":"netguard","name":"unknown_port"}}
{"chain":{"family":"bridge","table":"netguard","name":"prerouting","type":"filter","hook":"prerouting","prio":-200,"policy":"accept"}}
{"rule":{"family":"bridge","table":"netguard","chain":"prerouting","expr":[{"match":{"op":"!=","left":{"meta":{"key":"iifname"}},"right":"@pod_veths"}},{"goto":{"target":"unknown_port"}}]}}
{"rule":{"family":"bridge","table":"netguard","chain":"prerouting","expr":[{"match":{"op":"!=","left":{"concat":[{"meta":{"key":"iifname"}},{"payload":{"protocol":"ip","field":"saddr"}}]},"right":"@veth_addr4"}},{"counter":"spoofed"},{"drop":null}]}}
{"rule":{"family":"bridge","table":"netguard","chain":"prerouting","expr":[{"match":{"op":"==","left":{"payload":{"protocol":"ip6","field":"saddr"}},"right":{"prefix":{"addr":"fe80::","len":10}}}},{"accept":null}]}}
`;

const LISTING = `{"nftables":[${LISTING_LINES.trim().split("\n").join(",")}]}`;

/** A listing of `objects` after the metainfo nft always prints first. */
function listing(...objects: unknown[]): string {
  return JSON.stringify({ nftables: [{ metainfo: { version: "1.0.6" } }, ...objects] });
}

/** The canonical text of elements as we write them. */
function canon(type: string, interval: boolean, ...texts: string[]): Set<string> {
  return new Set(
    texts.map((t) => {
      const c = canonicalElement(type, interval, t);
      if (!c.ok) throw new Error(c.error);
      return c.value;
    }),
  );
}

function set(name: string, type: string, interval: boolean, ...elements: string[]): [string, SetState] {
  return [name, { name, type, interval, elements: canon(type, interval, ...elements) }];
}

function facts(f: Partial<RuleFacts>): { text: undefined; facts: RuleFacts } {
  return { text: undefined, facts: { chains: [], sets: [], counters: [], verdict: undefined, ...f } };
}

const INET: TableState = {
  family: "inet",
  name: "netguard",
  sets: new Map([
    set("a4", "ipv4_addr", true, "10.0.0.0/8", "192.168.1.5", "172.16.0.1-172.16.0.9"),
    set("a6", "ipv6_addr", true, "2001:db8::/32", "fd00::5-fd00::9", "::"),
    set("ports", "inet_proto . inet_service", true, "tcp . 80", "udp . 8000-8080"),
    set("ep4", "ipv4_addr . inet_proto . inet_service", false, "10.1.0.5 . tcp . 8080"),
    set("local6", "ipv6_addr", false, "FD00:0:0::10"),
    set("nd_types", "icmpv6_type", false, "nd-neighbor-solicit", "mld2-listener-report"),
    set("empty4", "ipv4_addr", false),
  ]),
  maps: new Map([
    [
      "ingress4",
      {
        name: "ingress4",
        keyType: "ipv4_addr",
        interval: false,
        elements: new Map([
          ["10.1.0.10", "jump in/x/web-1"],
          ["10.1.0.11", "accept"],
          ["10.1.0.13", "goto in/x/web-1"],
        ]),
      },
    ],
    [
      "egress6",
      {
        name: "egress6",
        keyType: "ipv6_addr",
        interval: false,
        elements: new Map([["fd00::10", "continue"]]),
      },
    ],
  ]),
  counters: new Set(["drop/in/x/web-1"]),
  chains: new Map([
    [
      "in/x/web-1",
      {
        name: "in/x/web-1",
        base: undefined,
        rules: [
          facts({ sets: ["a4", "ports"], verdict: "accept" }),
          facts({ sets: ["ep4"], verdict: "return" }),
          facts({ counters: ["drop/in/x/web-1"], verdict: "drop" }),
        ],
      },
    ],
    [
      "forward",
      {
        name: "forward",
        base: { type: "filter", hook: "forward", priority: 0, policy: "accept" },
        rules: [
          facts({ verdict: "accept" }),
          facts({ sets: ["a6", "local6"], counters: ["drop/in/x/web-1"], verdict: "drop" }),
          facts({ sets: ["ingress4"] }),
          facts({ sets: ["nd_types"], verdict: "accept" }),
          facts({ chains: ["in/x/web-1"] }),
          facts({ chains: ["in/x/web-1"], verdict: "goto in/x/web-1" }),
          facts({}),
        ],
      },
    ],
    [
      "input0",
      { name: "input0", base: { type: "filter", hook: "input", priority: -150, policy: "drop" }, rules: [] },
    ],
  ]),
};

const BRIDGE: TableState = {
  family: "bridge",
  name: "netguard",
  sets: new Map([
    set("veth_addr4", "ifname . ipv4_addr", false, '"veth1" . 10.1.0.10'),
    set("pod_veths", "ifname", false, '"veth1"'),
  ]),
  maps: new Map(),
  counters: new Set(["spoofed"]),
  chains: new Map([
    ["unknown_port", { name: "unknown_port", base: undefined, rules: [] }],
    [
      "prerouting",
      {
        name: "prerouting",
        base: { type: "filter", hook: "prerouting", priority: -200, policy: "accept" },
        rules: [
          facts({ chains: ["unknown_port"], sets: ["pod_veths"], verdict: "goto unknown_port" }),
          facts({ sets: ["veth_addr4"], counters: ["spoofed"], verdict: "drop" }),
          facts({ verdict: "accept" }),
        ],
      },
    ],
  ]),
};

describe("parseListing", () => {
  it("reads a real nft 1.0.6 listing of every object kind netguard creates into the model, elements as we wrote them", () => {
    expect(SCRIPT).toContain("add table bridge netguard");
    const state = parseListing(LISTING);
    if (state === "unreadable") throw new Error("the fixture is unreadable");
    expect(withoutFingerprints(state)).toEqual(
      new Map([
        ["inet netguard", INET],
        ["bridge netguard", BRIDGE],
      ]),
    );
  });

  it("gives each rule read back a fingerprint of its expressions, distinct for distinct rules", () => {
    const state = parseListing(LISTING);
    if (state === "unreadable") throw new Error("the fixture is unreadable");
    const all = [...fingerprints(state).values()].flat();
    expect(all).toHaveLength(13);
    expect(all.every((f) => typeof f === "string")).toBe(true);
    expect(new Set(all).size).toBe(all.length);
  });

  it("reads a listing of no tables as the empty state", () => {
    expect(parseListing(listing())).toEqual(new Map());
  });

  it("reads an element with attributes (`elem` wrapper) by its value", () => {
    const table = { table: { family: "inet", name: "t" } };
    const s = { family: "inet", table: "t", name: "s", type: "ipv4_addr" };
    const elem = [{ elem: { val: "10.0.0.1", counter: { packets: 1, bytes: 2 } } }];
    const state = parseListing(listing(table, { set: { ...s, elem } }));
    expect(state === "unreadable" ? state : state.get("inet t")?.sets.get("s")?.elements).toEqual(
      new Set(["10.0.0.1"]),
    );
  });

  const table = { table: { family: "inet", name: "t" } };
  const inT = { family: "inet", table: "t" };
  it.each<[string, string]>([
    ["text that is not JSON", "not json"],
    ["JSON that is not a listing", "{}"],
    ["a list entry that is not an object", JSON.stringify({ nftables: [1] })],
    ["an object of a table the listing does not hold", listing({ chain: { ...inT, name: "c" } })],
    ["a table of a family netguard does not use", listing({ table: { family: "ip", name: "t" } })],
    ["the same table twice", listing(table, table)],
    [
      "the same set twice",
      listing(
        table,
        { set: { ...inT, name: "s", type: "ipv4_addr" } },
        { set: { ...inT, name: "s", type: "ipv4_addr" } },
      ),
    ],
    [
      "a rule of a chain the listing does not hold",
      listing(table, { rule: { ...inT, chain: "c", expr: [] } }),
    ],
    [
      "a rule whose expr is not a list",
      listing(table, { chain: { ...inT, name: "c" } }, { rule: { ...inT, chain: "c", expr: {} } }),
    ],
    ["an object kind netguard does not create", listing(table, { quota: { ...inT, name: "q", bytes: 1 } })],
    [
      "a set flag netguard does not use",
      listing(table, { set: { ...inT, name: "s", type: "ipv4_addr", flags: ["timeout"] } }),
    ],
    [
      "an element of the wrong type",
      listing(table, { set: { ...inT, name: "s", type: "ipv4_addr", elem: ["fd00::1"] } }),
    ],
    [
      "an element shape nft does not write",
      listing(table, { set: { ...inT, name: "s", type: "ipv4_addr", elem: [{ x: 1 }] } }),
    ],
    [
      "a concatenation of the wrong length",
      listing(table, {
        set: { ...inT, name: "s", type: ["ipv4_addr", "inet_service"], elem: [{ concat: ["10.0.0.1"] }] },
      }),
    ],
    [
      "a data map (not a verdict map)",
      listing(table, { map: { ...inT, name: "m", type: "ipv4_addr", map: "ipv4_addr" } }),
    ],
    [
      "a map element whose value is not a verdict",
      listing(table, {
        map: { ...inT, name: "m", type: "ipv4_addr", map: "verdict", elem: [["10.0.0.1", "10.0.0.2"]] },
      }),
    ],
    [
      "a nat base chain",
      listing(table, {
        chain: { ...inT, name: "c", type: "nat", hook: "prerouting", prio: -100, policy: "accept" },
      }),
    ],
    [
      "a base chain on the ingress hook",
      listing(table, {
        chain: { ...inT, name: "c", type: "filter", hook: "ingress", prio: 0, policy: "accept" },
      }),
    ],
    ["a counter value of the wrong type", listing(table, { counter: { ...inT, name: 1 } })],
  ])("finds %s unreadable", (_what, text) => {
    expect(parseListing(text)).toBe("unreadable");
  });
});

describe("parseCounters", () => {
  it("reads named counters' values by table from a real `nft -j list counters` listing", () => {
    const text = listing(
      {
        counter: {
          family: "inet",
          name: "drop/in/x/web-1",
          table: "netguard",
          handle: 17,
          packets: 3,
          bytes: 180,
        },
      },
      {
        counter: { family: "inet", name: "link_scope", table: "netguard", handle: 16, packets: 0, bytes: 0 },
      },
      { counter: { family: "bridge", name: "spoofed", table: "netguard", handle: 5, packets: 1, bytes: 60 } },
    );
    expect(parseCounters(text)).toEqual(
      new Map([
        [
          "inet netguard",
          new Map([
            ["drop/in/x/web-1", { packets: 3, bytes: 180 }],
            ["link_scope", { packets: 0, bytes: 0 }],
          ]),
        ],
        ["bridge netguard", new Map([["spoofed", { packets: 1, bytes: 60 }]])],
      ]),
    );
  });

  it("reads the counters of a whole-table listing and ignores everything else", () => {
    const values = parseCounters(LISTING);
    expect(values === "unreadable" ? values : [...values].map(([k, m]) => [k, [...m.keys()]])).toEqual([
      ["inet netguard", ["drop/in/x/web-1"]],
      ["bridge netguard", ["spoofed"]],
    ]);
  });

  it.each([
    ["not json"],
    [listing({ counter: { family: "inet", table: "t", name: "c", packets: "7", bytes: 0 } })],
    [listing({ counter: { family: "inet", table: "t", name: "c", packets: -1, bytes: 0 } })],
    [listing({ counter: { family: "inet", table: "t", packets: 1, bytes: 0 } })],
  ])("finds a counter with a missing or malformed field unreadable (%#)", (text) => {
    expect(parseCounters(text)).toBe("unreadable");
  });
});
