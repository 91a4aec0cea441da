/**
 * Builds dist/ once before the tests, so end-to-end tests run the real `netguard` executable.
 * The teardown fails the run if a test left something behind: a `netguard-*` entry in the
 * temporary directory, a network namespace (tests create them with `ip netns add` and must
 * delete them in `finally`, also when the test fails), or a process the run started (an agent,
 * a prober, an `nft monitor` still running).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One kind of thing a test can leave behind, and how to list what exists now. */
export interface LeftoverProbe {
  /** Named in the failure message, e.g. "network namespaces". */
  readonly what: string;
  /** What exists now; `undefined` when it cannot be listed here (the probe is then ignored). */
  list(): ReadonlySet<string> | undefined;
  /** How a reader names one leftover in the message, e.g. its path. */
  show(name: string): string;
}

/** The temporary directory's `netguard-*` entries (test directories, sockets, state files). */
export const tmpProbe: LeftoverProbe = {
  what: `entries in ${tmpdir()}`,
  list: () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith("netguard-"))),
  show: (name) => join(tmpdir(), name),
};

/** The names in `ip netns list` output (`name` or `name (id: 3)` per line). */
export function netnsNames(listing: string): Set<string> {
  return new Set(listing.split("\n").flatMap((line) => /^(\S+)/.exec(line)?.[1] ?? []));
}

/** Network namespaces (`ip netns list`); not listable without `ip`, which then skips this probe. */
export const netnsProbe: LeftoverProbe = {
  what: "network namespaces",
  list: () => {
    try {
      return netnsNames(execFileSync("ip", ["netns", "list"], { encoding: "utf8", stdio: "pipe" }));
    } catch {
      return undefined;
    }
  },
  show: (name) => `${name} (remove: ip netns del ${name})`,
};

/** The environment variable that marks every process this run starts (workers inherit it). */
export const RUN_MARKER = "NETGUARD_TEST_RUN";

/** One process's parent, environment and command line; undefined once it has exited. */
function readProcess(pid: string): { ppid: string; environ: string[]; cmdline: string } | undefined {
  try {
    // stat: `pid (comm) state ppid ...`; comm may hold spaces and parentheses, so count from the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const ppid = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] ?? "";
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
    return { ppid, environ, cmdline };
  } catch {
    return undefined;
  }
}

/**
 * Processes started by this run: those whose environment carries `RUN_MARKER=<run>` (inherited
 * from the test workers, so other runs' processes never count), except the test workers themselves
 * (children of `workersParent`, Vitest's main process, which stops them after the teardown). A process started with an
 * environment of its own escapes this probe. Not listable without /proc.
 */
export function processProbe(run: string, workersParent: number = process.pid): LeftoverProbe {
  const mark = `${RUN_MARKER}=${run}`;
  const commands = new Map<string, string>();
  return {
    what: "processes",
    list: () => {
      let pids: string[];
      try {
        pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p) && p !== String(process.pid));
      } catch {
        return undefined;
      }
      const marked = new Set<string>();
      for (const pid of pids) {
        const p = readProcess(pid);
        if (p === undefined || !p.environ.includes(mark) || p.ppid === String(workersParent)) continue;
        marked.add(pid);
        commands.set(pid, p.cmdline);
      }
      return marked;
    },
    show: (pid) => `pid ${pid}: ${commands.get(pid) ?? "?"} (stop: kill ${pid})`,
  };
}

/** Waits between looks while leftovers may still be going away (see `finish`). */
export type Pause = (ms: number) => Promise<void>;

const pause: Pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Remembers what exists now; `finish()` returns a report of what was created since and still
 * exists, or `undefined` when nothing was left. Only what appeared during the run counts: older
 * entries, and other runs' entries that are gone by the end, are not ours, and nothing is removed.
 * Something that is still being removed (or belongs to a concurrent run and goes soon) is given
 * until `graceMs` to disappear before it counts. Temporary entries and namespaces have no owner:
 * a test run started meanwhile on the same machine can be blamed for its own entries if they
 * outlive the grace time; processes are told apart exactly (see `processProbe`).
 */
export function leftoverCheck(
  probes: readonly LeftoverProbe[],
  opts: { graceMs: number; pause?: Pause } = { graceMs: 10_000 },
): { finish(): Promise<string | undefined> } {
  const before = probes.map((p) => p.list());
  const left = () =>
    probes.map((p, i) => {
      const had = before[i];
      const now = had === undefined ? undefined : p.list();
      return now === undefined || had === undefined ? [] : [...now].filter((n) => !had.has(n)).sort();
    });
  return {
    async finish() {
      const deadline = Date.now() + opts.graceMs;
      let found = left();
      while (found.some((names) => names.length > 0) && Date.now() < deadline) {
        await (opts.pause ?? pause)(100);
        found = left();
      }
      const parts = probes.flatMap((p, i) => {
        const names = found[i] ?? [];
        if (names.length === 0) return [];
        return [`${p.what} (${names.length}):\n` + names.map((n) => `  ${p.show(n)}`).join("\n")];
      });
      if (parts.length === 0) return undefined;
      return `the tests left behind (remove what a test creates, also when it fails):\n${parts.join("\n")}`;
    },
  };
}

export default function setup(): () => Promise<void> {
  const root = join(import.meta.dirname, "..");
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
  // Set before the workers start, so they and everything they start carry it.
  const run = randomBytes(6).toString("hex");
  process.env[RUN_MARKER] = run;
  const check = leftoverCheck([tmpProbe, netnsProbe, processProbe(run)]);
  return async () => {
    const report = await check.finish();
    if (report !== undefined) {
      // Vitest reports a teardown error but keeps the exit code: set it, so the run fails.
      process.exitCode = 1;
      throw new Error(report);
    }
  };
}
