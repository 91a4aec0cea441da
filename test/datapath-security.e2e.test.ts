/**
 * Datapath leaks found by the security trial (issue 11), on real packets in a lab: IPv6 link-local
 * between pods (finding 2), chosen-name chain collisions (finding 3) and source spoofing from a pod
 * veth netguard never registered (finding 4). Each test first shows the attack works without
 * netguard's tables, so it can fail.
 */
import { createHash } from "node:crypto";
import { expect, it } from "vitest";
import { compile, compileContext } from "../src/compile/compile.js";
import { Datapath } from "../src/datapath/datapath.js";
import type { LabPod } from "../src/lab/lab.js";
import { execBackend } from "../src/nft/backend.js";
import { renderNode } from "../src/render/ruleset.js";
import { systemExec } from "../src/sys/exec.js";
import { mismatches, type Ports, withLab } from "./support/lab.js";
import { type Json, namespace, node, pod, policy, snapshotOf } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const PORTS: Ports = [
  { port: 80, protocol: "TCP" },
  { port: 53, protocol: "UDP" },
];
const web = [
  { name: "http", containerPort: 80 },
  { name: "dns", containerPort: 53, protocol: "UDP" },
];

function cluster(dual: boolean): Json[] {
  const v6 = (ip: string) => (dual ? [ip] : []);
  return [
    namespace("x", { ns: "x" }),
    namespace("y", { ns: "y" }),
    namespace("z", { ns: "z" }),
    node("n1", "192.168.0.1", ["10.1.0.0/24", ...v6("fd01::/64")]),
    node("n2", "192.168.0.2", ["10.2.0.0/24", ...v6("fd02::/64")]),
    pod("x", "a", { labels: { pod: "a" }, ips: ["10.1.0.10", ...v6("fd01::10")], node: "n1", ports: web }),
    pod("y", "a", { labels: { pod: "a" }, ips: ["10.1.0.12", ...v6("fd01::12")], node: "n1", ports: web }),
    pod("z", "a", { labels: { pod: "a" }, ips: ["10.1.0.14", ...v6("fd01::14")], node: "n1", ports: web }),
    pod("y", "b", { labels: { pod: "b" }, ips: ["10.2.0.13", ...v6("fd02::13")], node: "n2", ports: web }),
  ];
}

const denyX = policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
const fromY = policy("x", "from-y", {
  podSelector: {},
  ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: "y" } } }] }],
});

async function run(cmd: string, args: string[]): Promise<string> {
  const r = await systemExec(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** The pod's `eth0` link-local address, which the kernel gives every interface (also on IPv4-only clusters). */
async function linkLocalOf(p: LabPod): Promise<string> {
  const out = JSON.parse(
    await run("ip", ["-n", p.netns, "-j", "-6", "addr", "show", "dev", "eth0", "scope", "link"]),
  ) as Array<{
    addr_info: Array<{ local: string }>;
  }>;
  const addr = out[0]?.addr_info[0]?.local;
  if (!addr) throw new Error(`${p.key} has no link-local address`);
  return addr;
}

async function macOf(p: LabPod): Promise<string> {
  const out = JSON.parse(await run("ip", ["-n", p.netns, "-j", "link", "show", "dev", "eth0"])) as Array<{
    address: string;
  }>;
  return out[0]?.address ?? "";
}

async function counterPackets(netns: string, family: string, table: string, name: string): Promise<number> {
  const out = await run("ip", ["netns", "exec", netns, "nft", "list", "counter", family, table, name]);
  return Number(/packets (\d+)/.exec(out)?.[1] ?? "NaN");
}

function podOf(pods: readonly LabPod[], key: string): LabPod {
  const p = pods.find((q) => q.key === key);
  if (!p) throw new Error(`lab has no pod ${key}`);
  return p;
}

describeAsRoot("datapath security", () => {
  it("drops TCP and UDP between pods over IPv6 link-local on an IPv4-only cluster, in both directions, but not from the node", async () => {
    const objs = cluster(false);
    await withLab(snapshotOf(objs), PORTS, async (lab) => {
      const xa = podOf(lab.lab.pods, "x/a");
      const ya = podOf(lab.lab.pods, "y/a");
      const xaLL = `${await linkLocalOf(xa)}%eth0`;
      const yaLL = `${await linkLocalOf(ya)}%eth0`;
      const probe = (from: string | { node: string }, dst: string, protocol: "TCP" | "UDP" = "TCP") =>
        lab.prober.probe({ from, dst, port: protocol === "TCP" ? 80 : 53, protocol, timeoutMs: 500 });
      // Without netguard's tables link-local works between pods: the checks below can fail.
      expect(await probe("y/a", xaLL)).toMatchObject({ ok: true });

      await lab.enforcer.enforce(lab.bind(snapshotOf([...objs, denyX])));
      expect(await probe("y/a", "10.1.0.10")).toMatchObject({ ok: false, detail: "timeout" });
      expect(await probe("y/a", xaLL)).toMatchObject({ ok: false, detail: "timeout" }); // ingress
      expect(await probe("y/a", xaLL, "UDP")).toMatchObject({ ok: false, detail: "timeout" });
      expect(await probe("x/a", yaLL)).toMatchObject({ ok: false, detail: "timeout" }); // egress
      expect(
        await counterPackets(lab.lab.nodes[0]?.netns ?? "", "bridge", "netguard", "link_scope"),
      ).toBeGreaterThan(0);
      // The node still reaches its pods, also over link-local; pods still resolve each other (ARP).
      expect(await probe({ node: "n1" }, `${xaLL.split("%")[0]}%cni0`)).toMatchObject({ ok: true });
      expect(await probe({ node: "n1" }, "10.1.0.10")).toMatchObject({ ok: true });
      expect(await probe("y/a", "10.1.0.14")).toMatchObject({ ok: true });
    });
  });

  it("fails closed for link-local between pods in the inet table too (when bridged frames skip the bridge table)", async () => {
    const objs = cluster(false);
    await withLab(snapshotOf(objs), PORTS, async (lab) => {
      const xaLL = `${await linkLocalOf(podOf(lab.lab.pods, "x/a"))}%eth0`;
      await lab.enforcer.enforce(lab.bind(snapshotOf([...objs, denyX])));
      const n1 = lab.lab.nodes[0]?.netns ?? "";
      await run("ip", ["netns", "exec", n1, "nft", "delete", "table", "bridge", "netguard"]);
      const r = await lab.prober.probe({ from: "y/a", dst: xaLL, port: 80, protocol: "TCP", timeoutMs: 500 });
      expect(r).toMatchObject({ ok: false, detail: "timeout" });
      expect(await counterPackets(n1, "inet", "netguard", "link_scope")).toBeGreaterThan(0);
      expect(
        await lab.prober.probe({ from: "y/a", dst: "10.1.0.14", port: 80, protocol: "TCP", timeoutMs: 500 }),
      ).toMatchObject({ ok: true });
    });
  });

  it("keeps neighbour discovery working: pods reach each other over IPv4 and global IPv6 where policy allows", async () => {
    const objs = cluster(true);
    await withLab(snapshotOf(objs), PORTS, async (lab) => {
      const m = await lab.enforceAndProbe(snapshotOf([...objs, fromY]));
      expect(mismatches(m)).toEqual([]);
      // The matrix probes each pair over IPv4; IPv6 global addresses need neighbour discovery.
      const probe6 = (from: string, dst: string) =>
        lab.prober.probe({ from, dst, port: 80, protocol: "TCP", timeoutMs: 500 });
      expect(await probe6("y/a", "fd01::10")).toMatchObject({ ok: true });
      expect(await probe6("y/b", "fd01::10")).toMatchObject({ ok: true }); // across nodes
      expect(await probe6("x/a", "fd01::14")).toMatchObject({ ok: true });
      expect(await probe6("z/a", "fd01::10")).toMatchObject({ ok: false, detail: "timeout" });
    });
  });

  it("drops frames from an unregistered pod veth that use another pod's or the node's address (IPv4, ARP, IPv6)", async () => {
    const objs = cluster(true);
    await withLab(snapshotOf(objs), PORTS, async (lab) => {
      const [xa, za] = [podOf(lab.lab.pods, "x/a"), podOf(lab.lab.pods, "z/a")];
      const n1 = lab.lab.nodes[0]?.netns ?? "";
      // z/a's veth was never registered (it predates netguard): the renderer does not know it.
      const interfaces = new Map(lab.lab.pods.filter((p) => p !== za).map((p) => [p.key, p.hostVeth]));
      const dp = new Datapath(execBackend(systemExec, { netns: n1 }));
      const enforce = async () => {
        const r = await dp.sync(
          renderNode(compile(compileContext(lab.bind(snapshotOf([...objs, fromY]))), "n1"), { interfaces }),
        );
        expect(r.kind).not.toBe("failed");
      };
      const spoofs = ["10.1.0.12", "10.1.0.1", "192.168.0.1", "fd01::12", "fd01::1"];
      const attack = spoofAttack(xa, za, spoofs, (src, dst) =>
        lab.prober.probe({ from: "z/a", dst, src, port: 80, protocol: "TCP", timeoutMs: 400 }),
      );
      // Without netguard every forged packet reaches x/a, and x/a learns z/a's MAC for y/a's address.
      const before = await attack();
      expect(before.arpPoisoned).toBe(true);
      expect(before.seen.every((n) => n > 0)).toBe(true);

      await run("ip", ["-n", xa.netns, "neigh", "flush", "dev", "eth0"]);
      await enforce();
      const after = await attack();
      expect(after.arpPoisoned).toBe(false);
      expect(after.seen).toEqual(spoofs.map(() => 0));
      expect(await counterPackets(n1, "bridge", "netguard", "spoofed")).toBeGreaterThan(0);
      // z/a itself keeps working with its own addresses where policy allows.
      for (const dst of ["10.1.0.12", "fd01::12"])
        expect(await lab.prober.probe({ from: "z/a", dst, port: 80, protocol: "TCP" })).toMatchObject({
          ok: true,
        });
      expect(
        await lab.prober.probe({ from: "z/a", dst: "10.1.0.10", port: 80, protocol: "TCP", timeoutMs: 400 }),
      ).toMatchObject({ ok: false });
    });
  });

  it("keeps a pod whose name equals another pod's old shortened chain name from opening it", async () => {
    const victim = `victim-${"a".repeat(233)}`;
    // Before the fix, `in/x/<victim>` was cut to 187 characters plus "-" and 12 hex digits of its
    // SHA-256: a valid pod name in the same namespace yields exactly that chain name.
    const full = `in/x/${victim}`;
    const attacker = `${full.slice(5, 187)}-${createHash("sha256").update(full).digest("hex").slice(0, 12)}`;
    const objs = [
      namespace("x", { ns: "x" }),
      namespace("y", { ns: "y" }),
      node("n1", "192.168.0.1", ["10.1.0.0/24"]),
      pod("x", victim, { labels: { role: "victim" }, ips: ["10.1.0.10"], node: "n1", ports: web }),
      pod("x", attacker, { labels: { role: "attacker" }, ips: ["10.1.0.11"], node: "n1", ports: web }),
      pod("y", "a", { labels: { pod: "a" }, ips: ["10.1.0.12"], node: "n1", ports: web }),
      policy("x", "deny-victim", {
        podSelector: { matchLabels: { role: "victim" } },
        policyTypes: ["Ingress"],
      }),
      policy("x", "open-attacker", { podSelector: { matchLabels: { role: "attacker" } }, ingress: [{}] }),
    ];
    await withLab(snapshotOf(objs), PORTS, async (lab) => {
      const m = await lab.enforceAndProbe(snapshotOf(objs), [{ port: 80, protocol: "TCP" }]);
      expect(mismatches(m)).toEqual([]);
      const toVictim = m.results.filter((r) => r.to === `x/${victim}` && r.from === "y/a");
      expect(toVictim.map((r) => r.allowed)).toEqual([false]);
    });
  });
});

interface AttackResult {
  /** Packets x/a received from each forged source. */
  readonly seen: number[];
  /** Whether x/a's neighbour entry for y/a's address points at z/a. */
  readonly arpPoisoned: boolean;
}

/**
 * z/a forges each source in turn towards x/a. Counters in x/a's own namespace (a table this test
 * adds there) count what arrives. The ARP step goes first: z/a resolving x/a from y/a's address.
 */
function spoofAttack(
  xa: LabPod,
  za: LabPod,
  sources: readonly string[],
  probe: (src: string, dst: string) => Promise<unknown>,
): () => Promise<AttackResult> {
  let round = 0;
  return async () => {
    round++;
    const t = `ngtest${round}`;
    const script = [
      `add table inet ${t}`,
      `add chain inet ${t} in { type filter hook input priority -300; }`,
      ...sources.flatMap((s, i) => [
        `add counter inet ${t} c${i}`,
        `add rule inet ${t} in ${s.includes(":") ? "ip6" : "ip"} saddr ${s} tcp dport 80 counter name c${i}`,
      ]),
    ].join("\n");
    const r = await systemExec("ip", ["netns", "exec", xa.netns, "nft", "-f", "-"], { input: `${script}\n` });
    if (r.code !== 0) throw new Error(r.stderr);
    const zaMac = await macOf(za);
    const xaMac = await macOf(xa);
    const za4 = (args: string[]) => run("ip", ["-n", za.netns, ...args]);
    const prefixed = sources.map((s) => `${s}/${s.includes(":") ? 128 : 32}`);
    for (const a of prefixed)
      await za4(["addr", "add", a, "dev", "eth0", ...(a.includes(":") ? ["nodad"] : [])]);
    await za4(["neigh", "flush", "dev", "eth0"]);
    await probe("10.1.0.12", "10.1.0.10"); // ARP request with y/a's address as sender
    const neigh = await run("ip", ["-n", xa.netns, "neigh", "show", "10.1.0.12", "dev", "eth0"]);
    await za4(["neigh", "replace", "10.1.0.10", "lladdr", xaMac, "dev", "eth0", "nud", "permanent"]);
    await za4(["neigh", "replace", "fd01::10", "lladdr", xaMac, "dev", "eth0", "nud", "permanent"]);
    for (const s of sources) await probe(s, s.includes(":") ? "fd01::10" : "10.1.0.10");
    await za4(["neigh", "flush", "dev", "eth0"]);
    for (const a of prefixed) await za4(["addr", "del", a, "dev", "eth0"]);
    const seen: number[] = [];
    for (let i = 0; i < sources.length; i++) seen.push(await counterPackets(xa.netns, "inet", t, `c${i}`));
    return { seen, arpPoisoned: neigh.includes(zaMac) };
  };
}
