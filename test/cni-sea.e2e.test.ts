/**
 * The CNI plugin as shipped: dist/netguard-cni, one executable (scripts/build-cni.mjs, Node's single
 * executable applications) that the container runtime runs on hosts with no Node.js. It is rebuilt
 * only when older than its inputs, so a second run of this file is quick.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cniBinaryBench, cniBinaryPath, noNodeEnv, runCniVersion } from "../bench/cni.js";
import { parseJson } from "./support/json.js";

const root = join(import.meta.dirname, "..");
const bin = cniBinaryPath();

/** The plugin's sources and what compiles them. */
function sources(): string[] {
  const ts = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => join(root, "src", f));
  return [...ts, join(root, "tsconfig.json"), join(root, "tsconfig.build.json")];
}

/** True when `file` exists and no input was changed after it. */
function newerThan(file: string, inputs: string[]): boolean {
  if (!existsSync(file)) return false;
  const built = statSync(file).mtimeMs;
  return inputs.every((f) => statSync(f).mtimeMs <= built);
}

/**
 * Rebuilds only what is stale. When dist/ is already current (vitest's global setup built it), only
 * the executable is made: recompiling dist/ in place would race other test files running it.
 */
function ensureBuilt(): void {
  const src = sources();
  const tools = [join(root, "package-lock.json"), join(root, "scripts", "build-cni.mjs"), process.execPath];
  if (newerThan(bin, [...src, ...tools])) return;
  const distIsCurrent = newerThan(join(root, "dist", "cni", "main.js"), src);
  const [cmd, args] = distIsCurrent
    ? [process.execPath, ["scripts/build-cni.mjs"]]
    : ["npm", ["run", "--silent", "build:cni"]];
  execFileSync(cmd, args, { cwd: root, stdio: "inherit" });
}

let elsewhere = "";

beforeAll(() => {
  ensureBuilt();
  // A copy far from dist/ and node_modules/: the executable may read nothing beside itself.
  elsewhere = mkdtempSync(join(tmpdir(), "netguard-cni-"));
  copyFileSync(bin, join(elsewhere, "netguard-cni"));
}, 600_000);

afterAll(() => {
  if (elsewhere) rmSync(elsewhere, { recursive: true, force: true });
});

describe("netguard-cni single executable", () => {
  it("has no node to fall back on: `node` is not found on the PATH it runs with", () => {
    const r = spawnSync("node", ["--version"], { env: noNodeEnv });
    expect(r.error).toMatchObject({ code: "ENOENT" });
  });

  it("answers CNI VERSION with exit 0 and its supported versions, away from the repository", async () => {
    const r = await runCniVersion(join(elsewhere, "netguard-cni"));
    expect(r.code).toBe(0);
    const version = parseJson<{ cniVersion: string; supportedVersions: string[] }>(r.stdout);
    expect(version.cniVersion).toBe("1.0.0");
    expect(version.supportedVersions).toEqual(expect.arrayContaining(["0.3.0", "0.3.1", "0.4.0", "1.0.0"]));
    // disableExperimentalSEAWarning, and a bundle that requires nothing but builtins.
    expect(r.stderr).not.toMatch(/ExperimentalWarning|single-executable|Warning:/);
  });

  it("prints its size and cold start (median of 5 VERSION calls)", async () => {
    const { sizeMB, coldStartMs } = await cniBinaryBench();
    console.log(`netguard-cni: ${sizeMB} MiB, cold start ${coldStartMs} ms (median of 5 VERSION calls)`);
    expect(sizeMB).toBeGreaterThan(0);
  });
});
