/**
 * The CNI plugin executable (dist/netguard-cni, from `npm run build:cni`): its size, and its cold
 * start as the container runtime sees it — a new process per call, no `node` on PATH, the CNI
 * spec's VERSION command with its JSON on stdin. Assumes the executable is built.
 */
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The environment a CNI plugin gets here: CNI_COMMAND and a PATH on which no `node` can be found. */
export const noNodeEnv = { PATH: "/nonexistent" } as const;

/** CNI spec, VERSION: "the version of the CNI spec used by the container runtime" goes on stdin. */
export const versionRequest = '{"cniVersion":"1.0.0"}';

/** dist/netguard-cni, found from this file both as bench/cni.ts and as dist-bench/bench/cni.js. */
export function cniBinaryPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, "dist", "netguard-cni");
}

/** One run of the executable: exit code, output and wall time from spawn to exit. */
export interface CniRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `bin` with CNI_COMMAND=VERSION, the version request on stdin and no node on PATH. */
export function runCniVersion(bin: string): Promise<CniRun> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(bin, [], { env: { ...noNodeEnv, CNI_COMMAND: "VERSION" }, cwd: "/" });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - t0) / 1e6 }),
    );
    child.stdin.end(versionRequest);
  });
}

/** Size in MiB and median cold start in ms over 5 VERSION calls. */
export async function cniBinaryBench(): Promise<{ sizeMB: number; coldStartMs: number }> {
  const bin = cniBinaryPath();
  if (!existsSync(bin)) throw new Error(`${bin} not found: run \`npm run build:cni\` first`);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const run = await runCniVersion(bin);
    if (run.code !== 0) throw new Error(`${bin} VERSION exited ${run.code}: ${run.stderr}`);
    times.push(run.ms);
  }
  times.sort((a, b) => a - b);
  return {
    sizeMB: Math.round((statSync(bin).size / 1024 / 1024) * 10) / 10,
    coldStartMs: Math.round((times[2] as number) * 10) / 10,
  };
}
