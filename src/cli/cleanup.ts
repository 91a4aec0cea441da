/**
 * `netguard cleanup [--netns <name>]`: removes netguard's own tables (`inet netguard`,
 * `bridge netguard`) and nothing else. Idempotent.
 */
import { Datapath } from "../datapath/datapath.js";
import { execBackend } from "../nft/backend.js";
import { systemExec } from "../sys/exec.js";
import type { CliIo, ExitCode } from "./io.js";

/** Runs `cleanup`; exit 1 when nft refused. */
export async function runCleanup(io: CliIo, opts: { readonly netns?: string }): Promise<ExitCode> {
  const r = await new Datapath(execBackend(systemExec, opts.netns ? { netns: opts.netns } : {})).cleanup();
  if (r.kind === "failed") {
    io.err(`netguard: removing netguard's tables failed: ${r.error}\n`);
    return 1;
  }
  io.err("netguard: tables inet netguard and bridge netguard removed\n");
  return 0;
}
