/**
 * `netguard cni install` and `netguard cni uninstall`: put the chained CNI plugin on this node (the
 * binary into the CNI bin directory, an entry last in the first network configuration list) or take
 * it off. Both are idempotent; the DaemonSet's init container runs `install` on every start.
 */
import type { NetguardEntry } from "../cni/conflist.js";
import {
  type CniFailure,
  DEFAULT_CNI_ENTRY,
  type InstallFs,
  installCni,
  uninstallCni,
} from "../cni/install.js";
import { nodeInstallFs } from "../cni/node-install-fs.js";
import { type CliIo, type ExitCode, UsageError } from "./io.js";

/** Defaults of the flags: the paths of a kubeadm/Flannel node and the plugin entry's defaults. */
export const CNI_DEFAULTS = {
  confDir: "/etc/cni/net.d",
  binDir: "/opt/cni/bin",
  agentSocket: DEFAULT_CNI_ENTRY.agentSocket,
  timeoutMs: String(DEFAULT_CNI_ENTRY.timeoutMs),
  logFile: DEFAULT_CNI_ENTRY.logFile,
} as const;

/** Options of `cni install` (strings as commander gives them). */
export interface CniInstallCliOptions {
  readonly confDir: string;
  readonly binDir: string;
  /** The plugin binary to copy (in the image: /opt/netguard/netguard-cni). */
  readonly binary?: string;
  /** Entry fields, as seen from the node: the plugin runs on the host, not in a container. */
  readonly agentSocket: string;
  readonly timeoutMs: string;
  readonly logFile: string;
}

/** Options of `cni uninstall`. */
export interface CniUninstallCliOptions {
  readonly confDir: string;
  readonly binDir: string;
}

/** Runs `cni install`; exit 1 when the configuration cannot take netguard, 2 on I/O problems. */
export async function runCniInstall(
  io: CliIo,
  opts: CniInstallCliOptions,
  fs: InstallFs = nodeInstallFs,
): Promise<ExitCode> {
  if (!opts.binary) throw new UsageError("cni install needs --binary <path>");
  const result = await installCni(fs, {
    confDir: opts.confDir,
    binDir: opts.binDir,
    binarySource: opts.binary,
    entry: entryOf(opts),
  });
  if (result.kind === "failed") return report(io, "install", result);
  for (const w of result.warnings) io.err(`netguard: warning: ${result.conflist}: ${w}\n`);
  const what = result.changed ? "netguard entry written to" : "netguard entry already in";
  io.err(`netguard: installed ${result.binary}; ${what} ${result.conflist}\n`);
  return 0;
}

/** Runs `cni uninstall`; exit 2 on I/O problems. */
export async function runCniUninstall(
  io: CliIo,
  opts: CniUninstallCliOptions,
  fs: InstallFs = nodeInstallFs,
): Promise<ExitCode> {
  const result = await uninstallCni(fs, { confDir: opts.confDir, binDir: opts.binDir });
  if (result.kind === "failed") return report(io, "uninstall", result);
  for (const w of result.warnings) io.err(`netguard: warning: ${w}\n`);
  const lists =
    result.edited.length > 0 ? `removed from ${result.edited.join(", ")}` : "in no CNI configuration list";
  const binary = result.binaryRemoved ? `deleted ${result.binary}` : `no ${result.binary} to delete`;
  io.err(`netguard: netguard entry ${lists}; ${binary}\n`);
  return 0;
}

function entryOf(opts: CniInstallCliOptions): NetguardEntry {
  const timeoutMs = Number(opts.timeoutMs);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new UsageError(
      `--timeout-ms: expected a positive whole number of milliseconds, got "${opts.timeoutMs}"`,
    );
  }
  // Fail closed: no flag turns failOpen on (house style 7).
  return {
    type: "netguard",
    agentSocket: opts.agentSocket,
    timeoutMs,
    failOpen: false,
    logFile: opts.logFile,
  };
}

function report(io: CliIo, command: string, f: CniFailure): ExitCode {
  io.err(`netguard: cni ${command}: ${f.error}\n`);
  return f.reason === "config" ? 1 : 2;
}
