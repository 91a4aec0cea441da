import { describe, expect, it } from "vitest";
import { checkRuleTypes, type TypeOf } from "./rule-types.js";

const TYPES: Record<string, { type: string; map: boolean }> = {
  node4: { type: "ipv4_addr", map: false },
  node6: { type: "ipv6_addr", map: false },
  link6: { type: "ipv6_addr", map: false },
  nd_types: { type: "icmpv6_type", map: false },
  ports: { type: "inet_proto . inet_service", map: false },
  ep4: { type: "ipv4_addr . inet_proto . inet_service", map: false },
  pod_veths: { type: "ifname", map: false },
  veth_addr4: { type: "ifname . ipv4_addr", map: false },
  veth_addr6: { type: "ifname  .  ipv6_addr", map: false },
  egress4: { type: "ipv4_addr", map: true },
};
const typeOf: TypeOf = (name) => TYPES[name];

describe("checkRuleTypes accepts the renderer's rules", () => {
  it.each([
    "ct state established,related accept",
    "ct state invalid drop",
    "ip saddr @node4 accept",
    "ip6 saddr @node6 ip6 saddr != @node6 counter name unprogrammed drop",
    "ip saddr vmap @egress4",
    "ip saddr vmap { 10.0.0.1 : jump in/a/web, 10.0.0.2 : accept }",
    "meta l4proto . th dport @ports jump x",
    "ip daddr . meta l4proto . th dport @ep4 return",
    "ether type ip6 icmpv6 type @nd_types accept",
    "ether type ip6 ip6 saddr @link6 counter name link_scope drop",
    "iifname != @pod_veths goto unknown_port",
    "ether type ip iifname . ip saddr != @veth_addr4 counter name spoofed drop",
    "ether type arp arp saddr ip 0.0.0.0 accept",
    "ether type arp iifname . arp saddr ip != @veth_addr4 counter name spoofed drop",
    "ether type ip6 ip6 saddr fe80::/10 accept",
    "ether type ip6 iifname . ip6 saddr != @veth_addr6 counter name spoofed drop",
    "counter name drop/in/a/web drop",
    "ip saddr @missing accept",
  ])("%s", (rule) => {
    expect(checkRuleTypes(rule, typeOf)).toBeUndefined();
  });
});

describe("checkRuleTypes refuses what nft 1.0.6 refuses (measured cases: apply.test.ts)", () => {
  it.each([
    ["ip6 saddr @node4 accept", "type"],
    ["ip saddr vmap @node4", "type"],
    ["iifname . ip saddr @veth_addr6 drop", "type"],
    ["accept drop", "invalid"],
    ["ip saddr", "invalid"],
    ["ip saddr vmap { 10.0.0.1 : jump }", "invalid"],
    ["th dport 70000 accept", "type"],
  ])("%s", (rule, kind) => {
    expect(checkRuleTypes(rule, typeOf)?.kind).toBe(kind);
  });
});
