/**
 * Finding and removing a lab's network namespaces. A lab owns exactly the namespaces whose name
 * starts with `${id}-`; nothing else is ever listed, entered or deleted here.
 */
import type { Exec } from "../sys/exec.js";
import { checkLabId, labPrefix } from "./names.js";

/** Names of the lab's namespaces (`ip netns list`), sorted. */
export async function labNamespaces(exec: Exec, id: string): Promise<string[]> {
  checkLabId(id);
  const r = await exec("ip", ["netns", "list"]);
  if (r.code !== 0) throw new Error(`ip netns list failed: ${r.stderr.trim()}`);
  // Lines look like "name" or "name (id: 3)".
  const names = r.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0] ?? "")
    .filter((n) => n.startsWith(labPrefix(id)));
  return [...new Set(names)].sort();
}

/**
 * Deletes every namespace of lab `id`, first killing the processes still inside them (probe agents),
 * whose references would otherwise keep a deleted namespace and its veths alive. Idempotent.
 * Deleting a pod namespace also removes its veth's host end from the node, as a CNI DEL would.
 */
export async function destroyLab(exec: Exec, id: string): Promise<void> {
  const names = await labNamespaces(exec, id);
  if (names.length === 0) return;
  const pids = await exec("ip", ["-force", "-batch", "-"], {
    input: batch(names.map((n) => `netns pids ${n}`)),
  });
  const ids = pids.stdout.split(/\s+/).filter((p) => /^[0-9]+$/.test(p));
  if (ids.length > 0) await exec("kill", ["-KILL", ...new Set(ids)]); // a process may already be gone
  await exec("ip", ["-force", "-batch", "-"], { input: batch(names.map((n) => `netns delete ${n}`)) });
  const left = await labNamespaces(exec, id);
  if (left.length > 0) throw new Error(`destroyLab ${id}: could not delete ${left.join(", ")}`);
}

function batch(body: readonly string[]): string {
  return body.map((l) => `${l}\n`).join("");
}
