/**
 * CNI registrations that outlive their sandbox (issue 11, findings 7 and 8), with the real chain in a
 * lab node (support/cni-lab.ts) and real packets: a DEL lost while the agent was down, CNI GC, and a
 * new sandbox reusing an address a lingering Pod object still claims.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { callAgent } from "../src/cni/agent-client.js";
import { ipOf, pendingPod, withCni } from "./support/cni-lab.js";
import { pod, policy } from "./support/objects.js";
import { until } from "./support/nft-monitor.js";
import { isRoot } from "./support/root.js";

const hasPlugins = existsSync("/usr/lib/cni/bridge");
const DENY_X = policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
const resultOf = (r: unknown) => (r as { result: Record<string, unknown> }).result;
/** netguard's CHECK of a sandbox whose veth is gone (the runtime's CHECK stops at the bridge plugin). */
const agentCheck = (socket: string, containerId: string) =>
  callAgent(socket, "POST", "/v1/check", { containerId }, 2000);

describe.skipIf(!isRoot || !hasPlugins)("stale CNI registrations (root, containernetworking-plugins)", () => {
  it(
    "a pod whose old sandbox's DEL was lost while the agent was down starts, and its new address is served",
    { timeout: 90_000 },
    async () => {
      await withCni(
        async (env) => {
          env.api.create(pendingPod("y", "web"));
          let agent = await env.startAgent();
          // The old sandbox's container id sorts after the new one's: before the fix it won.
          const old = await env.sandbox("y", "web", "zzz-old-sandbox");
          expect(await env.runtime.add(env.conf, old)).toMatchObject({ ok: true });
          await agent.stop();
          expect((await env.runtime.del(env.conf, old)).every((r) => r.ok)).toBe(true); // lost
          agent = await env.startAgent(); // the state file still names the old sandbox
          try {
            const next = await env.sandbox("y", "web", "aaa-new-sandbox");
            const added = await env.runtime.add(env.conf, next);
            expect(added, JSON.stringify(added)).toMatchObject({ ok: true });
            const ip = ipOf(resultOf(added));
            expect(
              await env.lab.prober.probe({
                from: "y/peer",
                dst: ip,
                port: 80,
                protocol: "TCP",
                timeoutMs: 2000,
              }),
            ).toMatchObject({ ok: true });
            expect(await agentCheck(env.socket, old.containerId)).toMatchObject({ ok: false });
            expect(await env.runtime.check(env.conf, next)).toMatchObject({ ok: true });
            const saved = JSON.parse(readFileSync(env.state, "utf8")) as {
              pods: Array<{ containerId: string }>;
            };
            expect(saved.pods.map((p) => p.containerId)).toEqual(["aaa-new-sandbox"]);
          } finally {
            await agent.stop();
          }
        },
        { cniVersion: "1.0.0" },
      );
    },
  );

  it("CNI GC makes the agent forget a sandbox the runtime no longer has", { timeout: 90_000 }, async () => {
    await withCni(
      async (env) => {
        env.api.create(pendingPod("y", "a"));
        env.api.create(pendingPod("y", "b"));
        let agent = await env.startAgent();
        const a = await env.sandbox("y", "a");
        const b = await env.sandbox("y", "b");
        expect(await env.runtime.add(env.conf, a)).toMatchObject({ ok: true });
        expect(await env.runtime.add(env.conf, b)).toMatchObject({ ok: true });
        await agent.stop();
        await env.runtime.del(env.conf, b); // lost: the agent is down
        agent = await env.startAgent();
        try {
          // The stale sandbox is still known once the restarted agent has applied its rules.
          await until(
            "the restarted agent programs the stale sandbox",
            async () => (await agentCheck(env.socket, b.containerId)).ok,
          );
          const gc = await env.runtime.gc(env.conf, [a]);
          expect(gc.map((r) => r.ok)).toEqual([true]); // netguard is the chain's only 1.1.0 plugin
          expect(await agentCheck(env.socket, b.containerId)).toMatchObject({ ok: false });
          expect(await env.runtime.check(env.conf, a)).toMatchObject({ ok: true });
        } finally {
          await agent.stop();
        }
      },
      { cniVersion: "1.0.0" },
    );
  });

  it(
    "a new deny-all pod reusing the address a lingering open pod still claims cannot send or receive",
    { timeout: 90_000 },
    async () => {
      await withCni(async (env) => {
        env.api.create(DENY_X);
        // The old pod's object lingers (its node has not reported it gone) with the address host-local
        // is about to hand out again; "y/old" sorts after "x/new", and its namespace is open.
        env.api.create(pod("y", "old", { labels: { app: "old" }, ips: ["10.1.0.100"], node: "n1" }));
        env.api.create(pendingPod("x", "new"));
        const agent = await env.startAgent();
        try {
          const s = await env.sandbox("x", "new");
          const added = await env.runtime.add(env.conf, s);
          expect(added, JSON.stringify(added)).toMatchObject({ ok: true });
          expect(ipOf(resultOf(added))).toBe("10.1.0.100");
          const [inbound, outbound] = await Promise.all([
            env.lab.prober.probe({
              from: "y/peer",
              dst: "10.1.0.100",
              port: 80,
              protocol: "TCP",
              timeoutMs: 400,
            }),
            env.connectFrom(s.netns, "10.1.0.10"),
          ]);
          expect(inbound).toMatchObject({ ok: false, detail: "timeout" });
          expect(outbound).toBe(false);
        } finally {
          await agent.stop();
        }
      });
    },
  );
});
