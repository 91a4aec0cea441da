/**
 * `netguard lab run|up|apply|probe|down`: a Flannel-like cluster in network namespaces on this box,
 * enforcing the input's NetworkPolicies with the agent's own compile → render → apply path, and
 * proving the result with real TCP connections and UDP echoes. Needs root, `ip` and `nft`.
 */
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Snapshot } from "../k8s/model.js";
import { labFromSnapshot } from "../lab/from-snapshot.js";
import type { Lab } from "../lab/lab.js";
import { systemSpawnInNetns } from "../lab/agent-process.js";
import { startAgents } from "../lab/prober.js";
import { bindSnapshotToLab, LabEnforcer, type LabMatrix, probeMatrix } from "../lab/session.js";
import { buildLab, destroyLab, newLabId } from "../lab/topology.js";
import { loadSnapshot } from "../load/sources.js";
import { systemExec } from "../sys/exec.js";
import { type CliIo, type ExitCode, UsageError } from "./io.js";
import { formatMatrixTable } from "./matrix-table.js";
import { declaredPorts, parseProbePort, type ProbePort, sortPorts } from "./probe-port.js";
import { reportIssues } from "./report-issues.js";

/** Options shared by the lab commands. */
export interface LabOptions {
  readonly port?: readonly string[];
  readonly format?: string;
  readonly lab?: string;
  readonly timeout?: string;
}

interface LabState {
  readonly lab: Lab;
  readonly inputs: readonly string[];
}

const stateDir = () => process.env.NETGUARD_LAB_DIR ?? "/run/netguard-lab";

async function requirements(): Promise<void> {
  if (process.getuid?.() !== 0) throw new UsageError("the lab needs root (network namespaces and nft)");
  for (const [cmd, args] of [
    ["ip", ["-V"]],
    ["nft", ["--version"]],
  ] as const) {
    const r = await systemExec(cmd, args);
    if (r.code !== 0)
      throw new UsageError(`the lab needs \`${cmd}\` (install iproute2 and nftables): ${r.stderr.trim()}`);
  }
}

async function loadInputs(
  io: CliIo,
  inputs: readonly string[],
): Promise<{ snapshot: Snapshot; failed: boolean }> {
  if (inputs.length === 0) throw new UsageError("give at least one file, directory or - for stdin");
  const { snapshot, issues } = await loadSnapshot(io.fs, inputs);
  return { snapshot, failed: reportIssues(io, issues) };
}

function probePorts(opts: LabOptions, snapshot: Snapshot): ProbePort[] {
  const requested = (opts.port ?? []).map(parseProbePort);
  return requested.length > 0 ? sortPorts(requested) : declaredPorts(snapshot);
}

/** `lab run`: build, enforce, probe, print, tear down. Exit 1 on any mismatch. */
export async function runLabRun(io: CliIo, inputs: readonly string[], opts: LabOptions): Promise<ExitCode> {
  await requirements();
  const { snapshot, failed } = await loadInputs(io, inputs);
  const ports = probePorts(opts, snapshot);
  const plan = labFromSnapshot(snapshot, ports);
  for (const s of plan.skipped)
    io.err(`lab: pod ${s.pod} is not a policy target (${s.reason}); not placed in the lab\n`);
  const id = newLabId();
  const onSignal = () => void destroyLab(systemExec, id).finally(() => process.exit(130));
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  try {
    const lab = await buildLab(systemExec, plan.spec, id);
    await new LabEnforcer(systemExec, lab).enforce(plan.snapshot);
    const matrix = await probeWith(lab, plan.snapshot, ports, opts);
    printMatrix(io, matrix, opts.format);
    return matrix.mismatches > 0 || failed ? 1 : 0;
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await destroyLab(systemExec, id);
  }
}

/** `lab up`: build and enforce, leave it running; prints the lab id. */
export async function runLabUp(io: CliIo, inputs: readonly string[], opts: LabOptions): Promise<ExitCode> {
  await requirements();
  const { snapshot, failed } = await loadInputs(io, inputs);
  const plan = labFromSnapshot(snapshot, probePorts(opts, snapshot));
  const id = newLabId();
  try {
    const lab = await buildLab(systemExec, plan.spec, id);
    await new LabEnforcer(systemExec, lab).enforce(plan.snapshot);
    await mkdir(stateDir(), { recursive: true });
    await writeFile(
      `${stateDir()}/${id}.json`,
      JSON.stringify({ lab, inputs: absolute(inputs) } satisfies LabState),
    );
  } catch (e) {
    await destroyLab(systemExec, id);
    throw e;
  }
  io.out(`${id}\n`);
  return failed ? 1 : 0;
}

/** `lab apply`: re-enforce changed policies and labels on a running lab (same pods). */
export async function runLabApply(io: CliIo, inputs: readonly string[], opts: LabOptions): Promise<ExitCode> {
  await requirements();
  const state = await readState(opts.lab);
  const { snapshot, failed } = await loadInputs(io, inputs);
  const bound = bindSnapshotToLab(snapshot, state.lab);
  for (const d of bound.dropped)
    io.err(`lab: pod ${d} is not in lab ${state.lab.id}; ignored (pods are fixed when the lab is built)\n`);
  await new LabEnforcer(systemExec, state.lab).enforce(bound.snapshot);
  await writeFile(
    `${stateDir()}/${state.lab.id}.json`,
    JSON.stringify({ lab: state.lab, inputs: absolute(inputs) } satisfies LabState),
  );
  return failed ? 1 : 0;
}

/** `lab probe`: probe a running lab against the inputs it last enforced. */
export async function runLabProbe(io: CliIo, opts: LabOptions): Promise<ExitCode> {
  await requirements();
  const state = await readState(opts.lab);
  const { snapshot, failed } = await loadInputs(io, state.inputs);
  const bound = bindSnapshotToLab(snapshot, state.lab).snapshot;
  const matrix = await probeWith(state.lab, bound, probePorts(opts, bound), opts);
  printMatrix(io, matrix, opts.format);
  return matrix.mismatches > 0 || failed ? 1 : 0;
}

/** `lab down`: remove a lab's namespaces (only those) and its state. */
export async function runLabDown(io: CliIo, opts: LabOptions): Promise<ExitCode> {
  await requirements();
  const state = await readState(opts.lab);
  await destroyLab(systemExec, state.lab.id);
  await rm(`${stateDir()}/${state.lab.id}.json`, { force: true });
  io.err(`lab ${state.lab.id} removed\n`);
  return 0;
}

async function probeWith(
  lab: Lab,
  snapshot: Snapshot,
  ports: ProbePort[],
  opts: LabOptions,
): Promise<LabMatrix> {
  const timeoutMs = opts.timeout ? Number(opts.timeout) : 800;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 50 || timeoutMs > 10_000)
    throw new UsageError("--timeout must be 50-10000 ms");
  const prober = await startAgents(systemSpawnInNetns, lab, { timeoutMs });
  try {
    return await probeMatrix(prober, snapshot, ports, { timeoutMs });
  } finally {
    await prober.close();
  }
}

async function readState(id: string | undefined): Promise<LabState> {
  let name = id;
  if (!name) {
    const all = (await readdir(stateDir()).catch(() => [] as string[])).filter((f) => f.endsWith(".json"));
    if (all.length !== 1) throw new UsageError(`name the lab with --lab (${all.length} labs are up)`);
    name = (all[0] as string).slice(0, -".json".length);
  }
  if (!/^[a-z0-9]+$/.test(name)) throw new UsageError(`--lab ${name}: not a lab id`);
  const text = await readFile(`${stateDir()}/${name}.json`, "utf8").catch(() => undefined);
  if (!text) throw new UsageError(`no lab ${name} is up (state in ${stateDir()})`);
  return JSON.parse(text) as LabState;
}

function absolute(inputs: readonly string[]): string[] {
  return inputs.map((i) => (i === "-" ? i : resolve(i)));
}

function printMatrix(io: CliIo, m: LabMatrix, format: string | undefined): void {
  const f = format ?? (io.stdoutIsTTY ? "table" : "json");
  if (f === "json") {
    io.out(`${JSON.stringify(m)}\n`);
    return;
  }
  const table = formatMatrixTable(m, (r) =>
    !r || r.allowed === undefined ? "?" : r.allowed === r.expected ? (r.allowed ? "." : "X") : "!",
  );
  io.out(
    `${table}\n. allowed  X denied  ! differs from the evaluator  ? skipped\nmismatches: ${m.mismatches}, skipped: ${m.skipped}\n`,
  );
}
