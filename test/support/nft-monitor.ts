/**
 * The agent's `nft monitor` child as tests see it: which such processes run in a namespace (none
 * may outlive the agent), and an asynchronous wait.
 */
import { readFileSync } from "node:fs";
import { systemExec } from "../../src/sys/exec.js";

/** Pids of `nft monitor` processes in `netns` (the agent's monitor execs to `nft monitor destroy`). */
export async function monitorsIn(netns: string): Promise<number[]> {
  const r = await systemExec("ip", ["netns", "pids", netns]);
  return r.stdout
    .split("\n")
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").startsWith("nft\0monitor");
      } catch {
        return false; // exited meanwhile
      }
    });
}

/** Waits for an asynchronous condition (waitFor's conditions are synchronous). */
export async function until(what: string, cond: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
