/**
 * An in-process agent for tests: talks to the in-repo API server, applies inside a lab node's
 * network namespace, quiet logs, short coalescing so tests converge fast.
 */
import { KubeConfig } from "@kubernetes/client-node";
import { pino } from "pino";
import type { Agent } from "../../src/agent/agent.js";
import type { AgentOptions } from "../../src/agent/options.js";
import { systemClock } from "../../src/agent/clock.js";
import { buildAgent } from "../../src/cli/agent-parts.js";
import { systemExec } from "../../src/sys/exec.js";
import type { ApiServer } from "./apiserver/server.js";

/** Builds (does not start) an agent for node n1 of a lab; `extra` overrides any option. */
export function testAgent(api: ApiServer, netns: string, extra: Partial<AgentOptions> = {}): Agent {
  const kc = new KubeConfig();
  kc.loadFromString(api.kubeconfig());
  return buildAgent({
    nodeName: "n1",
    kubeConfig: kc,
    exec: systemExec,
    clock: systemClock,
    logger: pino({ level: "silent" }),
    netns,
    driftIntervalMs: 0,
    dropsIntervalMs: 1000,
    reconcile: { minIntervalMs: 20, maxDelayMs: 200 },
    ...extra,
  });
}
