/**
 * Puts the netguard CNI plugin on a node and takes it off again: the binary into the CNI bin
 * directory and an entry into the network configuration list the container runtime uses. Every file
 * is replaced atomically (written under a temporary name in the same directory, then renamed), so
 * the runtime never reads half a file. The file system is injected.
 */
import { compareStrings } from "../base/compare.js";
import { hasNetguard, installNetguard, type NetguardEntry, uninstallNetguard } from "./conflist.js";
import { DEFAULT_CNI_SOCKET } from "./protocol.js";

/** The file-system operations installing needs. Paths are absolute. */
export interface InstallFs {
  readFile(path: string): Promise<string>;
  /** Creates or truncates `path` with `text` and `mode`, flushed to disk. Not atomic by itself. */
  writeFile(path: string, text: string, mode: number): Promise<void>;
  /** Copies `from` to `to` (created or truncated), flushed to disk. */
  copyFile(from: string, to: string): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
  /** Replaces `to` with `from` in one step (rename(2)). */
  rename(from: string, to: string): Promise<void>;
  /** Entry names of a directory. */
  readdir(path: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
  unlink(path: string): Promise<void>;
}

/** The plugin configuration netguard's CNI plugin reads (fail closed: `failOpen` false). */
export const DEFAULT_CNI_ENTRY = {
  type: "netguard",
  agentSocket: DEFAULT_CNI_SOCKET,
  timeoutMs: 10000,
  failOpen: false,
  logFile: "/var/log/netguard-cni.log",
} as const satisfies NetguardEntry;

/** Where to install, from what. */
export interface CniInstallOptions {
  readonly confDir: string;
  readonly binDir: string;
  /** The plugin binary to copy to `<binDir>/netguard`. */
  readonly binarySource: string;
  readonly entry?: NetguardEntry;
}

/** A refusal (`config`: the configuration cannot take netguard) or a file-system failure (`io`). */
export interface CniFailure {
  readonly kind: "failed";
  readonly reason: "config" | "io";
  readonly error: string;
}

/** What `installCni` did. `changed` is false when the configuration already had this entry. */
export type CniInstallResult =
  | {
      readonly kind: "installed";
      readonly binary: string;
      readonly conflist: string;
      readonly changed: boolean;
      readonly warnings: readonly string[];
    }
  | CniFailure;

/** What `uninstallCni` did: the configuration files edited and whether a binary was removed. */
export type CniUninstallResult =
  | {
      readonly kind: "uninstalled";
      readonly edited: readonly string[];
      readonly binary: string;
      readonly binaryRemoved: boolean;
      readonly warnings: readonly string[];
    }
  | CniFailure;

/** Extensions of the files libcni reads as network configurations (`ConfFiles`). */
const CONF_EXTENSIONS = [".conflist", ".conf", ".json"];

/** The binary's name in the bin directory: the runtime executes the plugin named by `type`. */
export const PLUGIN_BINARY = "netguard";

/**
 * Installs the plugin: validates the edit first, then copies the binary, then chains the entry into
 * the first configuration by name order (the one containerd and CRI-O use). The binary goes in
 * before the configuration names it, so the runtime never calls a missing plugin.
 */
export async function installCni(fs: InstallFs, opts: CniInstallOptions): Promise<CniInstallResult> {
  const entry = opts.entry ?? DEFAULT_CNI_ENTRY;
  return guard(async () => {
    if (!(await fs.exists(opts.binarySource))) {
      return failed("io", `${opts.binarySource}: the plugin binary does not exist`);
    }
    const conflist = await firstConfig(fs, opts.confDir);
    if (conflist === undefined) {
      return failed(
        "config",
        `${opts.confDir}: no network configuration (*.conflist, *.conf, *.json); is Flannel running on this node?`,
      );
    }
    if (!conflist.endsWith(".conflist")) {
      return failed(
        "config",
        `${conflist}: the runtime reads *.conf and *.json files as a single plugin, and netguard is a chained plugin: convert it to a configuration list named *.conflist`,
      );
    }
    const edit = installNetguard(await fs.readFile(conflist), entry);
    if ("error" in edit) return failed("config", `${conflist}: ${edit.error}`);
    const binary = join(opts.binDir, PLUGIN_BINARY);
    await replaceAtomically(fs, binary, async (tmp) => {
      await fs.copyFile(opts.binarySource, tmp);
      await fs.chmod(tmp, 0o755);
    });
    if (edit.changed) await replaceAtomically(fs, conflist, (tmp) => fs.writeFile(tmp, edit.text, 0o644));
    return { kind: "installed", binary, conflist, changed: edit.changed, warnings: edit.warnings };
  });
}

/**
 * Puts netguard back into the first configuration list when it is missing there — Flannel's own
 * install step rewrites its conflist whenever a Flannel pod starts. An entry that is present is
 * left exactly as the operator installed it. Returns whether the file was changed.
 */
export async function ensureChained(
  fs: InstallFs,
  confDir: string,
  entry: NetguardEntry = DEFAULT_CNI_ENTRY,
): Promise<{ readonly kind: "ok"; readonly conflist?: string; readonly changed: boolean } | CniFailure> {
  return guard(async () => {
    const conflist = await firstConfig(fs, confDir);
    if (conflist === undefined || !conflist.endsWith(".conflist"))
      return { kind: "ok" as const, changed: false };
    const text = await fs.readFile(conflist);
    if (hasNetguard(text)) return { kind: "ok" as const, conflist, changed: false };
    const edit = installNetguard(text, entry);
    if ("error" in edit) return failed("config", `${conflist}: ${edit.error}`);
    if (edit.changed) await replaceAtomically(fs, conflist, (tmp) => fs.writeFile(tmp, edit.text, 0o644));
    return { kind: "ok" as const, conflist, changed: edit.changed };
  });
}

/**
 * Removes the plugin: the netguard entry from every configuration list in `confDir` that has one
 * (not only the first: which file sorts first may have changed since the install), then the binary,
 * so no configuration names a missing plugin. Files that cannot be parsed are left alone, with a
 * warning when they mention netguard.
 */
export async function uninstallCni(
  fs: InstallFs,
  opts: { readonly confDir: string; readonly binDir: string },
): Promise<CniUninstallResult> {
  return guard(async () => {
    const edited: string[] = [];
    const warnings: string[] = [];
    const configs = (await fs.exists(opts.confDir)) ? await configFiles(fs, opts.confDir) : [];
    for (const path of configs) {
      const text = await fs.readFile(path);
      const edit = uninstallNetguard(text);
      if ("error" in edit) {
        if (text.includes(`"${PLUGIN_BINARY}"`)) warnings.push(`${path}: not edited: ${edit.error}`);
        continue;
      }
      if (!edit.changed) continue;
      warnings.push(...edit.warnings.map((w) => `${path}: ${w}`));
      await replaceAtomically(fs, path, (tmp) => fs.writeFile(tmp, edit.text, 0o644));
      edited.push(path);
    }
    const binary = join(opts.binDir, PLUGIN_BINARY);
    const binaryRemoved = await fs.exists(binary);
    if (binaryRemoved) await fs.unlink(binary);
    const staleTmp = tempPath(binary);
    if (await fs.exists(staleTmp)) await fs.unlink(staleTmp);
    return { kind: "uninstalled", edited, binary, binaryRemoved, warnings };
  });
}

/** The configuration files of `dir` in the order libcni's `ConfFiles` + `sort.Strings` give them. */
async function configFiles(fs: InstallFs, dir: string): Promise<string[]> {
  return (await fs.readdir(dir))
    .filter((name) => CONF_EXTENSIONS.some((ext) => name.endsWith(ext)))
    .sort(compareStrings)
    .map((name) => join(dir, name));
}

async function firstConfig(fs: InstallFs, dir: string): Promise<string | undefined> {
  if (!(await fs.exists(dir))) return undefined;
  return (await configFiles(fs, dir))[0];
}

/**
 * Writes `path` through a temporary file in the same directory and renames it into place. The
 * temporary name starts with a dot and ends in `.netguard-tmp`, an extension the runtime ignores.
 */
async function replaceAtomically(
  fs: InstallFs,
  path: string,
  write: (tmp: string) => Promise<void>,
): Promise<void> {
  const tmp = tempPath(path);
  try {
    await write(tmp);
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.unlink(tmp).catch(() => undefined);
    throw e;
  }
}

function tempPath(path: string): string {
  const slash = path.lastIndexOf("/");
  return `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.netguard-tmp`;
}

function join(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, "")}/${name}`;
}

function failed(reason: CniFailure["reason"], error: string): CniFailure {
  return { kind: "failed", reason, error };
}

/** File-system exceptions become `io` failures: the node's state is input, not a bug. */
async function guard<T>(run: () => Promise<T | CniFailure>): Promise<T | CniFailure> {
  try {
    return await run();
  } catch (e) {
    return failed("io", e instanceof Error ? e.message : String(e));
  }
}
