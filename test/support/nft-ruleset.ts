/**
 * The golden base cluster's ruleset for this node (test/support/golden-scenarios.ts, node n1),
 * rendered by the functions the agent uses: what the nft kernel-side tests apply and list.
 */
import { compile, compileContext } from "../../src/compile/compile.js";
import { type NodeRuleset, renderNode } from "../../src/render/ruleset.js";
import { type Scenario, SCENARIOS } from "./golden-scenarios.js";
import { type Json, snapshotOf } from "./objects.js";

/** The node the golden scenarios program. */
const THIS_NODE = "n1";

/** The ruleset of the golden base cluster on node n1 (each local pod's veth is `veth<name>`). */
export function goldenBaseRuleset(): NodeRuleset {
  return rulesetOf(goldenScenario("first-sync").after);
}

/** The golden scenario of that file name. */
export function goldenScenario(file: string): Scenario {
  const s = SCENARIOS.find((x) => x.file === file);
  if (s === undefined) throw new Error(`golden-scenarios.ts has no scenario ${file}`);
  return s;
}

/** The ruleset of these cluster objects on node n1 (each local pod's veth is `veth<name>`). */
export function rulesetOf(objects: Json[]): NodeRuleset {
  const rules = compile(compileContext(snapshotOf(objects)), THIS_NODE);
  const veths = new Map(rules.pods.map((p) => [p.ref, `veth${p.ref.split("/")[1] ?? ""}`]));
  return renderNode(rules, { interfaces: veths });
}
