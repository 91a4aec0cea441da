/**
 * `netguard cni install|uninstall`: chains the CNI plugin into the node's CNI configuration, or removes it.
 */
import type { Command } from "commander";
import {
  CNI_DEFAULTS,
  type CniInstallCliOptions,
  type CniUninstallCliOptions,
  runCniInstall,
  runCniUninstall,
} from "../cni-install.js";
import type { CommandContext } from "./command.js";

/** Registers `cni` with its subcommands `install` and `uninstall`. */
export function registerCni(program: Command, { io, done }: CommandContext): void {
  const cni = program.command("cni").description("install or remove the chained CNI plugin on this node");
  cni
    .command("install")
    .description(
      "copy the plugin to <bin-dir>/netguard and chain it last in the first CNI configuration list",
    )
    .option("--conf-dir <dir>", "CNI configuration directory", CNI_DEFAULTS.confDir)
    .option("--bin-dir <dir>", "CNI plugin directory", CNI_DEFAULTS.binDir)
    .requiredOption("--binary <path>", "the netguard-cni binary to install")
    .option("--agent-socket <path>", "the agent's socket, as a path on the node", CNI_DEFAULTS.agentSocket)
    .option("--timeout-ms <ms>", "how long ADD waits for the agent", CNI_DEFAULTS.timeoutMs)
    .option("--log-file <path>", "the plugin's log file on the node", CNI_DEFAULTS.logFile)
    .action(async (opts: CniInstallCliOptions) => done(await runCniInstall(io, opts)));
  cni
    .command("uninstall")
    .description("remove the plugin from every CNI configuration list, then delete <bin-dir>/netguard")
    .option("--conf-dir <dir>", "CNI configuration directory", CNI_DEFAULTS.confDir)
    .option("--bin-dir <dir>", "CNI plugin directory", CNI_DEFAULTS.binDir)
    .action(async (opts: CniUninstallCliOptions) => done(await runCniUninstall(io, opts)));
}
