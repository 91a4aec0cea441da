/**
 * Every sync is recorded the same way whatever started it (finding 9): a sync run by a CNI ADD is
 * logged, counted with its trigger and decides /readyz like the reconcile loop's. The kernel is a
 * fake Exec (no root needed); the API is the in-repo server, the CNI request goes over the socket.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubeConfig } from "@kubernetes/client-node";
import { systemClock } from "../src/agent/clock.js";
import { APPLY_FAILED_REASON } from "../src/agent/sync-record.js";
import { buildAgent } from "../src/cli/agent-parts.js";
import { callAgent } from "../src/cni/agent-client.js";
import type { Exec } from "../src/sys/exec.js";
import { waitFor } from "./support/apiserver/client.js";
import { type ApiServer, startApiServer } from "./support/apiserver/server.js";
import { namespace, node, pod } from "./support/objects.js";

const SECRET = "Error: Could not process rule: secret-internal-detail";

/** nft that succeeds, except the applies told to fail; listings are empty. */
function fakeNft() {
  const state = { failApplies: 0, applies: 0 };
  const answer = (args: readonly string[]) => {
    if (args.includes("-f")) {
      state.applies++;
      if (state.failApplies > 0) {
        state.failApplies--;
        return { code: 1, stdout: "", stderr: SECRET };
      }
      return { code: 0, stdout: "", stderr: "" };
    }
    if (args.includes("tables"))
      return { code: 0, stdout: "table inet netguard\ntable bridge netguard\n", stderr: "" };
    return { code: 0, stdout: '{"nftables":[]}', stderr: "" };
  };
  const exec: Exec = (_cmd, args) => Promise.resolve(answer(args));
  return { exec, state };
}

describe("every sync goes through one recording path", () => {
  let api: ApiServer;
  let dir: string;
  beforeAll(async () => {
    api = await startApiServer();
    dir = mkdtempSync(join(tmpdir(), "netguard-sync-record-"));
    for (const o of [
      namespace("x"),
      node("n1", "192.168.0.1", ["10.1.0.0/24"]),
      pod("x", "a", { ips: ["10.1.0.10"], node: "n1" }),
      pod("x", "b", { ips: ["10.1.0.11"], node: "n1" }),
    ])
      api.create(o);
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a sync started by a CNI ADD is logged, counted by trigger and decides /readyz without echoing nft", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino(
      { level: "info" },
      { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
    );
    const kc = new KubeConfig();
    kc.loadFromString(api.kubeconfig());
    const nft = fakeNft();
    const socket = join(dir, "cni.sock");
    const agent = buildAgent({
      nodeName: "n1",
      kubeConfig: kc,
      exec: nft.exec,
      clock: systemClock,
      logger,
      listen: { host: "127.0.0.1", port: 0 },
      driftIntervalMs: 0,
      dropsIntervalMs: 1000,
      cniSocket: socket,
      // A long retry: the failed CNI sync's state must be visible before the loop repairs it.
      reconcile: { minIntervalMs: 20, maxDelayMs: 200, retryBaseMs: 60_000 },
    });
    await agent.start();
    try {
      await waitFor("ready", () => agent.notReady() === undefined);
      const readyz = () =>
        fetch(`http://127.0.0.1:${agent.httpPort}/readyz`).then(async (r) => [r.status, await r.text()]);
      expect(await readyz()).toEqual([200, "ok\n"]);

      // The CNI ADD's apply fails, and so does the retry it hands to the reconcile loop (which
      // then waits retryBaseMs): the failed state is stable while it is examined.
      const before = nft.state.applies;
      nft.state.failApplies = 2;
      const add = { containerId: "c1", namespace: "x", name: "b", ips: ["10.1.0.11"], hostVeth: "veth0b11" };
      const failed = await callAgent(socket, "POST", "/v1/add", add, 10_000);
      expect(failed.ok).toBe(false);
      expect(agent.notReady()).toBe(APPLY_FAILED_REASON);
      await waitFor("the loop's retry", () => nft.state.applies === before + 2);
      expect(agent.notReady()).toBe(APPLY_FAILED_REASON);
      const [status, body] = await readyz();
      expect(status).toBe(503);
      expect(body).not.toContain("secret-internal-detail");
      expect(lines).toContainEqual(
        expect.objectContaining({
          trigger: "cni-add",
          error: SECRET,
          msg: "apply failed; previous rules stay in force",
        }),
      );
      const metrics = (await agent.metricsText()).body;
      expect(metrics).toMatch(/netguard_syncs_total\{kind="failed",trigger="cni-add"\} 1/);
      expect(metrics).toMatch(/netguard_syncs_total\{kind="failed",trigger="reconcile"\} 1/);
      expect(metrics).toMatch(/netguard_apply_errors_total 2/);

      // The next ADD succeeds: ready again, counted and logged as a CNI ADD's sync.
      const ok = await callAgent(socket, "POST", "/v1/add", add, 10_000);
      expect(ok).toEqual({ ok: true });
      expect(agent.notReady()).toBeUndefined();
      expect(lines).toContainEqual(
        expect.objectContaining({ trigger: "cni-add", result: "full", msg: "sync" }),
      );
      expect((await agent.metricsText()).body).toMatch(
        /netguard_syncs_total\{kind="full",trigger="cni-add"\} 1/,
      );
      expect(lines).toContainEqual(expect.objectContaining({ trigger: "reconcile", msg: "sync" }));
    } finally {
      await agent.stop();
    }
  });
});
