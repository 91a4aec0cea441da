/**
 * The `netguard` command tree: wiring of the commands to their implementations.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { type CliIo, type ExitCode, UsageError } from "./io.js";
import { AGENT_FLAGS, type AgentCliOptions } from "./agent-flags.js";
import { runCleanup } from "./cleanup.js";
import {
  CNI_DEFAULTS,
  type CniInstallCliOptions,
  type CniUninstallCliOptions,
  runCniInstall,
  runCniUninstall,
} from "./cni-install.js";
import { type CompileOptions, runCompile } from "./compile.js";
import { type DiffOptions, runDiff } from "./diff.js";
import { type ExplainOptions, runExplain } from "./explain.js";
import { KUBE_VERSION_HELP } from "./kube-version.js";
import { type LabOptions, runLabApply, runLabDown, runLabProbe, runLabRun, runLabUp } from "./lab.js";
import { runSimulate, type SimulateOptions } from "./simulate.js";
import { runValidate, type ValidateCliOptions } from "./validate.js";

const collect = (v: string, acc: string[]) => [...acc, v];

/** Builds the command tree; `done` receives each command's exit status. */
export function buildProgram(io: CliIo, done: (code: ExitCode) => void): Command {
  const program = new Command("netguard")
    .description("Kubernetes NetworkPolicy enforcement for Flannel clusters")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .showHelpAfterError()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  program
    .command("simulate")
    .description(
      "dry-run: evaluate every ordered pair of pods and workloads in the input against its NetworkPolicies",
    )
    .argument("[inputs...]", "YAML/JSON files, directories (recursive) or - for stdin")
    .option(
      "-p, --port <port/proto>",
      "probe port, e.g. 80/TCP or 53/UDP (repeatable; default: every declared containerPort)",
      collect,
      [],
    )
    .option(
      "-f, --format <format>",
      "table, json, dot or mermaid (default: table on a terminal, json otherwise)",
    )
    .option("--from <ns|ns/pod|ns/Kind/name>", "only these sources (repeatable)", collect, [])
    .option("--to <ns|ns/pod|ns/Kind/name>", "only these destinations (repeatable)", collect, [])
    .option("--kubeconfig <file>", "read the live cluster (read-only) and lay the inputs over it")
    .option(
      "-g, --group-by <what>",
      "workload (one row per top-level owner or workload) or none (default: workload for the table when the input holds workloads)",
    )
    .option("-q, --quiet", "no progress on stderr (shown only on a terminal, for long runs)")
    .option("--kube-version <1.N>", KUBE_VERSION_HELP)
    .action(async (inputs: string[], opts: SimulateOptions) => done(await runSimulate(io, inputs, opts)));
  program
    .command("validate")
    .description("validate NetworkPolicy manifests for CI: API-server checks (errors) and lints (warnings)")
    .argument(
      "<inputs...>",
      "YAML/JSON files, directories (recursive) or - for stdin (Helm/kustomize output works)",
    )
    .option("-f, --format <format>", "text, json, sarif or github", "text")
    .option("--strict", "warnings fail too")
    .option(
      "--kube-version <1.N>",
      "the Kubernetes release whose API server to mirror (default: the newest tracked)",
    )
    .option("--cluster <inputs>", "Pods/Namespaces/Nodes for cluster-aware lints (repeatable)", collect, [])
    .option(
      "--kubeconfig <file>",
      "read Pods, Namespaces and Nodes from the live cluster (read-only) for cluster-aware lints",
    )
    .action(async (inputs: string[], opts: ValidateCliOptions) => done(await runValidate(io, inputs, opts)));
  program
    .command("explain")
    .description("explain one connection: the verdict and which policy and rule allowed it, or that none did")
    .argument("[inputs...]", "YAML/JSON files, directories (recursive) or - for stdin")
    .requiredOption("--from <endpoint>", "source: namespace/pod, namespace/Kind/name or an IP address")
    .requiredOption("--to <endpoint>", "destination: namespace/pod, namespace/Kind/name or an IP address")
    .requiredOption("-p, --port <port/proto>", "destination port, e.g. 80/TCP")
    .option("-f, --format <format>", "text or json", "text")
    .option("--kubeconfig <file>", "read the live cluster (read-only) and lay the inputs over it")
    .option("--kube-version <1.N>", KUBE_VERSION_HELP)
    .action(async (inputs: string[], opts: ExplainOptions) => done(await runExplain(io, inputs, opts)));
  program
    .command("diff")
    .description("the connections a change opens or closes, grouped by namespace and workload")
    .option("--before <inputs...>", "the current manifests (files, directories or -)")
    .option("--kubeconfig <file>", "the live cluster (read-only) as the base of both sides")
    .requiredOption("--after <inputs...>", "the changed manifests")
    .option(
      "-p, --port <port/proto>",
      "port to compare (repeatable; default: every declared containerPort)",
      collect,
      [],
    )
    .option("-f, --format <format>", "text, json or markdown (for a pull-request comment)", "text")
    .option("--fail-on <what>", "exit 1 when connections are newly denied (denied) or change at all (any)")
    .option("--kube-version <1.N>", KUBE_VERSION_HELP)
    .action(async (opts: DiffOptions) => done(await runDiff(io, opts)));
  program
    .command("compile")
    .description("print the nft script netguard would apply on one node (needs no root)")
    .argument("<inputs...>", "YAML/JSON files, directories (recursive) or - for stdin")
    .requiredOption("-n, --node <name>", "the node to compile for (its pods' spec.nodeName)")
    .option("-f, --format <format>", "nft (the exact script) or ir (the compiler's readable rules)", "nft")
    .option("--kube-version <1.N>", KUBE_VERSION_HELP)
    .action(async (inputs: string[], opts: CompileOptions) => done(await runCompile(io, inputs, opts)));
  const agentCmd = program
    .command("agent")
    .description("run the node agent: watch the Kubernetes API and enforce NetworkPolicies on this node")
    .option("--cleanup", "remove netguard's nft tables and exit");
  for (const [key, f] of Object.entries(AGENT_FLAGS)) {
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} <value>`;
    const fallback = process.env[f.env] ?? ("default" in f ? f.default : undefined);
    agentCmd.option(flag, `${f.help} [env ${f.env}]`, fallback);
  }
  agentCmd.action(async (opts: AgentCliOptions) => {
    // Loaded on use: the agent pulls in the Kubernetes client, which the other commands never need.
    const { runAgent } = await import("./agent.js");
    done(await runAgent(io, opts));
  });
  program
    .command("cleanup")
    .description("remove netguard's nft tables (inet netguard, bridge netguard) and nothing else")
    .option("--netns <name>", "act inside this network namespace")
    .action(async (opts: { netns?: string }) => done(await runCleanup(io, opts)));
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
  const lab = program
    .command("lab")
    .description(
      "a Flannel-like cluster in network namespaces, proving enforcement with real packets (root)",
    );
  const portOpt = [
    "-p, --port <port/proto>",
    "probe port (repeatable; default: every declared containerPort)",
  ] as const;
  lab
    .command("run")
    .description(
      "build a lab from the input, enforce its policies, probe every pod pair, compare with the evaluator, tear down",
    )
    .argument("<inputs...>", "YAML/JSON files, directories or - for stdin")
    .option(...portOpt, collect, [])
    .option("-f, --format <format>", "table or json (default: table on a terminal, json otherwise)")
    .option("--timeout <ms>", "probe timeout in milliseconds", "800")
    .action(async (inputs: string[], opts: LabOptions) => done(await runLabRun(io, inputs, opts)));
  lab
    .command("up")
    .description("build a lab and enforce the input's policies; leave it running and print its id")
    .argument("<inputs...>", "YAML/JSON files, directories or - for stdin")
    .option(...portOpt, collect, [])
    .action(async (inputs: string[], opts: LabOptions) => done(await runLabUp(io, inputs, opts)));
  lab
    .command("apply")
    .description("re-enforce changed policies and labels on a running lab")
    .argument("<inputs...>", "YAML/JSON files, directories or - for stdin")
    .option("--lab <id>", "the lab (default: the only one up)")
    .action(async (inputs: string[], opts: LabOptions) => done(await runLabApply(io, inputs, opts)));
  lab
    .command("probe")
    .description("probe every pod pair of a running lab and compare with the evaluator")
    .option("--lab <id>", "the lab (default: the only one up)")
    .option(...portOpt, collect, [])
    .option("-f, --format <format>", "table or json")
    .option("--timeout <ms>", "probe timeout in milliseconds", "800")
    .action(async (opts: LabOptions) => done(await runLabProbe(io, opts)));
  lab
    .command("down")
    .description("remove a running lab")
    .option("--lab <id>", "the lab (default: the only one up)")
    .action(async (opts: LabOptions) => done(await runLabDown(io, opts)));
  return program;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** Runs the CLI with the given arguments and returns the exit status. */
export async function runCli(io: CliIo, argv: readonly string[]): Promise<ExitCode> {
  let code: ExitCode = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      io.err(`netguard: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  return code;
}
