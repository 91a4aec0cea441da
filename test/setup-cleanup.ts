/**
 * Runs in every test file: whatever a test leaves behind (a lab or a namespace whose test timed out
 * before its `finally` ran), the file's afterAll removes. A process warning printed while the file
 * ran (a deprecation, a listener leak, the yaml package's "Keys with collection values") fails the
 * file, naming it: the output of a run stays quiet, and noise is traced to where it comes from.
 */
import { afterAll } from "vitest";
import { destroyTestLabs } from "./support/lab.js";
import { deleteTestNetns } from "./support/netns.js";

const warnings: string[] = [];
/** The warning with its code (DEP0040, …) and where it was emitted, so a dependency's warning names its source. */
const onWarning = (w: Error & { code?: string }) =>
  void warnings.push(`${w.name}${w.code ? ` [${w.code}]` : ""}: ${w.message}\n${w.stack ?? ""}`);
process.on("warning", onWarning);

afterAll(async () => {
  await destroyTestLabs();
  await deleteTestNetns();
  // A warning is emitted on the next tick: let pending ticks run before looking.
  await new Promise((ticked) => setImmediate(ticked));
  process.off("warning", onWarning);
  if (warnings.length > 0)
    throw new Error(
      `process warnings were printed (fix their cause):\n${warnings.map((w) => `  ${w}`).join("\n")}`,
    );
});
