/**
 * Entry point of the `netguard` CNI plugin executable (bundled into a single executable by
 * `npm run build:cni`): reads the environment and stdin, writes the result to stdout.
 */
import { readFileSync } from "node:fs";
import { callAgent } from "./agent-client.js";
import { appendLogLine, nodeLogFs } from "./log-file.js";
import { runPlugin } from "./plugin.js";

function readStdin(): string {
  try {
    return readFileSync(0, "utf8");
  } catch {
    return "";
  }
}

runPlugin({
  env: process.env,
  stdin: process.env.CNI_COMMAND === "VERSION" && process.stdin.isTTY ? "" : readStdin(),
  call: callAgent,
  log(file, line) {
    try {
      appendLogLine(nodeLogFs, file, line);
    } catch {
      // the log is best effort; the result on stdout is what the runtime reads
    }
  },
}).then(
  (o) => {
    process.stdout.write(o.stdout);
    process.exitCode = o.code;
  },
  (e: unknown) => {
    process.stdout.write(
      `${JSON.stringify({ cniVersion: "1.0.0", code: 999, msg: "netguard plugin crashed", details: String(e) })}\n`,
    );
    process.exitCode = 1;
  },
);
