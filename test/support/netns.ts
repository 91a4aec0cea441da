/**
 * Throwaway network namespaces for tests. Every name carries the prefix `ngt-` plus a random tag, and
 * every namespace is deleted in `finally`, also when the test fails (the suite's global teardown
 * fails the run if one remains).
 */
import { randomBytes } from "node:crypto";
import { systemExec } from "../../src/sys/exec.js";

/** A fresh, unique namespace name: `ngt-<random>-<label>`. */
export function testNetnsName(label = "x"): string {
  return `ngt-${randomBytes(4).toString("hex")}-${label}`;
}

/** Namespaces of this test file not deleted yet, removed by `deleteTestNetns` even after a timeout. */
const live = new Set<string>();

/** Deletes every namespace this test file created and has not deleted yet (an afterAll hook). */
export async function deleteTestNetns(): Promise<void> {
  for (const name of live) {
    await systemExec("ip", ["netns", "del", name]);
    live.delete(name);
  }
}

/** Creates a namespace, runs `fn` with its name, and always deletes it. */
export async function withNetns<T>(fn: (netns: string) => Promise<T>, label = "x"): Promise<T> {
  const name = testNetnsName(label);
  live.add(name);
  const add = await systemExec("ip", ["netns", "add", name]);
  if (add.code !== 0) {
    live.delete(name);
    throw new Error(`ip netns add ${name}: ${add.stderr}`);
  }
  try {
    return await fn(name);
  } finally {
    await systemExec("ip", ["netns", "del", name]);
    live.delete(name);
  }
}

/** Runs a command inside a namespace and fails the test on a non-zero exit. */
export async function nsRun(netns: string, cmd: string, args: string[], input?: string): Promise<string> {
  const r = await systemExec(
    "ip",
    ["netns", "exec", netns, cmd, ...args],
    input === undefined ? {} : { input },
  );
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} in ${netns}: ${r.stderr}`);
  return r.stdout;
}
