/**
 * Datapath benchmarks (issue #3): one node with 250 local pods in a 10,000-pod cluster with 2,000
 * policies, applied with the real nft inside a throwaway network namespace. Needs root and nft;
 * prints why when they are missing.
 */
import { randomBytes } from "node:crypto";
import { compile, compileContext } from "../src/compile/compile.js";
import { Datapath } from "../src/datapath/datapath.js";
import { buildSnapshot } from "../src/load/snapshot.js";
import { execBackend } from "../src/nft/backend.js";
import { Transaction } from "../src/nft/transaction.js";
import { renderNode, type NodeRuleset } from "../src/render/ruleset.js";
import { systemExec } from "../src/sys/exec.js";
import { syntheticCluster } from "./synthetic.js";

type Json = Record<string, unknown>;

export interface DatapathResult {
  pods: number;
  policies: number;
  renderMs: number;
  fullApplyMs: number;
  remotePodMs: number;
  remotePodCommands: number;
  policyChangeMs: number;
  policyChangeCommands: number;
  chains: number;
  sets: number;
  elements: number;
  scriptKB: number;
}

const now = () => performance.now();

function rulesetFor(objs: Json[], node: string): { ruleset: NodeRuleset; renderMs: number } {
  const { snapshot } = buildSnapshot(objs.map((value) => ({ value, source: { file: "bench", line: 1 } })));
  const rules = compile(compileContext(snapshot), node);
  const t = now();
  const ruleset = renderNode(rules);
  return { ruleset, renderMs: now() - t };
}

/** Measures one size; returns undefined (with a message on stderr) when nft cannot be used. */
export async function datapathBench(pods: number, policies: number): Promise<DatapathResult | undefined> {
  const ns = `ngb${randomBytes(3).toString("hex")}-dp`;
  const add = await systemExec("ip", ["netns", "add", ns]);
  if (add.code !== 0) {
    process.stderr.write(
      `datapath bench skipped: cannot create a network namespace (${add.stderr.trim()})\n`,
    );
    return undefined;
  }
  try {
    const objs = syntheticCluster({ pods, policies, podsPerNode: 250 });
    const node = "node-000";
    const base = rulesetFor(objs, node);
    const dp = new Datapath(execBackend(systemExec, { netns: ns }));
    let t = now();
    const full = await dp.sync(base.ruleset);
    const fullApplyMs = now() - t;
    if (full.kind !== "full") throw new Error(`full apply: ${JSON.stringify(full)}`);

    // A remote pod (another node) appears among the DNS servers every namespace may reach
    // (ns-000, app-0): only set elements change on this node.
    const template = objs.find(
      (o) =>
        o.kind === "Pod" &&
        (o.metadata as Json).namespace === "ns-000" &&
        ((o.metadata as Json).labels as Json).app === "app-0",
    );
    if (!template) throw new Error("no remote DNS pod to copy");
    const remote = structuredClone(template);
    (remote.metadata as Json).name = "bench-new-pod";
    (remote.spec as Json).nodeName = "node-001";
    (remote.status as Json).podIP = "10.64.1.9";
    (remote.status as Json).podIPs = [{ ip: "10.64.1.9" }];
    const withPod = rulesetFor([...objs, remote], node).ruleset;
    t = now();
    const r1 = await dp.sync(withPod);
    const remotePodMs = now() - t;

    // The default-deny policy of ns-000 (np-0, selecting local pods) gains an ingress rule.
    const changed = [...objs, remote].map((o) => {
      if (o.kind !== "NetworkPolicy" || (o.metadata as Json).name !== "np-0") return o;
      const copy = structuredClone(o);
      (copy.spec as Json).ingress = [{ from: [{ podSelector: {} }], ports: [{ port: 8443 }] }];
      return copy;
    });
    const withPolicy = rulesetFor(changed, node).ruleset;
    t = now();
    const r2 = await dp.sync(withPolicy);
    const policyChangeMs = now() - t;
    const script = new Transaction()
      .replaceTable(base.ruleset.inet)
      .replaceTable(base.ruleset.bridge)
      .render();
    return {
      pods,
      policies,
      renderMs: base.renderMs,
      fullApplyMs,
      remotePodMs,
      remotePodCommands: r1.kind === "incremental" ? r1.commands : -1,
      policyChangeMs,
      policyChangeCommands: r2.kind === "incremental" ? r2.commands : -1,
      chains: base.ruleset.inet.chains.length,
      sets: base.ruleset.inet.sets.length + base.ruleset.inet.maps.length,
      elements:
        base.ruleset.inet.sets.reduce((n, s) => n + s.elements.length, 0) +
        base.ruleset.inet.maps.reduce((n, m) => n + m.elements.size, 0),
      scriptKB: Math.round(script.length / 1024),
    };
  } finally {
    await systemExec("ip", ["netns", "del", ns]);
  }
}
