/**
 * `--kubeconfig` on simulate, explain and diff: the live cluster (here the in-repo API server,
 * through the real client library) with the given files laid over it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeInputFs } from "../src/load/node-fs.js";
import { runCli } from "../src/cli/main.js";
import { type ApiServer, startApiServer } from "./support/apiserver/server.js";
import { type DiffJson, parseJson, parseSimulate, parseValidation } from "./support/json.js";
import { memoryIo } from "./support/memory-io.js";
import { namespace, pod, policy } from "./support/objects.js";

describe("--kubeconfig overlays files on the live cluster", () => {
  let api: ApiServer;
  let kubeconfig: string;
  let denyFile: string;
  let dir = "";
  beforeAll(async () => {
    api = await startApiServer({ bookmarkIntervalMs: 0 });
    for (const o of [
      namespace("x"),
      pod("x", "a", { labels: { app: "a" }, ips: ["10.0.0.10"], ports: [{ containerPort: 80 }] }),
      pod("x", "b", { labels: { app: "b" }, ips: ["10.0.0.11"], ports: [{ containerPort: 80 }] }),
    ]) {
      api.create(o);
    }
    dir = mkdtempSync(join(tmpdir(), "netguard-overlay-"));
    kubeconfig = api.writeKubeconfig(dir);
    denyFile = join(dir, "deny.yaml");
    writeFileSync(
      denyFile,
      JSON.stringify(policy("x", "deny", { podSelector: { matchLabels: { app: "a" } } })),
    );
  });
  afterAll(async () => {
    await api.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const io = () => ({ ...memoryIo({}), fs: nodeInputFs });

  it("simulate reads the cluster alone, and with a policy file laid over it", async () => {
    const alone = io();
    expect(await runCli(alone, ["simulate", "-f", "json", "--kubeconfig", kubeconfig, "-p", "80"])).toBe(0);
    expect(parseSimulate(alone.stdout()).results.every((r) => r.allowed === true)).toBe(true);
    const over = io();
    expect(
      await runCli(over, ["simulate", "-f", "json", "--kubeconfig", kubeconfig, "-p", "80", denyFile]),
    ).toBe(0);
    const cell = parseSimulate(over.stdout()).results.find((r) => r.from === "x/b" && r.to === "x/a");
    expect(cell?.allowed).toBe(false);
  });

  it("diff shows what the file would change in the cluster", async () => {
    const d = io();
    expect(
      await runCli(d, [
        "diff",
        "--kubeconfig",
        kubeconfig,
        "--after",
        denyFile,
        "-f",
        "json",
        "-p",
        "80",
        "--fail-on",
        "denied",
      ]),
    ).toBe(1);
    expect(parseJson<DiffJson>(d.stdout()).changes).toEqual([
      expect.objectContaining({
        from: { namespace: "x", workload: "b" },
        to: { namespace: "x", workload: "a" },
        change: "newly-denied",
        pairs: 1,
      }),
    ]);
  });

  it("explain works against the cluster too", async () => {
    const e = io();
    expect(
      await runCli(e, [
        "explain",
        "--kubeconfig",
        kubeconfig,
        "--from",
        "x/b",
        "--to",
        "x/a",
        "--port",
        "80",
        denyFile,
      ]),
    ).toBe(0);
    expect(e.stdout()).toContain("DENIED");
  });

  it("an unreadable kubeconfig is a usage error", async () => {
    expect(await runCli(io(), ["simulate", "--kubeconfig", "/nonexistent/kubeconfig"])).toBe(2);
  });

  it("validate reads the live cluster for cluster-aware lints", async () => {
    const v = io();
    const nobody = join(dir, "np.yaml");
    writeFileSync(
      nobody,
      JSON.stringify(policy("x", "ghost", { podSelector: { matchLabels: { app: "ghost" } } })),
    );
    expect(await runCli(v, ["validate", "--kubeconfig", kubeconfig, "-f", "json", nobody])).toBe(0);
    expect(parseValidation(v.stdout()).issues.map((i) => i.code)).toContain("selects-no-pod");
  });
});
