/**
 * A minimal container runtime's CNI side (CNI spec, "Network configuration lists"): it executes a
 * conflist's plugins in order for ADD — each gets the list's name and cniVersion and the previous
 * plugin's result as `prevResult` — and in reverse order for DEL, with the cached ADD result. A
 * failed ADD is followed by a DEL of the whole list, as runtimes do. Plugins run inside the node's
 * network namespace, the pod's namespace is passed as CNI_NETNS. GC (CNI 1.1) goes, as libcni sends
 * it, with `cni.dev/valid-attachments` to the plugins that support version 1.1.0 (Debian's bridge and
 * portmap do not).
 */
import { type Exec, inNetns } from "../../src/sys/exec.js";

export interface ConfList {
  readonly name: string;
  readonly cniVersion: string;
  readonly plugins: ReadonlyArray<Record<string, unknown> & { type: string }>;
}

export interface Attachment {
  readonly containerId: string;
  /** Path of the pod's network namespace, e.g. /var/run/netns/<name>. */
  readonly netnsPath: string;
  readonly ifname: string;
  readonly podNamespace: string;
  readonly podName: string;
}

export type CniOutcome =
  | { readonly ok: true; readonly result: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly plugin: string;
      readonly error: Record<string, unknown>;
      readonly code: number;
    };

export class CniRuntime {
  private readonly results = new Map<string, Record<string, unknown>>();

  constructor(
    private readonly exec: Exec,
    private readonly nodeNetns: string,
    private readonly pluginDirs: readonly string[],
  ) {}

  async add(conf: ConfList, a: Attachment): Promise<CniOutcome> {
    let prev: Record<string, unknown> | undefined;
    for (const plugin of conf.plugins) {
      const r = await this.run("ADD", conf, plugin, a, prev);
      if (!r.ok) {
        await this.del(conf, a);
        return r;
      }
      prev = r.result;
    }
    this.results.set(a.containerId, prev ?? {});
    return { ok: true, result: prev ?? {} };
  }

  async del(conf: ConfList, a: Attachment): Promise<CniOutcome[]> {
    const prev = this.results.get(a.containerId);
    const out: CniOutcome[] = [];
    for (const plugin of [...conf.plugins].reverse()) out.push(await this.run("DEL", conf, plugin, a, prev));
    this.results.delete(a.containerId);
    return out;
  }

  async check(conf: ConfList, a: Attachment): Promise<CniOutcome> {
    const prev = this.results.get(a.containerId);
    for (const plugin of conf.plugins) {
      const r = await this.run("CHECK", conf, plugin, a, prev);
      if (!r.ok) return r;
    }
    return { ok: true, result: prev ?? {} };
  }

  /** GC with the attachments still valid; the outcome of each 1.1.0-capable plugin. */
  async gc(conf: ConfList, valid: readonly Attachment[]): Promise<CniOutcome[]> {
    const out: CniOutcome[] = [];
    const list = valid.map((a) => ({ containerID: a.containerId, ifname: a.ifname }));
    for (const plugin of conf.plugins) {
      const versions = await this.run(
        "VERSION",
        { ...conf, cniVersion: "1.1.0" },
        plugin,
        undefined,
        undefined,
      );
      const supported = versions.ok ? (versions.result.supportedVersions as unknown[]) : [];
      if (!Array.isArray(supported) || !supported.includes("1.1.0")) continue;
      const gcPlugin = { ...plugin, "cni.dev/valid-attachments": list };
      out.push(await this.run("GC", { ...conf, cniVersion: "1.1.0" }, gcPlugin, undefined, undefined));
    }
    return out;
  }

  private async run(
    command: "ADD" | "DEL" | "CHECK" | "GC" | "VERSION",
    conf: ConfList,
    plugin: ConfList["plugins"][number],
    a: Attachment | undefined,
    prev: Record<string, unknown> | undefined,
  ): Promise<CniOutcome> {
    const config = {
      ...plugin,
      name: conf.name,
      cniVersion: conf.cniVersion,
      ...(prev ? { prevResult: prev } : {}),
    };
    const dir = this.pluginDirs[0] as string;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin",
      CNI_COMMAND: command,
      CNI_PATH: this.pluginDirs.join(":"),
      ...(a
        ? {
            CNI_CONTAINERID: a.containerId,
            CNI_NETNS: a.netnsPath,
            CNI_IFNAME: a.ifname,
            CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${a.podNamespace};K8S_POD_NAME=${a.podName};K8S_POD_INFRA_CONTAINER_ID=${a.containerId}`,
          }
        : {}),
    };
    const found = this.pluginDirs.map((d) => `${d}/${plugin.type}`);
    const bin = (await firstExisting(this.exec, found)) ?? `${dir}/${plugin.type}`;
    const r = await inNetns(this.exec, this.nodeNetns)(bin, [], {
      input: JSON.stringify(config),
      env,
      timeoutMs: 30_000,
    });
    let parsed: Record<string, unknown>;
    try {
      parsed = r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
    } catch {
      parsed = { msg: r.stdout, stderr: r.stderr };
    }
    if (r.code !== 0)
      return { ok: false, plugin: plugin.type, error: { ...parsed, stderr: r.stderr }, code: r.code };
    return { ok: true, result: parsed };
  }
}

async function firstExisting(exec: Exec, paths: readonly string[]): Promise<string | undefined> {
  for (const p of paths) if ((await exec("test", ["-x", p])).code === 0) return p;
  return undefined;
}
