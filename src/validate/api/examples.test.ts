import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { isList } from "../../k8s/fields.js";
import { validateNetworkPolicy } from "./validate-network-policy.js";
import { parseKubeVersion, type KubeVersion } from "./versions.js";

const ROOT = join(import.meta.dirname, "../../..");
const SHOP = join(ROOT, "examples/shop/policies");

function policiesIn(dir: string): { file: string; doc: unknown }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .flatMap((f) =>
      parseAllDocuments(readFileSync(join(dir, f), "utf8"))
        .map((d) => d.toJS() as unknown)
        .filter((doc) => (doc as { kind?: unknown } | null)?.kind === "NetworkPolicy")
        .map((doc) => ({ file: f, doc })),
    );
}

const VERSIONS = ["1.32", "1.34", "1.36"].map((v) => parseKubeVersion(v) as KubeVersion);
const SHOP_POLICIES = policiesIn(SHOP);

describe("the shop example's policies are accepted", () => {
  it("finds the policies", () => expect(SHOP_POLICIES.length).toBeGreaterThan(5));
  it.each(SHOP_POLICIES.map((p, i) => [`${p.file} #${i}`, p.doc] as const))("%s", (_n, doc) => {
    for (const kubeVersion of VERSIONS) {
      expect(validateNetworkPolicy(doc, { kubeVersion }).filter((i) => i.severity === "error")).toEqual([]);
    }
  });
});

/** Replaces, deletes or adds one value somewhere in a JSON tree. */
function mutate(v: unknown, path: readonly number[], replacement: unknown, depth = 0): unknown {
  const choice = path[depth];
  if (choice === undefined || v === null || typeof v !== "object") return replacement;
  if (isList(v)) {
    if (v.length === 0) return [replacement];
    const i = choice % v.length;
    return v.map((x, j) => (j === i ? mutate(x, path, replacement, depth + 1) : x));
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return { [String(replacement)]: replacement };
  const [key] = entries[choice % entries.length]!;
  const copy: Record<string, unknown> = { ...v };
  if (choice % 7 === 6) delete copy[key];
  else copy[key] = mutate(copy[key], path, replacement, depth + 1);
  return copy;
}

describe("property: random mutations of valid policies never throw", () => {
  it("always returns an array of issues", () => {
    const docs = SHOP_POLICIES.map((p) => p.doc);
    fc.assert(
      fc.property(
        fc.constantFrom(...docs),
        fc.array(fc.nat(50), { maxLength: 8 }),
        fc.oneof(
          fc.jsonValue(),
          fc.constantFrom(
            "10.0.0.1/8",
            "::ffff:1.2.3.4/120",
            "010.0.0.0/8",
            "In",
            "Exists",
            "80",
            "",
            "-",
            null,
          ),
          fc.integer(),
        ),
        fc.constantFrom(...VERSIONS),
        (doc, path, replacement, kubeVersion) => {
          const issues = validateNetworkPolicy(mutate(doc, path, replacement), { kubeVersion });
          expect(Array.isArray(issues)).toBe(true);
          for (const i of issues) expect(typeof i.path).toBe("string");
        },
      ),
      { numRuns: Number(process.env.FC_NUM_RUNS ?? 300) },
    );
  });
});
