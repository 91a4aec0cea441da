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

/** Creates a namespace, runs `fn` with its name, and always deletes it. */
export async function withNetns<T>(fn: (netns: string) => Promise<T>, label = "x"): Promise<T> {
  const name = testNetnsName(label);
  const add = await systemExec("ip", ["netns", "add", name]);
  if (add.code !== 0) throw new Error(`ip netns add ${name}: ${add.stderr}`);
  try {
    return await fn(name);
  } finally {
    await systemExec("ip", ["netns", "del", name]);
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
