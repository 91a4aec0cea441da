/**
 * Running external programs (`nft`, `ip`), behind a small interface so the datapath and the lab can
 * be driven by tests, by a recording fake, or inside a network namespace.
 */
import { spawn } from "node:child_process";

/** The outcome of one program run. */
export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of one run. */
export interface ExecOptions {
  /** Written to the program's stdin, which is then closed. */
  readonly input?: string;
  /** Killed after this long (default 60 s); the result then has code 124. */
  readonly timeoutMs?: number;
  /** The program's whole environment (default: this process's). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs a program without a shell. Never rejects for a non-zero exit: callers inspect `code`. */
export type Exec = (cmd: string, args: readonly string[], opts?: ExecOptions) => Promise<ExecResult>;

/** `Exec` on the real system via child_process.spawn. */
export const systemExec: Exec = (cmd, args, opts = {}) =>
  new Promise((resolve) => {
    const child = spawn(cmd, [...args], {
      stdio: ["pipe", "pipe", "pipe"],
      ...(opts.env ? { env: { ...opts.env } } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 60_000);
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ code: 127, stdout: "", stderr: `${cmd}: ${e.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code: timedOut ? 124 : (code ?? 1),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8") + (timedOut ? `\n${cmd}: timed out` : ""),
      });
    });
    child.stdin.on("error", () => undefined); // the program may exit before reading its input
    child.stdin.end(opts.input ?? "");
  });

/** Wraps an Exec so every command runs inside network namespace `netns` (`ip netns exec`). */
export function inNetns(exec: Exec, netns: string | undefined): Exec {
  if (!netns) return exec;
  return (cmd, args, opts) => exec("ip", ["netns", "exec", netns, cmd, ...args], opts);
}
