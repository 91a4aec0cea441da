/**
 * A Flannel-like cluster in network namespaces on one Linux host: a "wire" namespace as the underlay
 * L2 segment, one namespace per node (eth0, cni0 bridge, flannel.1 VXLAN with Flannel's routes,
 * neighbours and FDB entries) and one per pod (veth to the node's cni0). Sealed: the host namespace
 * gains no interface. Commands go through the injected Exec.
 */
import { randomBytes } from "node:crypto";
import type { Exec } from "../sys/exec.js";
import { inNetns } from "../sys/exec.js";
import type { Lab } from "./lab.js";
import { checkLabId } from "./names.js";
import { destroyLab, labNamespaces } from "./netns.js";
import { type LabStep, planLab } from "./plan.js";
import { type LabSpec, validateLabSpec } from "./spec.js";

export type { Lab, LabNode, LabPod } from "./lab.js";
export { destroyLab, labNamespaces } from "./netns.js";

/** A fresh lab id: "ngl" + 6 random hex digits. Namespace names are `${id}-…`; no `-` in the id. */
export function newLabId(): string {
  return `ngl${randomBytes(3).toString("hex")}`;
}

/**
 * Builds the lab a spec describes under namespaces `${id}-*`. Rejects an invalid spec and an id whose
 * namespaces already exist (they are not this call's to remove) before creating anything; on any
 * later failure deletes everything it created, then rethrows.
 */
export async function buildLab(exec: Exec, spec: LabSpec, id: string): Promise<Lab> {
  checkLabId(id);
  const problems = validateLabSpec(spec);
  if (problems.length > 0) throw new Error(`invalid lab spec:\n  ${problems.join("\n  ")}`);
  const existing = await labNamespaces(exec, id);
  if (existing.length > 0) throw new Error(`lab ${id} already has namespaces: ${existing.join(", ")}`);
  const plan = planLab(spec, id);
  try {
    for (const step of plan.steps) await runStep(exec, step);
  } catch (err) {
    const cleanup = await destroyLab(exec, id).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (cleanup !== undefined) {
      throw new Error(`${message(err)}; and cleaning up failed: ${message(cleanup)}`, { cause: err });
    }
    throw err;
  }
  return plan.lab;
}

/** Runs one planned step; a non-zero exit is an error naming the step and what the program said. */
export async function runStep(exec: Exec, step: LabStep): Promise<void> {
  const r = await inNetns(exec, step.netns)(step.cmd, step.args, { input: step.input, timeoutMs: 30_000 });
  if (r.code !== 0) {
    const where = step.netns ? ` in ${step.netns}` : "";
    const detail = (r.stderr.trim() || r.stdout.trim()).slice(0, 2000);
    throw new Error(
      `lab step failed${where}: ${step.cmd} ${step.args.join(" ")} (exit ${r.code}): ${detail}`,
    );
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
