/**
 * The netguard CNI plugin, chained after Flannel (and portmap): ADD tells the agent about the new
 * sandbox and waits until its rules are in the kernel, then passes `prevResult` through unchanged;
 * DEL never fails; CHECK asks whether the sandbox is programmed; GC (CNI 1.1) hands the runtime's
 * valid attachments to the agent, which forgets every other sandbox; VERSION and STATUS per the spec.
 * Pure apart from the injected agent call and log, so it is tested without processes.
 */
import { CNI_CODES, cniError } from "./errors.js";
import { podAttachment } from "./prev-result.js";
import { type CniReply, DEFAULT_CNI_SOCKET } from "./protocol.js";

/** CNI spec versions this plugin implements (Flannel's conflist uses 0.3.1). */
export const SUPPORTED_VERSIONS = ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"] as const;

/** The plugin's edges. */
export interface PluginIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: string;
  call(
    socket: string,
    method: "GET" | "POST",
    path: string,
    body: unknown,
    timeoutMs: number,
  ): Promise<CniReply>;
  /** Appends one line to the log file (best effort). */
  log(file: string, line: string): void;
}

/** What to print and the exit status. */
export interface PluginOutput {
  readonly stdout: string;
  readonly code: number;
}

/** The plugin's own fields in the network configuration. */
interface NetguardConfig {
  readonly cniVersion: string;
  readonly prevResult?: unknown;
  readonly agentSocket: string;
  readonly timeoutMs: number;
  readonly failOpen: boolean;
  readonly logFile: string;
  readonly bridge: string;
  /** GC (CNI 1.1): `cni.dev/valid-attachments` (or its early name `cni.dev/attachments`). */
  readonly validAttachments?: unknown;
}

/** Records an outcome in the plugin's log file (`what` says why) and returns it unchanged. */
type Logged = (o: PluginOutput, what: string) => PluginOutput;

/** Runs one CNI command. */
export async function runPlugin(io: PluginIo): Promise<PluginOutput> {
  const command = io.env.CNI_COMMAND ?? "";
  const conf = parseConfig(io.stdin);
  if (typeof conf === "string") return fail("1.0.0", CNI_CODES.decodingFailure, conf);
  if (command === "VERSION")
    return out({ cniVersion: conf.cniVersion, supportedVersions: SUPPORTED_VERSIONS });
  if (!(SUPPORTED_VERSIONS as readonly string[]).includes(conf.cniVersion)) {
    return fail(
      conf.cniVersion,
      CNI_CODES.incompatibleVersion,
      `netguard supports CNI ${SUPPORTED_VERSIONS.join(", ")}, not ${conf.cniVersion}`,
    );
  }
  const logged = logTo(io, conf, command);
  switch (command) {
    case "ADD":
      return add(io, conf, logged);
    case "DEL":
      return del(io, conf, logged);
    case "CHECK":
      return check(io, conf, logged);
    case "STATUS":
      return status(io, conf, logged);
    case "GC":
      return gc(io, conf, logged);
    default:
      return fail(
        conf.cniVersion,
        CNI_CODES.invalidEnvironment,
        `unknown CNI_COMMAND ${JSON.stringify(command)}`,
      );
  }
}

/** One JSON line per logged outcome: time, command, container, exit status and why. */
function logTo(io: PluginIo, conf: NetguardConfig, command: string): Logged {
  return (o, what) => {
    io.log(
      conf.logFile,
      JSON.stringify({
        time: new Date().toISOString(),
        command,
        container: io.env.CNI_CONTAINERID,
        code: o.code,
        what,
      }),
    );
    return o;
  };
}

/** DEL (CNI spec: must not fail): tells the agent, briefly, and succeeds whatever it answers. */
async function del(io: PluginIo, conf: NetguardConfig, logged: Logged): Promise<PluginOutput> {
  const id = io.env.CNI_CONTAINERID;
  if (id)
    await io.call(conf.agentSocket, "POST", "/v1/del", { containerId: id }, Math.min(conf.timeoutMs, 2000));
  return logged({ stdout: "", code: 0 }, "deleted");
}

/** CHECK: fails unless the agent has programmed the sandbox. */
async function check(io: PluginIo, conf: NetguardConfig, logged: Logged): Promise<PluginOutput> {
  const id = io.env.CNI_CONTAINERID;
  if (!id)
    return logged(
      fail(conf.cniVersion, CNI_CODES.invalidEnvironment, "CNI_CONTAINERID is not set"),
      "no container id",
    );
  const r = await io.call(conf.agentSocket, "POST", "/v1/check", { containerId: id }, conf.timeoutMs);
  return r.ok
    ? { stdout: "", code: 0 }
    : logged(fail(conf.cniVersion, 100, "pod is not programmed by netguard", r.error), r.error);
}

/** STATUS (CNI 1.1): ready when the agent is. */
async function status(io: PluginIo, conf: NetguardConfig, logged: Logged): Promise<PluginOutput> {
  const r = await io.call(conf.agentSocket, "GET", "/v1/status", undefined, conf.timeoutMs);
  return r.ok
    ? { stdout: "", code: 0 }
    : logged(
        fail(conf.cniVersion, CNI_CODES.pluginNotAvailable, "netguard agent not ready", r.error),
        r.error,
      );
}

/** ADD: the agent programs the sandbox before the plugin passes `prevResult` on (unless failOpen). */
async function add(io: PluginIo, conf: NetguardConfig, logged: Logged): Promise<PluginOutput> {
  const v = conf.cniVersion;
  const id = io.env.CNI_CONTAINERID;
  if (!id)
    return logged(fail(v, CNI_CODES.invalidEnvironment, "CNI_CONTAINERID is not set"), "no container id");
  const args = new Map((io.env.CNI_ARGS ?? "").split(";").map((kv) => kv.split("=", 2) as [string, string]));
  const namespace = args.get("K8S_POD_NAMESPACE");
  const name = args.get("K8S_POD_NAME");
  if (!namespace || !name)
    return logged(
      fail(v, CNI_CODES.invalidEnvironment, "CNI_ARGS lacks K8S_POD_NAMESPACE or K8S_POD_NAME"),
      "no pod",
    );
  const att = podAttachment(conf.prevResult, conf.bridge);
  if (typeof att === "string") return logged(fail(v, CNI_CODES.invalidConfig, att), att);
  const uid = args.get("K8S_POD_UID");
  const body = {
    containerId: id,
    namespace,
    name,
    ips: att.ips,
    ...(att.hostVeth ? { hostVeth: att.hostVeth } : {}),
    ...(uid ? { podUid: uid } : {}),
  };
  const r = await io.call(conf.agentSocket, "POST", "/v1/add", body, conf.timeoutMs);
  const pass = out({ ...(conf.prevResult as object), cniVersion: v });
  if (r.ok) return logged(pass, `programmed ${namespace}/${name} ${att.ips.join(",")}`);
  if (conf.failOpen) return logged(pass, `failOpen: ${r.error}`);
  return logged(
    fail(v, CNI_CODES.tryAgainLater, `netguard could not program pod ${namespace}/${name}`, r.error),
    r.error,
  );
}

/**
 * GC (CNI spec 1.1): the agent forgets every sandbox not in `cni.dev/valid-attachments`. Without
 * the list, or with a malformed entry, nothing is collected (an error: forgetting a live sandbox
 * would lose its veth's anti-spoofing).
 */
async function gc(io: PluginIo, conf: NetguardConfig, logged: Logged): Promise<PluginOutput> {
  const v = conf.cniVersion;
  const list = conf.validAttachments;
  if (!Array.isArray(list))
    return logged(fail(v, CNI_CODES.decodingFailure, "GC without cni.dev/valid-attachments"), "gc: no list");
  const ids: string[] = [];
  for (const [i, e] of (list as unknown[]).entries()) {
    const id = typeof e === "object" && e !== null ? (e as Record<string, unknown>).containerID : undefined;
    if (typeof id !== "string" || id === "")
      return logged(
        fail(v, CNI_CODES.decodingFailure, `cni.dev/valid-attachments[${i}].containerID must be a string`),
        "gc: bad entry",
      );
    ids.push(id);
  }
  const body = { validContainerIds: [...new Set(ids)].sort() };
  const r = await io.call(conf.agentSocket, "POST", "/v1/gc", body, conf.timeoutMs);
  return r.ok
    ? logged({ stdout: "", code: 0 }, `gc: ${body.validContainerIds.length} valid`)
    : logged(fail(v, CNI_CODES.tryAgainLater, "netguard agent could not collect", r.error), r.error);
}

function parseConfig(stdin: string): NetguardConfig | string {
  let raw: unknown;
  try {
    raw = JSON.parse(stdin || "{}");
  } catch (e) {
    return `network configuration on stdin is not JSON: ${(e as Error).message}`;
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return "network configuration must be a JSON object";
  const o = raw as Record<string, unknown>;
  const str = (k: string, d: string) => (typeof o[k] === "string" && o[k] !== "" ? o[k] : d);
  return {
    cniVersion: str("cniVersion", "1.0.0"),
    ...(o.prevResult !== undefined ? { prevResult: o.prevResult } : {}),
    agentSocket: str("agentSocket", DEFAULT_CNI_SOCKET),
    timeoutMs: typeof o.timeoutMs === "number" && o.timeoutMs > 0 ? o.timeoutMs : 10_000,
    failOpen: o.failOpen === true,
    logFile: str("logFile", "/var/log/netguard-cni.log"),
    bridge: str("bridge", "cni0"),
    ...(o["cni.dev/valid-attachments"] !== undefined || o["cni.dev/attachments"] !== undefined
      ? { validAttachments: o["cni.dev/valid-attachments"] ?? o["cni.dev/attachments"] }
      : {}),
  };
}

function out(value: unknown): PluginOutput {
  return { stdout: `${JSON.stringify(value)}\n`, code: 0 };
}

function fail(cniVersion: string, code: number, msg: string, details?: string): PluginOutput {
  return { stdout: `${JSON.stringify(cniError(cniVersion, code, msg, details))}\n`, code: 1 };
}
