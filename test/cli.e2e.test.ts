/**
 * The `netguard` executable as users run it: a real process, real files, real exit codes.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ProbeJson, parseJson, parseSimulate } from "./support/json.js";
import { nsRun, withNetns } from "./support/netns.js";
import { describeAsRoot } from "./support/root.js";

const root = join(import.meta.dirname, "..");
const bin = join(root, "dist", "cli", "bin.js");

function netguard(args: string[], input?: string) {
  const r = spawnSync(bin, args, { cwd: root, encoding: "utf8", input, timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("netguard executable", () => {
  it("--help lists the commands", () => {
    const r = netguard(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/simulate/);
  });

  it("simulate on the bundled shop example prints the JSON matrix and exits 0", () => {
    const r = netguard(["simulate", "--format", "json", "examples/shop"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = parseSimulate(r.stdout);
    expect(out.pods).toContain("frontend/web");
    expect(
      out.results.find((x) => x.from === "api/api" && x.to === "db/postgres" && x.port === 5432),
    ).toMatchObject({ allowed: true });
    expect(
      out.results.find((x) => x.from === "frontend/web" && x.to === "db/postgres" && x.port === 5432),
    ).toMatchObject({ allowed: false });
  });

  it("reads YAML from stdin", () => {
    const yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\nstatus: {podIP: 10.0.0.5}\n";
    const r = netguard(["simulate", "-f", "json", "--port", "80", "-"], yaml);
    expect(r.code).toBe(0);
    expect(parseSimulate(r.stdout).results).toEqual([
      { from: "x/a", to: "x/a", port: 80, protocol: "TCP", allowed: true, family: "IPv4" },
    ]);
    expect(r.stderr).toMatch(/namespace-assumed/);
  });

  it("exits 2 on a usage error", () => {
    expect(netguard(["simulate", "--port", "abc", "examples/shop"]).code).toBe(2);
  });
});

describeAsRoot("netguard lab run", () => {
  it("proves an example with real packets: JSON with expected per result and zero mismatches", () => {
    const r = netguard(["lab", "run", "--format", "json", "examples/scenarios/01-default-deny-ingress"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = parseJson<ProbeJson>(r.stdout);
    expect(out.mismatches).toBe(0);
    expect(out.results).toHaveLength(9 * 9 * 2);
    expect(out.results[0]).toMatchObject({
      from: "x/a",
      to: "x/a",
      port: 80,
      protocol: "TCP",
      allowed: true,
      expected: true,
    });
    expect(out.results.filter((x) => !x.allowed).length).toBeGreaterThan(0);
  });

  it("reports SCTP probes as skipped, not passed", () => {
    const yaml =
      "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\nstatus: {podIP: 10.244.0.20}\n";
    const r = netguard(["lab", "run", "-f", "json", "--port", "9000/SCTP", "-"], yaml);
    expect(r.code).toBe(0);
    expect(parseJson<ProbeJson>(r.stdout)).toMatchObject({
      mismatches: 0,
      skipped: 1,
      results: [{ skipped: "SCTP is not available on this kernel" }],
    });
  });
});

describeAsRoot("netguard cleanup", () => {
  it("removes netguard's tables and leaves every other table alone", async () => {
    await withNetns(async (ns) => {
      await nsRun(ns, "nft", ["add", "table", "inet", "kube-proxy"]);
      await nsRun(ns, "nft", ["-f", "-"], "add table inet netguard\nadd table bridge netguard\n");
      expect(netguard(["cleanup", "--netns", ns]).code).toBe(0);
      expect(netguard(["cleanup", "--netns", ns]).code).toBe(0);
      expect(await nsRun(ns, "nft", ["list", "tables"])).toBe("table inet kube-proxy\n");
    });
  });
});

describeAsRoot("netguard lab up/apply/probe/down", () => {
  it("keeps a lab running across commands and follows a policy change", () => {
    const dir = mkdtempSync(join(tmpdir(), "netguard-lab-state-"));
    const env = { ...process.env, NETGUARD_LAB_DIR: dir };
    const run = (args: string[]) => {
      const r = spawnSync(bin, args, { cwd: root, encoding: "utf8", timeout: 60_000, env });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const scenario = "examples/scenarios/01-default-deny-ingress";
    let opened = "";
    try {
      const up = run(["lab", "up", scenario]);
      expect(up.code, up.stderr).toBe(0);
      const id = up.stdout.trim();
      expect(id).toMatch(/^ngl[0-9a-f]{6}$/);
      try {
        const first = parseJson<ProbeJson>(
          run(["lab", "probe", "--lab", id, "-f", "json", "--port", "80"]).stdout,
        );
        expect(first.mismatches).toBe(0);
        expect(first.results.find((r) => r.from === "y/a" && r.to === "x/a")?.allowed).toBe(false);

        opened = mkdtempSync(join(tmpdir(), "netguard-lab-input-"));
        const yaml = readFileSync(join(root, scenario, "scenario.yaml"), "utf8").replace(
          /kind: NetworkPolicy[\s\S]*$/,
          "kind: NetworkPolicy\nmetadata: {name: allow-all, namespace: x}\nspec: {podSelector: {}, ingress: [{}]}\n",
        );
        writeFileSync(join(opened, "cluster.yaml"), yaml);
        expect(run(["lab", "apply", "--lab", id, opened]).code).toBe(0);
        const second = parseJson<ProbeJson>(
          run(["lab", "probe", "--lab", id, "-f", "json", "--port", "80"]).stdout,
        );
        expect(second.mismatches).toBe(0);
        expect(second.results.every((r) => r.allowed === true)).toBe(true);
      } finally {
        expect(run(["lab", "down", "--lab", id]).code).toBe(0);
      }
      expect(spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout).not.toContain(id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (opened) rmSync(opened, { recursive: true, force: true });
    }
  });
});

describe("netguard writing into a pipe whose reader has gone (simulate | head)", () => {
  it("stops quietly with no internal error", () => {
    // 600 pods × 600 = 360,000 cells: far more than a pipe holds, so writes fail with EPIPE.
    const pods = Array.from(
      { length: 600 },
      (_, i) =>
        `---\napiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: x, labels: {app: a${i % 7}}}\n` +
        "spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}\n",
    ).join("");
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${bin}" simulate -f json - | head -c 10`], {
      cwd: root,
      encoding: "utf8",
      input: pods,
      timeout: 60_000,
    });
    expect(r.stdout).toBe('{"ports":[');
    expect(r.stderr).not.toMatch(/internal error|EPIPE|Unhandled/);
    expect(r.status).toBe(0);
  });
});
