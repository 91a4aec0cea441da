/**
 * The bundled examples: every scenario directory, then the shop demo.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "..", "examples");

/** Absolute paths of the example directories, in a stable order. */
export function exampleDirs(): string[] {
  const scenarios = readdirSync(join(root, "scenarios"))
    .sort()
    .map((d) => join(root, "scenarios", d));
  return [...scenarios, join(root, "shop")];
}
