/**
 * Long-running processes inside a network namespace (`ip netns exec`), reduced to what the prober
 * needs: lines in, lines out, an exit notice, and kill. The only lab file that spawns processes
 * directly; short commands go through Exec (src/sys/exec.ts).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

/** Callbacks for one process; `onExit` fires once, with how it ended and the tail of its stderr. */
export interface AgentHandlers {
  readonly onLine: (line: string) => void;
  readonly onExit: (detail: string) => void;
}

/** A running process. */
export interface AgentProcess {
  /** Writes one line to its stdin (ignored once it has exited). */
  writeLine(line: string): void;
  /** SIGKILL; the exit is still reported through onExit. */
  kill(): void;
}

/** Starts `cmd args` in network namespace `netns`. */
export type SpawnInNetns = (
  netns: string,
  cmd: string,
  args: readonly string[],
  handlers: AgentHandlers,
) => AgentProcess;

const STDERR_TAIL = 2000;

/**
 * SpawnInNetns on the real system. `ip netns exec` execs the program, so the child's pid is the
 * program's and kill() reaches it; closing our end of stdin (when this process dies) ends the agent.
 */
export const systemSpawnInNetns: SpawnInNetns = (netns, cmd, args, handlers) => {
  const child = spawn("ip", ["netns", "exec", netns, cmd, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  let exited = false;
  child.stderr.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString("utf8")).slice(-STDERR_TAIL);
  });
  createInterface({ input: child.stdout }).on("line", (line) => handlers.onLine(line));
  child.stdin.on("error", () => undefined); // EPIPE once the agent is gone
  const finish = (detail: string): void => {
    if (exited) return;
    exited = true;
    handlers.onExit(stderr.trim() ? `${detail}: ${stderr.trim()}` : detail);
  };
  child.on("error", (e) => finish(`could not start: ${e.message}`));
  child.on("close", (code, signal) =>
    finish(signal ? `killed by ${signal}` : `exited with code ${code ?? "?"}`),
  );
  return {
    writeLine(line) {
      if (!exited && child.stdin.writable) child.stdin.write(`${line}\n`);
    },
    kill() {
      if (!exited) child.kill("SIGKILL");
    },
  };
};
