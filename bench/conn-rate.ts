/**
 * The compiled connection-rate load generator (bench/conn-rate.c): built with the system `cc` into
 * a temporary directory, its server and client run inside lab namespaces pinned with `taskset`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { systemExec } from "../src/sys/exec.js";

/** The repository root, found from this file both as bench/ and as dist-bench/bench/. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Builds the generator; throws with cc's message when it cannot. */
export async function buildConnRate(): Promise<string> {
  const tmp = mkdtempSync(join(tmpdir(), "netguard-bench-cc-"));
  // The bench leaves nothing behind: the executable goes when the process does.
  process.once("exit", () => rmSync(tmp, { recursive: true, force: true }));
  const out = join(tmp, "conn-rate");
  const r = await systemExec("cc", ["-O2", "-o", out, join(repoRoot(), "bench", "conn-rate.c")]);
  if (r.code !== 0) throw new Error(`cc failed: ${r.stderr.trim() || r.stdout.trim()}`);
  return out;
}

/** Starts the server in `netns` on `cpu`; resolves once it listens. Kill the returned process. */
export async function startServer(
  bin: string,
  netns: string,
  port: number,
  cpu: number,
): Promise<ChildProcess> {
  const child = spawn(
    "taskset",
    ["-c", String(cpu), "ip", "netns", "exec", netns, bin, "server", String(port)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("conn-rate server did not start")), 10_000);
    child.once("exit", (code) => reject(new Error(`conn-rate server exited (${code})`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return child;
}

/** One measurement: connections per second, and connects that timed out. */
export interface RateSample {
  readonly rate: number;
  readonly failed: number;
}

/**
 * New connections per second from `netns` to `dst:port` over `seconds`, `workers` processes on
 * `cpu`. A connect that times out (a SYN lost on this loaded machine: 1 s of one worker) is counted
 * and its time taken out of the rate; more than 1 % of them is an error (the pair is not allowed).
 */
export async function connectionRate(
  bin: string,
  netns: string,
  dst: string,
  port: number,
  opts: { seconds: number; workers: number; cpu: number },
): Promise<RateSample> {
  const args = ["-c", String(opts.cpu), "ip", "netns", "exec", netns, bin, "client", dst, String(port)];
  const r = await systemExec("taskset", [...args, String(opts.seconds), String(opts.workers)], {
    timeoutMs: opts.seconds * 1000 + 30_000,
  });
  if (r.code !== 0) throw new Error(`conn-rate client failed: ${r.stderr.trim()}`);
  const out = JSON.parse(r.stdout) as { done: number; failed: number; stalled: number; seconds: number };
  if (out.failed > out.done / 100)
    throw new Error(`connections failed (the pair must be allowed): ${r.stdout.trim()}`);
  return { rate: out.done / Math.max(0.1, out.seconds - out.stalled / opts.workers), failed: out.failed };
}
