import { mkdtemp, mkdir, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCniInstall, runCniUninstall, CNI_DEFAULTS } from "../cli/cni-install.js";
import type { CliIo } from "../cli/io.js";
import { DEFAULT_CNI_ENTRY, ensureChained, type InstallFs, installCni, uninstallCni } from "./install.js";
import { parseJson } from "../../test/support/json.js";
import { promised } from "../../test/support/promised.js";
import { nodeInstallFs } from "./node-install-fs.js";

/** A CNI network configuration list, as far as these tests read it. */
interface Conflist {
  readonly plugins: readonly { readonly type: string }[];
}

const FLANNEL = `${JSON.stringify(
  {
    name: "cbr0",
    cniVersion: "0.3.1",
    plugins: [
      { type: "flannel", delegate: { hairpinMode: true, isDefaultGateway: true } },
      { type: "portmap", capabilities: { portMappings: true } },
    ],
  },
  null,
  2,
)}\n`;

const CONF = "/etc/cni/net.d";
const BIN = "/opt/cni/bin";
const SOURCE = "/opt/netguard/netguard-cni";

/** An in-memory file system that logs every mutation and can be told to fail one. */
class MemoryFs implements InstallFs {
  readonly files = new Map<string, { data: string; mode: number }>();
  readonly dirs = new Set<string>();
  readonly log: string[] = [];
  failOn: ((op: string, path: string) => boolean) | undefined;

  constructor(files: Record<string, string>, dirs: string[] = []) {
    for (const [path, data] of Object.entries(files)) this.files.set(path, { data, mode: 0o644 });
    for (const d of dirs) this.dirs.add(d);
  }
  private mutate(op: string, path: string, detail = ""): void {
    if (this.failOn?.(op, path)) throw new Error(`${op} ${path}: ENOSPC: no space left on device`);
    this.log.push(`${op} ${path}${detail}`);
  }
  text(path: string): string | undefined {
    return this.files.get(path)?.data;
  }
  readFile(path: string) {
    return promised(() => {
      const f = this.files.get(path);
      if (!f) throw new Error(`ENOENT: ${path}`);
      return f.data;
    });
  }
  writeFile(path: string, text: string, mode: number) {
    return promised(() => {
      this.mutate("writeFile", path);
      this.files.set(path, { data: text, mode });
    });
  }
  async copyFile(from: string, to: string) {
    this.mutate("copyFile", to, ` <- ${from}`);
    this.files.set(to, { data: await this.readFile(from), mode: 0o644 });
  }
  chmod(path: string, mode: number) {
    return promised(() => {
      this.mutate("chmod", path, ` ${mode.toString(8)}`);
      const f = this.files.get(path);
      if (!f) throw new Error(`ENOENT: ${path}`);
      f.mode = mode;
    });
  }
  rename(from: string, to: string) {
    return promised(() => {
      this.mutate("rename", to, ` <- ${from}`);
      const f = this.files.get(from);
      if (!f) throw new Error(`ENOENT: ${from}`);
      this.files.delete(from);
      this.files.set(to, f);
    });
  }
  readdir(path: string) {
    const prefix = `${path}/`;
    const names = [...this.files.keys(), ...this.dirs]
      .filter((p) => p.startsWith(prefix))
      .map((p) => p.slice(prefix.length).split("/")[0] as string);
    return Promise.resolve([...new Set(names)]);
  }
  async exists(path: string) {
    return this.files.has(path) || this.dirs.has(path) || (await this.readdir(path)).length > 0;
  }
  unlink(path: string) {
    return promised(() => {
      this.mutate("unlink", path);
      if (!this.files.delete(path)) throw new Error(`ENOENT: ${path}`);
    });
  }
}

function flannelNode(extra: Record<string, string> = {}): MemoryFs {
  return new MemoryFs({ [`${CONF}/10-flannel.conflist`]: FLANNEL, [SOURCE]: "ELF plugin", ...extra }, [BIN]);
}

const OPTS = { confDir: CONF, binDir: BIN, binarySource: SOURCE };
const pluginTypes = (text: string | undefined) =>
  parseJson<Conflist>(text ?? "{}").plugins.map((p) => p.type);

describe("installCni", () => {
  it("copies the binary and chains netguard into Flannel's list, each through a temporary file and a rename", async () => {
    const fs = flannelNode();
    const r = await installCni(fs, OPTS);
    expect(r).toEqual({
      kind: "installed",
      binary: `${BIN}/netguard`,
      conflist: `${CONF}/10-flannel.conflist`,
      changed: true,
      warnings: [],
    });
    expect(fs.files.get(`${BIN}/netguard`)).toEqual({ data: "ELF plugin", mode: 0o755 });
    expect(pluginTypes(fs.text(`${CONF}/10-flannel.conflist`))).toEqual(["flannel", "portmap", "netguard"]);
    expect(parseJson<Conflist>(fs.text(`${CONF}/10-flannel.conflist`) ?? "").plugins[2]).toEqual(
      DEFAULT_CNI_ENTRY,
    );
    expect(fs.log).toEqual([
      `copyFile ${BIN}/.netguard.netguard-tmp <- ${SOURCE}`,
      `chmod ${BIN}/.netguard.netguard-tmp 755`,
      `rename ${BIN}/netguard <- ${BIN}/.netguard.netguard-tmp`,
      `writeFile ${CONF}/.10-flannel.conflist.netguard-tmp`,
      `rename ${CONF}/10-flannel.conflist <- ${CONF}/.10-flannel.conflist.netguard-tmp`,
    ]);
  });

  it("edits only the configuration that sorts first, as the runtime picks it", async () => {
    const fs = flannelNode({
      [`${CONF}/99-other.conflist`]: FLANNEL,
      [`${CONF}/README.md`]: "not a config",
      [`${CONF}/20-flannel.conflist`]: FLANNEL,
    });
    const r = await installCni(fs, OPTS);
    expect(r.kind === "installed" && r.conflist).toBe(`${CONF}/10-flannel.conflist`);
    expect(fs.text(`${CONF}/20-flannel.conflist`)).toBe(FLANNEL);
    expect(fs.text(`${CONF}/99-other.conflist`)).toBe(FLANNEL);
  });

  it("leaves the files alone when the same entry is already installed, but refreshes the binary", async () => {
    const fs = flannelNode();
    await installCni(fs, OPTS);
    fs.log.length = 0;
    fs.files.set(SOURCE, { data: "ELF plugin v2", mode: 0o755 });
    const r = await installCni(fs, OPTS);
    expect(r.kind === "installed" && r.changed).toBe(false);
    expect(fs.log.some((l) => l.includes(CONF))).toBe(false);
    expect(fs.text(`${BIN}/netguard`)).toBe("ELF plugin v2");
  });

  it.each([
    ["no configuration", { [SOURCE]: "ELF" }, "config", `${CONF}: no network configuration`],
    [
      "a single-plugin .conf sorting first",
      {
        [SOURCE]: "ELF",
        [`${CONF}/05-bridge.conf`]: '{"type":"bridge"}',
        [`${CONF}/10-flannel.conflist`]: FLANNEL,
      },
      "config",
      `${CONF}/05-bridge.conf: the runtime reads *.conf and *.json files as a single plugin`,
    ],
    [
      "a malformed list",
      { [SOURCE]: "ELF", [`${CONF}/10-flannel.conflist`]: '{"plugins": [' },
      "config",
      `${CONF}/10-flannel.conflist: malformed JSON at line 1, column 14`,
    ],
    [
      "a missing binary",
      { [`${CONF}/10-flannel.conflist`]: FLANNEL },
      "io",
      `${SOURCE}: the plugin binary does not exist`,
    ],
  ])("refuses %s and changes nothing", async (_name, files, reason, error) => {
    const fs = new MemoryFs(files, [BIN]);
    const r = await installCni(fs, OPTS);
    expect(r).toEqual({ kind: "failed", reason, error: expect.stringContaining(error) as unknown });
    expect(fs.log).toEqual([]);
  });

  it("keeps the old list and leaves no temporary file when writing fails", async () => {
    const fs = flannelNode();
    fs.failOn = (op, path) => op === "writeFile" && path.startsWith(CONF);
    const r = await installCni(fs, OPTS);
    expect(r).toEqual({ kind: "failed", reason: "io", error: expect.stringContaining("ENOSPC") as unknown });
    expect(fs.text(`${CONF}/10-flannel.conflist`)).toBe(FLANNEL);
    expect(await fs.readdir(CONF)).toEqual(["10-flannel.conflist"]);
  });
});

describe("uninstallCni", () => {
  it("restores Flannel's list byte for byte and removes the binary after it", async () => {
    const fs = flannelNode();
    await installCni(fs, OPTS);
    fs.log.length = 0;
    const r = await uninstallCni(fs, { confDir: CONF, binDir: BIN });
    expect(r).toEqual({
      kind: "uninstalled",
      edited: [`${CONF}/10-flannel.conflist`],
      binary: `${BIN}/netguard`,
      binaryRemoved: true,
      warnings: [],
    });
    expect(fs.text(`${CONF}/10-flannel.conflist`)).toBe(FLANNEL);
    expect(fs.files.has(`${BIN}/netguard`)).toBe(false);
    expect(fs.log.at(-1)).toBe(`unlink ${BIN}/netguard`);
  });

  it("is idempotent", async () => {
    const fs = flannelNode();
    const r = await uninstallCni(fs, { confDir: CONF, binDir: BIN });
    expect(r).toEqual({
      kind: "uninstalled",
      edited: [],
      binary: `${BIN}/netguard`,
      binaryRemoved: false,
      warnings: [],
    });
    expect(fs.log).toEqual([]);
  });

  it("edits every list that has netguard and skips files it cannot parse, warning when they mention netguard", async () => {
    const fs = flannelNode();
    await installCni(fs, OPTS);
    const installed = fs.text(`${CONF}/10-flannel.conflist`) ?? "";
    fs.files.set(`${CONF}/05-new.conflist`, { data: installed, mode: 0o644 });
    fs.files.set(`${CONF}/30-broken.conflist`, { data: '{"plugins": [{"type": "netguard"},', mode: 0o644 });
    fs.files.set(`${CONF}/40-broken.conf`, { data: "{", mode: 0o644 });
    const r = await uninstallCni(fs, { confDir: CONF, binDir: BIN });
    expect(r).toEqual({
      kind: "uninstalled",
      edited: [`${CONF}/05-new.conflist`, `${CONF}/10-flannel.conflist`],
      binary: `${BIN}/netguard`,
      binaryRemoved: true,
      warnings: [
        expect.stringMatching(/^\/etc\/cni\/net\.d\/30-broken\.conflist: not edited: malformed JSON/),
      ],
    });
    expect(fs.text(`${CONF}/05-new.conflist`)).toBe(FLANNEL);
  });
});

describe("installCni on the real file system", () => {
  let root: string | undefined;
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("installs with mode 0755 and uninstalls back to the original, leaving no temporary file", async () => {
    root = await mkdtemp(join(tmpdir(), "netguard-cni-"));
    const [conf, bin] = [join(root, "net.d"), join(root, "bin")];
    await mkdir(conf);
    await mkdir(bin);
    await writeFile(join(conf, "10-flannel.conflist"), FLANNEL);
    await writeFile(join(root, "netguard-cni"), "#!/bin/sh\n");
    const r = await installCni(nodeInstallFs, {
      confDir: conf,
      binDir: bin,
      binarySource: join(root, "netguard-cni"),
    });
    expect(r.kind).toBe("installed");
    expect((await stat(join(bin, "netguard"))).mode & 0o777).toBe(0o755);
    expect((await stat(join(conf, "10-flannel.conflist"))).mode & 0o777).toBe(0o644);
    expect(pluginTypes(await readFile(join(conf, "10-flannel.conflist"), "utf8"))).toEqual([
      "flannel",
      "portmap",
      "netguard",
    ]);
    expect((await readdir(conf)).sort()).toEqual(["10-flannel.conflist"]);
    expect((await readdir(bin)).sort()).toEqual(["netguard"]);
    expect((await uninstallCni(nodeInstallFs, { confDir: conf, binDir: bin })).kind).toBe("uninstalled");
    expect(await readFile(join(conf, "10-flannel.conflist"), "utf8")).toBe(FLANNEL);
    expect(await readdir(bin)).toEqual([]);
  });
});

describe("netguard cni install|uninstall", () => {
  function captureIo(): CliIo & { stderr: () => string } {
    let err = "";
    return {
      fs: {
        readFile: () => Promise.reject(new Error("unused")),
        kind: () => Promise.resolve(undefined),
        list: () => Promise.resolve([]),
        readStdin: () => Promise.resolve(""),
      },
      out: () => {
        throw new Error("cni commands print nothing on stdout");
      },
      err: (s) => {
        err += s;
      },
      stdoutIsTTY: false,
      stderr: () => err,
    };
  }
  const flags = { ...CNI_DEFAULTS, binary: SOURCE };

  it("installs with the flags' entry and says where", async () => {
    const fs = flannelNode();
    const io = captureIo();
    const code = await runCniInstall(io, { ...flags, agentSocket: "/run/x.sock", timeoutMs: "2500" }, fs);
    expect(code).toBe(0);
    expect(io.stderr()).toBe(
      `netguard: installed ${BIN}/netguard; netguard entry written to ${CONF}/10-flannel.conflist\n`,
    );
    const entry = parseJson<Conflist>(fs.text(`${CONF}/10-flannel.conflist`) ?? "").plugins[2];
    expect(entry).toEqual({ ...DEFAULT_CNI_ENTRY, agentSocket: "/run/x.sock", timeoutMs: 2500 });
  });

  it("prints warnings, then reports an unchanged configuration on a second run", async () => {
    const bridge = `{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"bridge"}]}`;
    const fs = new MemoryFs({ [`${CONF}/10-bridge.conflist`]: bridge, [SOURCE]: "ELF" }, [BIN]);
    expect(await runCniInstall(captureIo(), flags, fs)).toBe(0);
    const io = captureIo();
    expect(await runCniInstall(io, flags, fs)).toBe(0);
    expect(io.stderr()).toMatch(
      /^netguard: warning: \/etc\/cni\/net\.d\/10-bridge\.conflist: plugins: no "flannel"/,
    );
    expect(io.stderr()).toContain("netguard entry already in /etc/cni/net.d/10-bridge.conflist\n");
  });

  it("exits 1 when the configuration cannot take netguard, 2 on I/O problems and bad flags", async () => {
    const io = captureIo();
    const noConfig = new MemoryFs({ [SOURCE]: "ELF" });
    expect(await runCniInstall(io, flags, noConfig)).toBe(1);
    expect(io.stderr()).toMatch(/^netguard: cni install: \/etc\/cni\/net\.d: no network configuration/);
    expect(await runCniInstall(captureIo(), { ...flags, binary: "/nope" }, flannelNode())).toBe(2);
    await expect(runCniInstall(captureIo(), { ...flags, timeoutMs: "10s" }, flannelNode())).rejects.toThrow(
      '--timeout-ms: expected a positive whole number of milliseconds, got "10s"',
    );
    await expect(runCniInstall(captureIo(), { ...CNI_DEFAULTS }, flannelNode())).rejects.toThrow("--binary");
  });

  it("uninstalls and says what it did", async () => {
    const fs = flannelNode();
    await runCniInstall(captureIo(), flags, fs);
    const io = captureIo();
    expect(await runCniUninstall(io, { confDir: CONF, binDir: BIN }, fs)).toBe(0);
    expect(io.stderr()).toBe(
      `netguard: netguard entry removed from ${CONF}/10-flannel.conflist; deleted ${BIN}/netguard\n`,
    );
    expect(fs.text(`${CONF}/10-flannel.conflist`)).toBe(FLANNEL);
    const again = captureIo();
    expect(await runCniUninstall(again, { confDir: CONF, binDir: BIN }, fs)).toBe(0);
    expect(again.stderr()).toBe(
      `netguard: netguard entry in no CNI configuration list; no ${BIN}/netguard to delete\n`,
    );
  });
});

describe("ensureChained (the agent puts netguard back after Flannel rewrites its conflist)", () => {
  const conflist = `${CONF}/10-flannel.conflist`;

  it("re-adds the entry when Flannel's conflist lost it, and only then", async () => {
    const fs = new MemoryFs({ [conflist]: FLANNEL }, [CONF]);
    expect(await ensureChained(fs, CONF)).toEqual({ kind: "ok", conflist, changed: true });
    const plugins = parseJson<Conflist>(fs.text(conflist) ?? "").plugins;
    expect(plugins.map((p) => p.type)).toEqual(["flannel", "portmap", "netguard"]);
    expect(await ensureChained(fs, CONF)).toEqual({ kind: "ok", conflist, changed: false });
  });

  it("leaves an operator's customised entry exactly as it is", async () => {
    const custom = FLANNEL.replace('"plugins": [', '"plugins": [').replace(
      /\]\s*\}\s*$/,
      ', {"type": "netguard", "timeoutMs": 2000}]}\n',
    );
    const fs = new MemoryFs({ [conflist]: custom }, [CONF]);
    expect(await ensureChained(fs, CONF)).toEqual({ kind: "ok", conflist, changed: false });
    expect(fs.text(conflist)).toBe(custom);
  });

  it("does nothing without a configuration list", async () => {
    expect(await ensureChained(new MemoryFs({}, [CONF]), CONF)).toEqual({ kind: "ok", changed: false });
  });
});
