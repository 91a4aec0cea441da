/**
 * Tests that need root (network namespaces, nft, veths) skip with a reason when not root,
 * instead of failing on the first `ip netns add`; tests that only mean something as a normal
 * user skip with a reason as root.
 */
import { describe, it } from "vitest";

/** Whether this process may create network namespaces and load nft rules. */
export const isRoot = process.getuid?.() === 0;

/** Why a root-only test is skipped when not root. */
export const ROOT_REASON = "needs root (network namespaces and nft)";

/** Why a root-only suite was skipped (shown in the skipped suite's name). */
export const NEEDS_ROOT = `skipped: ${ROOT_REASON}`;

/**
 * `describe` for a root-only suite: not root, it is skipped, its name says why, and a note on
 * stderr says so (the default reporter does not list skipped suites by name).
 */
export function describeAsRoot(name: string, fn: () => void): void {
  if (isRoot) {
    describe(name, fn);
    return;
  }
  console.warn(`"${name}" ${NEEDS_ROOT}`);
  describe.skip(`${name} (${NEEDS_ROOT})`, fn);
}

/**
 * `it` for a test that runs only when `runs` holds: otherwise it is skipped and its name ends in
 * `(skipped: <why>)`, so a skipped test says why in every reporter.
 */
export function itWhen(
  runs: boolean,
  why: string,
  name: string,
  fn: () => Promise<void> | void,
  timeoutMs?: number,
): void {
  if (runs) it(name, fn, timeoutMs);
  else it.skip(`${name} (skipped: ${why})`, fn, timeoutMs);
}

/** `it` for a root-only test in a suite that is not: skipped with the reason in its name when not root. */
export function itAsRoot(name: string, fn: () => Promise<void> | void, timeoutMs?: number): void {
  itWhen(isRoot, ROOT_REASON, name, fn, timeoutMs);
}
