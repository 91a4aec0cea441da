#!/usr/bin/env node
/**
 * The `netguard` executable: runs the CLI on the real process, file system and streams.
 */
import { nodeInputFs } from "../load/node-fs.js";
import { runCli } from "./main.js";

// `netguard simulate | head`: once the reader has gone, stop quietly as other Unix tools do.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "EPIPE") throw e;
  process.exit(process.exitCode ?? 0);
});

runCli(
  {
    fs: nodeInputFs,
    out: (s) => process.stdout.write(s),
    outBytes: (b) => process.stdout.write(b),
    err: (s) => process.stderr.write(s),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    flush: () =>
      process.stdout.writableNeedDrain
        ? new Promise<void>((resolve) => process.stdout.once("drain", () => resolve()))
        : Promise.resolve(),
  },
  process.argv.slice(2),
).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`netguard: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
