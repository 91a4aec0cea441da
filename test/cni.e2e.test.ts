/**
 * The real CNI chain in a lab node: Debian's `bridge` (as Flannel delegates to it: cni0, isGateway,
 * hairpinMode, host-local IPAM over the node's subnet), `portmap`, then netguard, run by a minimal
 * runtime; the agent behind the plugin's socket watches the in-repo API server (support/cni-lab.ts).
 */
import { existsSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { systemExec } from "../src/sys/exec.js";
import { waitFor } from "./support/apiserver/client.js";
import { ipOf, pendingPod, withCni } from "./support/cni-lab.js";
import { namespace, policy } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const DENY_X = policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

describeAsRoot("netguard chained after the real bridge, host-local and portmap plugins", () => {
  let skip = false;
  beforeAll(() => {
    skip = !existsSync("/usr/lib/cni/bridge");
  });
  afterAll(() => undefined);

  it(
    "a pod in a default-deny namespace cannot send or receive one packet after ADD returns; an open one can",
    { timeout: 90_000 },
    async () => {
      expect(skip, "containernetworking-plugins must be installed (.ci/run installs it)").toBe(false);
      await withCni(async (env) => {
        env.api.create(DENY_X);
        const agent = await env.startAgent();
        try {
          env.api.create(pendingPod("x", "locked"));
          const a = await env.sandbox("x", "locked");
          const added = await env.runtime.add(env.conf, a);
          expect(added).toMatchObject({ ok: true });
          const ip = ipOf((added as { result: Record<string, unknown> }).result);
          expect(ip).toBe("10.1.0.100");
          const [inbound, outbound] = await Promise.all([
            env.lab.prober.probe({ from: "y/peer", dst: ip, port: 80, protocol: "TCP", timeoutMs: 400 }),
            env.connectFrom(a.netns, "10.1.0.10"),
          ]);
          expect(inbound).toMatchObject({ ok: false, detail: "timeout" });
          expect(outbound).toBe(false);

          env.api.create(pendingPod("y", "open"));
          const b = await env.sandbox("y", "open");
          const added2 = await env.runtime.add(env.conf, b);
          expect(added2).toMatchObject({ ok: true });
          const ip2 = ipOf((added2 as { result: Record<string, unknown> }).result);
          expect(
            await env.lab.prober.probe({ from: "y/peer", dst: ip2, port: 80, protocol: "TCP" }),
          ).toMatchObject({ ok: true });
          expect(await env.connectFrom(b.netns, "10.1.0.10", 2000)).toBe(true);

          // DEL twice succeeds (CHECK needs CNI 0.4.0 or later: see the CHECK test).
          expect((await env.runtime.del(env.conf, b)).every((r) => r.ok)).toBe(true);
          expect((await env.runtime.del(env.conf, b)).every((r) => r.ok)).toBe(true);
        } finally {
          await agent.stop();
        }
      });
    },
  );

  it(
    "with the agent stopped, ADD fails with a CNI error and leaves nothing half-configured",
    { timeout: 90_000 },
    async () => {
      await withCni(async (env) => {
        env.api.create(pendingPod("y", "orphan"));
        const a = await env.sandbox("y", "orphan");
        const nodeNs = env.lab.lab.nodes[0]?.netns as string;
        const linksBefore = (await systemExec("ip", ["-n", nodeNs, "-o", "link"])).stdout.split("\n").length;
        const r = await env.runtime.add(env.conf, a);
        expect(r).toMatchObject({ ok: false, plugin: "netguard", error: { code: 11 } });
        expect((await systemExec("ip", ["-n", nodeNs, "-o", "link"])).stdout.split("\n").length).toBe(
          linksBefore,
        );
        expect((await systemExec("ip", ["-n", a.netns, "-o", "addr", "show", "dev", "eth0"])).code).not.toBe(
          0,
        );
      });
    },
  );

  it("CHECK reports failure once the agent has lost its state", { timeout: 90_000 }, async () => {
    await withCni(
      async (env) => {
        let agent = await env.startAgent();
        env.api.create(pendingPod("y", "kept"));
        const a = await env.sandbox("y", "kept");
        const addedK = await env.runtime.add(env.conf, a);
        expect(addedK, JSON.stringify(addedK)).toMatchObject({ ok: true });
        const checked = await env.runtime.check(env.conf, a);
        expect(checked, JSON.stringify(checked)).toMatchObject({ ok: true });
        await agent.stop();
        agent = await env.startAgent(); // registrations are read back from the state file
        const started = agent;
        await waitFor("the restarted agent is ready", () => started.notReady() === undefined, 5000);
        expect(await env.runtime.check(env.conf, a)).toMatchObject({ ok: true });
        await agent.stop();
        writeFileSync(env.state, "[]"); // the state is lost
        agent = await env.startAgent();
        const restarted = agent;
        await waitFor("the agent without state is ready", () => restarted.notReady() === undefined, 5000);
        try {
          expect(await env.runtime.check(env.conf, a)).toMatchObject({
            ok: false,
            plugin: "netguard",
            error: { code: 100 },
          });
        } finally {
          await agent.stop();
        }
      },
      { cniVersion: "1.0.0" },
    );
  });

  it(
    "a pod started right after its namespace's policy was created is never reachable",
    { timeout: 90_000 },
    async () => {
      await withCni(async (env) => {
        const agent = await env.startAgent();
        try {
          for (let i = 0; i < 3; i++) {
            const ns = `race${i}`;
            env.api.create(namespace(ns));
            env.api.create(policy(ns, "deny", { podSelector: {} }));
            env.api.create(pendingPod(ns, "p"));
            const a = await env.sandbox(ns, "p");
            const added = await env.runtime.add(env.conf, a);
            expect(added).toMatchObject({ ok: true });
            const ip = ipOf((added as { result: Record<string, unknown> }).result);
            expect(
              await env.lab.prober.probe({
                from: "y/peer",
                dst: ip,
                port: 80,
                protocol: "TCP",
                timeoutMs: 300,
              }),
            ).toMatchObject({ ok: false });
          }
        } finally {
          await agent.stop();
        }
      });
    },
  );
});
