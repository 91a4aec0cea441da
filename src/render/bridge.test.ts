import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { withNetns } from "../../test/support/netns.js";
import { namespace, node, pod, policy, snapshotOf } from "../../test/support/objects.js";
import { compile } from "../compile/compile.js";
import { Transaction } from "../nft/transaction.js";
import { systemExec } from "../sys/exec.js";
import { isVethName, renderBridge } from "./bridge.js";
import { renderNode } from "./ruleset.js";

const rules = () =>
  compile(
    snapshotOf([
      namespace("a"),
      node("n1", "192.168.0.1", ["10.1.0.0/24", "fd01::/64"]),
      pod("a", "known", { ips: ["10.1.0.10", "fd01::10"] }),
      pod("a", "unknown", { ips: ["10.1.0.11", "fd01::11"] }),
      pod("a", "odd", { ips: ["10.1.0.12"] }),
    ]),
    "n1",
  );

describe("renderBridge", () => {
  it("guards the node's addresses and those of pods with a known veth against every other port", () => {
    const t = renderBridge(
      rules(),
      new Map([
        ["a/known", "vethaaa"],
        ["a/odd", 'bad"name'],
      ]),
    );
    const set = (n: string) => t.sets.find((s) => s.name === n)?.elements;
    expect(set("guarded4")).toEqual(["10.1.0.1", "10.1.0.10", "192.168.0.1"]);
    expect(set("guarded6")).toEqual(["fd01::1", "fd01::10"]);
    expect(set("pod_veths")).toEqual(['"vethaaa"']); // a name nft cannot quote safely is unknown
    expect(set("veth_addr4")).toEqual(['"vethaaa" . 10.1.0.10']);
    expect(t.chains.find((c) => c.name === "prerouting")?.rules[0]).toBe(
      "iifname != @pod_veths goto unknown_port",
    );
  });

  it("accepts kernel-style veth names only", () => {
    expect(isVethName("veth1a2b3c4d")).toBe(true);
    expect(isVethName("cali0123456789a")).toBe(true);
    for (const bad of ["", "..", "a".repeat(16), "a b", 'a"b', "a/b", "a:b"])
      expect(isVethName(bad)).toBe(false);
  });
});

describe("renderNode identifiers", () => {
  const victim = `victim-${"a".repeat(233)}`;
  const full = `in/x/${victim}`;
  // Before issue 11 this pod name equalled the victim's shortened chain name.
  const attacker = `${full.slice(5, 187)}-${createHash("sha256").update(full).digest("hex").slice(0, 12)}`;
  const objs = [
    namespace("x"),
    node("n1", "192.168.0.1", ["10.1.0.0/24"]),
    pod("x", victim, { labels: { role: "victim" }, ips: ["10.1.0.10"] }),
    pod("x", attacker, { labels: { role: "attacker" }, ips: ["10.1.0.11"] }),
    policy("x", "deny-victim", {
      podSelector: { matchLabels: { role: "victim" } },
      policyTypes: ["Ingress"],
    }),
    policy("x", "open-attacker", { podSelector: { matchLabels: { role: "attacker" } }, ingress: [{}] }),
  ];

  it("gives a pod named like another pod's old shortened chain its own chain, and loads into nft", async () => {
    const rs = renderNode(compile(snapshotOf(objs), "n1"));
    const ingress = rs.inet.maps.find((m) => m.name === "ingress4")?.elements;
    const victimChain = ingress?.get("10.1.0.10");
    expect(victimChain).toMatch(/^jump in\/x\/victim-a+_H[0-9a-f]{32}$/);
    expect(ingress?.get("10.1.0.11")).not.toBe(victimChain);
    const chain = rs.inet.chains.find((c) => `jump ${c.name}` === victimChain);
    expect(chain?.rules).toEqual([
      expect.stringMatching(/^counter name drop\/in\/x\/victim-a+_H[0-9a-f]{32} drop$/),
    ]);
    expect([...rs.counterOwners.values()]).toEqual(
      expect.arrayContaining([
        { pod: `x/${victim}`, direction: "ingress" },
        { pod: `x/${attacker}`, direction: "ingress" },
      ]),
    );
    await withNetns(async (ns) => {
      const script = new Transaction().replaceTable(rs.inet).replaceTable(rs.bridge).render();
      const r = await systemExec("ip", ["netns", "exec", ns, "nft", "-c", "-f", "-"], { input: script });
      expect(r.stderr).toBe("");
    });
  });
});
