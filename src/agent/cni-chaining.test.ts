/**
 * CniChaining with an in-memory conflist directory, a fake directory watch and a ManualClock:
 * Flannel's rewrite is noticed after the quiet period and netguard is put back last in the chain.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { InstallFs } from "../cni/install.js";
import { CniChaining } from "./cni-chaining.js";
import { ManualClock } from "./clock.js";
import type { DirWatcher } from "./conf-watch.js";

const DIR = "/etc/cni/net.d";
const FLANNEL = `${DIR}/10-flannel.conflist`;
const flannelList = JSON.stringify({
  name: "cbr0",
  cniVersion: "0.3.1",
  plugins: [{ type: "flannel", delegate: { hairpinMode: true } }, { type: "portmap" }],
});

/** A directory of files in memory; `broken` makes every read fail. */
class DirFs implements InstallFs {
  readonly files = new Map<string, string>();
  broken = false;
  readFile(path: string): Promise<string> {
    const text = this.files.get(path);
    if (this.broken) return Promise.reject(new Error(`EIO: ${path}`));
    return text === undefined ? Promise.reject(new Error(`ENOENT: ${path}`)) : Promise.resolve(text);
  }
  writeFile(path: string, text: string): Promise<void> {
    this.files.set(path, text);
    return Promise.resolve();
  }
  copyFile(): Promise<void> {
    return Promise.reject(new Error("not used"));
  }
  chmod(): Promise<void> {
    return Promise.resolve();
  }
  rename(from: string, to: string): Promise<void> {
    const text = this.files.get(from);
    if (text === undefined) return Promise.reject(new Error(`ENOENT: ${from}`));
    this.files.delete(from);
    this.files.set(to, text);
    return Promise.resolve();
  }
  readdir(path: string): Promise<string[]> {
    const names = [...this.files.keys()].filter((f) => f.startsWith(`${path}/`));
    return Promise.resolve(names.map((f) => f.slice(path.length + 1)));
  }
  exists(path: string): Promise<boolean> {
    return Promise.resolve(path === DIR || this.files.has(path));
  }
  unlink(path: string): Promise<void> {
    this.files.delete(path);
    return Promise.resolve();
  }
}

function setup() {
  const clock = new ManualClock();
  const fs = new DirFs();
  fs.files.set(FLANNEL, flannelList);
  const events: Array<(name: string | null) => void> = [];
  const watcher: DirWatcher = (_dir, onEvent) => {
    events.push(onEvent);
    return () => undefined;
  };
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: "info" },
    { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) },
  );
  const serialized: string[] = [];
  const chaining = new CniChaining({
    dir: DIR,
    socket: "/run/netguard/test.sock",
    clock,
    logger,
    watcher,
    identity: () => Promise.resolve("dev:1"),
    fs,
    serial: (fn) => (serialized.push("check"), fn()),
  });
  const plugins = () =>
    (JSON.parse(fs.files.get(FLANNEL) ?? "{}") as { plugins: Array<{ type: string; agentSocket?: string }> })
      .plugins;
  return { clock, fs, events, lines, serialized, chaining, plugins };
}

async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await Promise.resolve();
  if (!cond()) throw new Error(`never happened: ${what}`);
}

describe("CniChaining", () => {
  it("check puts netguard back last in the chain, naming the agent's socket, and says so", async () => {
    const s = setup();
    s.chaining.start();
    await s.chaining.check();
    expect(s.plugins().map((p) => p.type)).toEqual(["flannel", "portmap", "netguard"]);
    expect(s.plugins()[2]?.agentSocket).toBe("/run/netguard/test.sock");
    expect(s.lines.map((l) => l.msg)).toContain(
      "netguard was missing from the CNI chain (Flannel rewrote it); re-added",
    );
    const before = s.fs.files.get(FLANNEL);
    await s.chaining.check();
    expect(s.fs.files.get(FLANNEL)).toBe(before); // present: left exactly as it is
    s.chaining.stop();
  });

  it("a rewrite in the directory is checked serially once the directory has been quiet", async () => {
    const s = setup();
    s.chaining.start();
    await s.chaining.check(); // arms the watch
    s.fs.files.set(FLANNEL, flannelList); // Flannel's install step rewrote it
    s.events[0]?.("10-flannel.conflist");
    await s.clock.advance(150);
    s.events[0]?.("10-flannel.conflist");
    await s.clock.advance(199);
    expect(s.serialized).toEqual([]);
    await s.clock.advance(1);
    await until("re-chained", () => s.plugins().length === 3);
    expect(s.serialized).toEqual(["check"]);
    s.chaining.stop();
  });

  it("a directory that cannot be read is logged, never thrown", async () => {
    const s = setup();
    s.fs.broken = true;
    await s.chaining.check();
    expect(s.lines.map((l) => l.msg)).toContain("cannot check the CNI configuration");
  });
});
