/**
 * Datapath cost: the rate of new TCP connections between two lab pods on one node, with the
 * node's full ruleset from a 10,000-pod / 2,000-policy cluster loaded (250 local pods, the two lab
 * pods among them, the connection allowed by policy so it crosses both pods' chains), against the
 * same lab without netguard's tables — bare, and with only connection tracking in use (as on every
 * real node). All measured in one run, alternating.
 */
import { compile, compileContext } from "../src/compile/compile.js";
import { Datapath } from "../src/datapath/datapath.js";
import { refOf } from "../src/k8s/model.js";
import { buildSnapshot } from "../src/load/snapshot.js";
import { formatAddr } from "../src/net/address.js";
import { execBackend } from "../src/nft/backend.js";
import { indexSnapshot } from "../src/policy/cluster-index.js";
import { evaluate } from "../src/policy/evaluate.js";
import { buildLab, destroyLab, newLabId } from "../src/lab/topology.js";
import { renderNode } from "../src/render/ruleset.js";
import { systemExec } from "../src/sys/exec.js";
import { syntheticCluster } from "./synthetic.js";

export interface CostResult {
  readonly pair: string;
  readonly port: number;
  /** Connections per second with no table at all in the node (conntrack not even in use). */
  readonly bare: number;
  /** With only conntrack in use, as on any node where kube-proxy or Flannel's masquerade rules run. */
  readonly conntrackOnly: number;
  readonly withRules: number;
  /** withRules / conntrackOnly */
  readonly ratio: number;
  readonly ratioToBare: number;
}

/** Stands in for kube-proxy/Flannel: a table of the lab's own that makes the node track connections. */
export const CONNTRACK_ONLY = `table inet ngbench {
  chain forward {
    type filter hook forward priority 10; policy accept;
    ct state established,related accept
  }
}
`;

// The client resets its connections (no TIME_WAIT), so thousands of them do not exhaust its ports.
const SERVER = `require("net").createServer((s) => s.on("error", () => {})).listen(Number(process.argv[1]), () => console.log("ready"));`;
const CLIENT = `
const net = require("net");
const [host, port, ms] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
let done = 0, failed = 0; const end = Date.now() + ms;
function one() {
  if (Date.now() >= end) return;
  const s = net.connect(port, host);
  s.setTimeout(1000);
  s.on("connect", () => { done++; s.resetAndDestroy(); one(); });
  s.on("error", () => { failed++; one(); });
  s.on("timeout", () => { failed++; s.destroy(); one(); });
}
for (let i = 0; i < 8; i++) one();
setTimeout(() => console.log(JSON.stringify({ done, failed })), ms + 1200);`;

/** Runs the measurement; undefined when the lab cannot be built here. */
export async function datapathCost(seconds = 3): Promise<CostResult | undefined> {
  const objs = syntheticCluster({ pods: 10_000, policies: 2_000, podsPerNode: 250 });
  const { snapshot } = buildSnapshot(objs.map((value) => ({ value, source: { file: "bench", line: 1 } })));
  const index = indexSnapshot(snapshot);
  const local = index.targets.filter((p) => p.nodeName === "node-000");
  let pick: { a: (typeof local)[number]; b: (typeof local)[number]; port: number } | undefined;
  for (const a of local) {
    for (const b of local) {
      if (a === b || pick) continue;
      for (const cp of b.ports.filter((p) => p.protocol === "TCP")) {
        const v = evaluate(index, {
          from: { pod: refOf(a) },
          to: { pod: refOf(b) },
          port: cp.port,
          protocol: "TCP",
        });
        if (
          typeof v !== "string" &&
          v.allowed &&
          v.egress.kind === "pod" &&
          v.egress.isolated &&
          v.ingress.kind === "pod" &&
          v.ingress.isolated
        ) {
          pick = { a, b, port: cp.port };
          break;
        }
      }
    }
  }
  if (!pick) throw new Error("no allowed pair of isolated pods on node-000");
  const node = snapshot.nodes.get("node-000");
  const cidr = node?.podCIDRs[0];
  if (!node || !cidr) throw new Error("node-000 has no pod CIDR");
  const id = newLabId();
  try {
    const lab = await buildLab(
      systemExec,
      {
        nodes: [
          {
            name: "node-000",
            nodeIP: "192.168.0.1",
            podCIDR4: `${formatAddr({ family: "IPv4", value: cidr.range.lo })}/${cidr.prefix}`,
          },
        ],
        pods: [pick.a, pick.b].map((p) => ({
          key: refOf(p),
          node: "node-000",
          ips: p.ips.map(formatAddr),
          ports: [],
        })),
      },
      id,
    );
    const [podA, podB] = lab.pods;
    if (!podA || !podB) throw new Error("lab pods missing");
    const dst = formatAddr(pick.b.ips[0] as (typeof pick.b.ips)[number]);
    const server = systemExec(
      "ip",
      ["netns", "exec", podB.netns, process.execPath, "-e", SERVER, String(pick.port)],
      { timeoutMs: seconds * 12_000 + 30_000 },
    );
    await new Promise((r) => setTimeout(r, 500));
    const rate = async () => {
      const r = await systemExec("ip", [
        "netns",
        "exec",
        podA.netns,
        process.execPath,
        "-e",
        CLIENT,
        dst,
        String(pick.port),
        String(seconds * 1000),
      ]);
      const out = JSON.parse(r.stdout) as { done: number; failed: number };
      if (out.failed > 0 && out.done === 0) throw new Error(`connections failed: ${r.stdout}`);
      return out.done / seconds;
    };
    const nodeNs = lab.nodes[0]?.netns as string;
    const rules = renderNode(compile(compileContext(snapshot), "node-000"), {
      interfaces: new Map(lab.pods.map((p) => [p.key, p.hostVeth])),
    });
    const dp = new Datapath(execBackend(systemExec, { netns: nodeNs }));
    const nft = (script: string) =>
      systemExec("ip", ["netns", "exec", nodeNs, "nft", "-f", "-"], { input: script });
    // Alternate the three setups and keep the best of each, to damp the noise of a shared machine.
    const best = { bare: 0, conntrackOnly: 0, withRules: 0 };
    for (let round = 0; round < 3; round++) {
      await dp.cleanup();
      await nft("add table inet ngbench\ndelete table inet ngbench\n");
      best.bare = Math.max(best.bare, await rate());
      await nft(CONNTRACK_ONLY);
      best.conntrackOnly = Math.max(best.conntrackOnly, await rate());
      const applied = await dp.sync(rules);
      if (applied.kind === "failed") throw new Error(applied.error);
      best.withRules = Math.max(best.withRules, await rate());
    }
    void server;
    return {
      pair: `${refOf(pick.a)} -> ${refOf(pick.b)}`,
      port: pick.port,
      ...best,
      ratio: best.withRules / best.conntrackOnly,
      ratioToBare: best.withRules / best.bare,
    };
  } finally {
    await destroyLab(systemExec, id);
  }
}
