import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cluster as randomCluster, numRuns } from "../../test/gen/cluster.js";
import { withNetns } from "../../test/support/netns.js";
import { namespace, node, pod, policy, snapshotOf } from "../../test/support/objects.js";
import { compile, compileAll } from "../compile/compile.js";
import { Transaction } from "../nft/transaction.js";
import { systemExec } from "../sys/exec.js";
import { renderNode } from "./ruleset.js";

function small() {
  return snapshotOf([
    namespace("a"),
    node("n1", "192.168.0.1", ["10.1.0.0/24"]),
    pod("a", "web", {
      labels: { app: "web" },
      ips: ["10.1.0.10"],
      ports: [{ name: "http", containerPort: 8080 }],
    }),
    pod("a", "db", { labels: { app: "db" }, ips: ["10.1.0.11"] }),
    policy("a", "web", {
      podSelector: { matchLabels: { app: "web" } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: "db" } } }], ports: [{ port: "http" }] }],
      egress: [
        {
          to: [{ ipBlock: { cidr: "203.0.113.0/24", except: ["203.0.113.0/26"] } }],
          ports: [{ protocol: "UDP" }],
        },
      ],
    }),
  ]);
}

describe("renderNode", () => {
  it("renders the exact script for a small node (golden)", () => {
    const rs = renderNode(compile(small(), "n1"), { interfaces: new Map([["a/web", "veth0web"]]) });
    const script = new Transaction().replaceTable(rs.inet).replaceTable(rs.bridge).render();
    expect(script).toBe(
      [
        "add table inet netguard",
        "delete table inet netguard",
        "add table inet netguard",
        "add set inet netguard group4 { type ipv4_addr; flags interval; }",
        "add element inet netguard group4 { 224.0.0.0/4, 255.255.255.255 }",
        "add set inet netguard link6 { type ipv6_addr; flags interval; }",
        "add element inet netguard link6 { ::, fe80::/10, ff00::/8 }",
        "add set inet netguard local4 { type ipv4_addr; }",
        "add element inet netguard local4 { 10.1.0.11, 10.1.0.10 }",
        "add set inet netguard local6 { type ipv6_addr; }",
        "add set inet netguard nd_types { type icmpv6_type; }",
        "add element inet netguard nd_types { mld-listener-report, mld-listener-done, nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert, mld2-listener-report }",
        "add set inet netguard node4 { type ipv4_addr; }",
        "add element inet netguard node4 { 192.168.0.1, 10.1.0.1 }",
        "add set inet netguard node6 { type ipv6_addr; }",
        "add set inet netguard peer4_950cf841d4cd { type ipv4_addr; flags interval; }",
        "add element inet netguard peer4_950cf841d4cd { 10.1.0.11 }",
        "add set inet netguard peer4_d8d780c21e39 { type ipv4_addr; flags interval; }",
        "add element inet netguard peer4_d8d780c21e39 { 203.0.113.64-203.0.113.255 }",
        "add set inet netguard podcidr4 { type ipv4_addr; flags interval; }",
        "add element inet netguard podcidr4 { 10.1.0.0/24 }",
        "add set inet netguard podcidr6 { type ipv6_addr; flags interval; }",
        "add set inet netguard ports_81667bd08467 { type inet_proto . inet_service; flags interval; }",
        "add element inet netguard ports_81667bd08467 { tcp . 8080 }",
        "add set inet netguard ports_e97a4246d8d3 { type inet_proto . inet_service; flags interval; }",
        "add element inet netguard ports_e97a4246d8d3 { udp . 0-65535 }",
        "add map inet netguard egress4 { type ipv4_addr : verdict; }",
        "add map inet netguard egress6 { type ipv6_addr : verdict; }",
        "add map inet netguard ingress4 { type ipv4_addr : verdict; }",
        "add map inet netguard ingress6 { type ipv6_addr : verdict; }",
        "add counter inet netguard drop/in/a/web",
        "add counter inet netguard drop/out/a/web",
        "add counter inet netguard link_scope",
        "add counter inet netguard unprogrammed",
        "add chain inet netguard in/a/web",
        "add chain inet netguard out/a/web",
        "add chain inet netguard forward { type filter hook forward priority filter; policy accept; }",
        "add rule inet netguard in/a/web ip saddr @peer4_950cf841d4cd meta l4proto . th dport @ports_81667bd08467 accept",
        "add rule inet netguard in/a/web counter name drop/in/a/web drop",
        "add rule inet netguard out/a/web ip daddr @peer4_d8d780c21e39 meta l4proto . th dport @ports_e97a4246d8d3 return",
        "add rule inet netguard out/a/web counter name drop/out/a/web drop",
        "add rule inet netguard forward ip daddr @group4 counter name link_scope drop",
        "add rule inet netguard forward icmpv6 type @nd_types accept",
        "add rule inet netguard forward ip6 saddr @link6 counter name link_scope drop",
        "add rule inet netguard forward ip6 daddr @link6 counter name link_scope drop",
        "add rule inet netguard forward ct state established,related accept",
        "add rule inet netguard forward ct state invalid drop",
        "add rule inet netguard forward ip saddr @node4 accept",
        "add rule inet netguard forward ip6 saddr @node6 accept",
        "add rule inet netguard forward ip saddr @podcidr4 ip saddr != @local4 counter name unprogrammed drop",
        "add rule inet netguard forward ip6 saddr @podcidr6 ip6 saddr != @local6 counter name unprogrammed drop",
        "add rule inet netguard forward ip daddr @podcidr4 ip daddr != @local4 counter name unprogrammed drop",
        "add rule inet netguard forward ip6 daddr @podcidr6 ip6 daddr != @local6 counter name unprogrammed drop",
        "add rule inet netguard forward ip saddr vmap @egress4",
        "add rule inet netguard forward ip6 saddr vmap @egress6",
        "add rule inet netguard forward ip daddr vmap @ingress4",
        "add rule inet netguard forward ip6 daddr vmap @ingress6",
        "add element inet netguard egress4 { 10.1.0.10 : jump out/a/web, 10.1.0.11 : continue }",
        "add element inet netguard ingress4 { 10.1.0.10 : jump in/a/web, 10.1.0.11 : accept }",
        "add table bridge netguard",
        "delete table bridge netguard",
        "add table bridge netguard",
        "add set bridge netguard guarded4 { type ipv4_addr; }",
        "add element bridge netguard guarded4 { 10.1.0.1, 10.1.0.10, 192.168.0.1 }",
        "add set bridge netguard guarded6 { type ipv6_addr; }",
        "add set bridge netguard link6 { type ipv6_addr; flags interval; }",
        "add element bridge netguard link6 { ::, fe80::/10, ff00::/8 }",
        "add set bridge netguard nd_types { type icmpv6_type; }",
        "add element bridge netguard nd_types { mld-listener-report, mld-listener-done, nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert, mld2-listener-report }",
        "add set bridge netguard pod_veths { type ifname; }",
        'add element bridge netguard pod_veths { "veth0web" }',
        "add set bridge netguard veth_addr4 { type ifname . ipv4_addr; }",
        'add element bridge netguard veth_addr4 { "veth0web" . 10.1.0.10 }',
        "add set bridge netguard veth_addr6 { type ifname . ipv6_addr; }",
        "add counter bridge netguard link_scope",
        "add counter bridge netguard spoofed",
        "add chain bridge netguard unknown_port",
        "add chain bridge netguard prerouting { type filter hook prerouting priority filter; policy accept; }",
        "add chain bridge netguard forward { type filter hook forward priority filter; policy accept; }",
        "add rule bridge netguard unknown_port ether type ip ip saddr @guarded4 counter name spoofed drop",
        "add rule bridge netguard unknown_port ether type arp arp saddr ip @guarded4 counter name spoofed drop",
        "add rule bridge netguard unknown_port ether type ip6 ip6 saddr @guarded6 counter name spoofed drop",
        "add rule bridge netguard prerouting iifname != @pod_veths goto unknown_port",
        "add rule bridge netguard prerouting ether type ip iifname . ip saddr != @veth_addr4 counter name spoofed drop",
        "add rule bridge netguard prerouting ether type arp arp saddr ip 0.0.0.0 accept",
        "add rule bridge netguard prerouting ether type arp iifname . arp saddr ip != @veth_addr4 counter name spoofed drop",
        "add rule bridge netguard prerouting ether type ip6 ip6 saddr fe80::/10 accept",
        "add rule bridge netguard prerouting ether type ip6 ip6 saddr :: accept",
        "add rule bridge netguard prerouting ether type ip6 iifname . ip6 saddr != @veth_addr6 counter name spoofed drop",
        "add rule bridge netguard forward ether type ip6 icmpv6 type @nd_types accept",
        "add rule bridge netguard forward ether type ip6 ip6 saddr @link6 counter name link_scope drop",
        "add rule bridge netguard forward ether type ip6 ip6 daddr @link6 counter name link_scope drop",
        "",
      ].join("\n"),
    );
  });

  it("every node's script for random clusters loads into a real nft (nft --check)", async () => {
    await withNetns(async (ns) => {
      await fc.assert(
        fc.asyncProperty(randomCluster, async (objs) => {
          for (const [, rules] of compileAll(snapshotOf(objs))) {
            const ifaces = new Map(rules.pods.map((p, i) => [p.ref, `veth${i}`]));
            const rs = renderNode(rules, { interfaces: ifaces });
            const script = new Transaction().replaceTable(rs.inet).replaceTable(rs.bridge).render();
            const r = await systemExec("ip", ["netns", "exec", ns, "nft", "-c", "-f", "-"], {
              input: script,
            });
            expect(r.stderr).toBe("");
            expect(r.code).toBe(0);
          }
        }),
        { numRuns: numRuns(25) },
      );
    });
  });
});
