/**
 * Builds dist/ once before the tests, so end-to-end tests run the real `netguard` executable.
 * The teardown fails the run if a test left a `netguard-*` entry in the temporary directory.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The temporary directory's `netguard-*` entries (test directories, sockets, state files). */
function leftovers(): Set<string> {
  return new Set(readdirSync(tmpdir()).filter((name) => name.startsWith("netguard-")));
}

export default function setup(): () => void {
  const root = join(import.meta.dirname, "..");
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
  // Only entries created during this run count: older ones (or another run's) are not ours.
  const before = leftovers();
  return () => {
    const left = [...leftovers()].filter((name) => !before.has(name)).sort();
    if (left.length > 0) {
      // Vitest reports a teardown error but keeps the exit code: set it, so the run fails.
      process.exitCode = 1;
      throw new Error(
        `the tests left ${left.length} entries in ${tmpdir()} (remove what a test creates, also when it fails):\n` +
          left.map((name) => `  ${join(tmpdir(), name)}`).join("\n"),
      );
    }
  };
}
