/**
 * Hostile input trees (symbolic-link loops, directories that cannot be listed, FIFOs) give an
 * `unreadable-input` issue naming the path and a failing exit status: never a stack trace, never a
 * hang. Real directories under os.tmpdir(), read through the real node:fs InputFs.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isRoot, itWhen } from "../../test/support/root.js";
import type { CliIo } from "../cli/io.js";
import { runCli } from "../cli/main.js";
import type { Issue } from "../issue/issue.js";
import { nodeInputFs } from "./node-fs.js";
import { type InputFs, readInputs } from "./sources.js";

const NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ok\n";
/** A hang fails the test quickly instead of at the suite's 60 s timeout. */
const QUICK = 10_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "netguard-input-walk-"));
});
afterEach(() => {
  execFileSync("chmod", ["-R", "u+rwx", dir]); // a mode-000 directory would stop rm
  rmSync(dir, { recursive: true, force: true });
});

const at = (...parts: string[]) => join(dir, ...parts);
const unreadable = (issues: readonly Issue[]) =>
  issues.filter((i) => i.code === "unreadable-input").map((i) => [i.source?.file, i.message]);

function captureIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = "";
  let err = "";
  return {
    fs: nodeInputFs,
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    stdoutIsTTY: false,
    stdout: () => out,
    stderr: () => err,
  };
}

describe("inputs that cannot be read", () => {
  it(
    "a symbolic link loop given as an input is reported at its path",
    async () => {
      symlinkSync("b", at("a"));
      symlinkSync("a", at("b"));
      const read = await readInputs(nodeInputFs, [at("a")]);
      expect(read.objects).toEqual([]);
      expect(unreadable(read.issues)).toEqual([
        [at("a"), "cannot read: symbolic link loop (too many levels of symbolic links)"],
      ]);
    },
    QUICK,
  );

  it(
    "a directory with a link back to its ancestor is walked once and the loop reported, not followed",
    async () => {
      mkdirSync(at("tree", "sub"), { recursive: true });
      writeFileSync(at("tree", "ns.yaml"), NAMESPACE);
      symlinkSync("..", at("tree", "sub", "up"));
      symlinkSync("loop-2.yaml", at("tree", "sub", "loop-1.yaml"));
      symlinkSync("loop-1.yaml", at("tree", "sub", "loop-2.yaml"));
      const read = await readInputs(nodeInputFs, [at("tree")]);
      expect(read.objects.map((o) => o.source.file)).toEqual([at("tree", "ns.yaml")]);
      expect(unreadable(read.issues)).toEqual([
        [
          at("tree", "sub", "loop-1.yaml"),
          "cannot read: symbolic link loop (too many levels of symbolic links)",
        ],
        [
          at("tree", "sub", "loop-2.yaml"),
          "cannot read: symbolic link loop (too many levels of symbolic links)",
        ],
        [at("tree", "sub", "up"), `symbolic link loop: leads back to ${at("tree")}`],
      ]);
    },
    QUICK,
  );

  it(
    "a FIFO given as an input or found in a directory is reported and never opened (no hang)",
    async () => {
      mkdirSync(at("tree"));
      writeFileSync(at("tree", "ns.yaml"), NAMESPACE);
      execFileSync("mkfifo", [at("tree", "pipe.yaml"), at("named.yaml")]);
      execFileSync("mkfifo", [at("tree", "not-a-manifest")]);
      const read = await readInputs(nodeInputFs, [at("named.yaml"), at("tree")]);
      expect(read.objects.map((o) => o.source.file)).toEqual([at("tree", "ns.yaml")]);
      expect(unreadable(read.issues)).toEqual([
        [
          at("named.yaml"),
          "not read: not a regular file or directory (a FIFO, socket or device); to read a pipe, give - for stdin",
        ],
        [at("tree", "pipe.yaml"), "not read: not a regular file or directory (a FIFO, socket or device)"],
      ]);
    },
    QUICK,
  );

  it(
    "reading a FIFO directly (a path swapped after it was examined) is refused at once, unread",
    async () => {
      execFileSync("mkfifo", [at("swapped.yaml")]);
      await expect(nodeInputFs.readFile(at("swapped.yaml"))).rejects.toThrow("not a regular file");
    },
    QUICK,
  );

  it(
    "validate exits 2 naming each unreadable path, and still reports what it could read",
    async () => {
      mkdirSync(at("tree"));
      writeFileSync(at("tree", "ns.yaml"), NAMESPACE);
      execFileSync("mkfifo", [at("tree", "pipe.yaml")]);
      symlinkSync(".", at("tree", "self"));
      const io = captureIo();
      expect(await runCli(io, ["validate", at("tree")])).toBe(2);
      expect(io.stdout()).toContain(`${at("tree", "pipe.yaml")}:1: error: not read: not a regular file`);
      expect(io.stdout()).toContain(
        `${at("tree", "self")}:1: error: symbolic link loop: leads back to ${at("tree")} [unreadable-input]`,
      );
      expect(io.stdout()).toContain("from 1 file(s)");
      expect(io.stderr()).toBe("");
    },
    QUICK,
  );

  itWhen(
    !isRoot,
    "root reads any directory; the next test checks this as uid 65534",
    "a directory without read permission is reported at its path (in-process, as a non-root user)",
    async () => {
      mkdirSync(at("tree", "locked"), { recursive: true });
      writeFileSync(at("tree", "ns.yaml"), NAMESPACE);
      chmodSync(at("tree", "locked"), 0o000);
      const read = await readInputs(nodeInputFs, [at("tree")]);
      expect(read.objects.length).toBe(1);
      expect(unreadable(read.issues)).toEqual([
        [at("tree", "locked"), "cannot list directory: permission denied"],
      ]);
    },
    QUICK,
  );

  itWhen(
    isRoot,
    "needs root to run the executable as uid 65534; the previous test checks this in-process",
    "a directory without read permission is reported at its path (the netguard executable run as nobody)",
    () => {
      // Root reads any directory, so the real check needs an unprivileged process: the built
      // executable (dist/, built by the suite's global setup) under setpriv as uid/gid 65534.
      chmodSync(dir, 0o755);
      mkdirSync(at("tree", "locked"), { recursive: true });
      writeFileSync(at("tree", "ns.yaml"), NAMESPACE);
      chmodSync(at("tree", "locked"), 0o000);
      const bin = join(import.meta.dirname, "..", "..", "dist", "cli", "bin.js");
      const r = spawnSync(
        "setpriv",
        ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, bin, "validate", at("tree")],
        { encoding: "utf8", timeout: QUICK },
      );
      expect(r.stdout).toContain(
        `${at("tree", "locked")}:1: error: cannot list directory: permission denied [unreadable-input]`,
      );
      expect(r.stdout).toContain("from 1 file(s)");
      expect(r.status).toBe(2);
    },
    QUICK,
  );

  it("a directory the file system refuses to list is reported, whoever runs the test", async () => {
    const denied = Object.assign(new Error("EACCES: permission denied, scandir 'tree/locked'"), {
      code: "EACCES",
    });
    const fs: InputFs = {
      readFile: () => Promise.resolve(NAMESPACE),
      kind: (p) => Promise.resolve(p.endsWith(".yaml") ? "file" : "dir"),
      list: (p) => (p === "tree" ? Promise.resolve(["locked", "ns.yaml"]) : Promise.reject(denied)),
      readStdin: () => Promise.resolve(""),
    };
    const read = await readInputs(fs, ["tree"]);
    expect(read.objects.length).toBe(1);
    expect(unreadable(read.issues)).toEqual([["tree/locked", "cannot list directory: permission denied"]]);
  });
});
