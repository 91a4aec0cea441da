/**
 * Issue #6 benchmarks: `validate` over 10,000 policies (≈5 MB of YAML, through the strict YAML
 * parser, the API checks and the lints), and `diff` of two 2,000-policy sets over a 10,000-pod
 * snapshot (ten policies changed, as in a typical pull request).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { buildSnapshot } from "../src/load/snapshot.js";
import type { InputFs } from "../src/load/sources.js";
import { diffSnapshots } from "../src/policy/diff.js";
import { validateNetworkPolicy } from "../src/validate/api/validate-network-policy.js";
import { NEWEST_KUBE_VERSION } from "../src/validate/api/versions.js";
import { validateManifests } from "../src/validate/run.js";
import { syntheticCluster } from "./synthetic.js";

type Json = Record<string, unknown>;

function memoryFs(files: Record<string, string>): InputFs {
  return {
    readFile: async (p) => files[p] ?? Promise.reject(new Error("ENOENT")),
    kind: (p) => Promise.resolve(files[p] !== undefined ? "file" : undefined),
    list: () => Promise.resolve([]),
    readStdin: () => Promise.resolve(""),
  };
}

/**
 * The metadata Helm puts on what it renders (standard labels, the release annotation), as in a chart's output stream: it brings 10,000 policies to the ≈5 MB of the target.
 */
function helmRendered(policy: Json, i: number): Json {
  const meta = policy.metadata as Json;
  const chart = `service-${i % 97}`;
  return {
    ...policy,
    metadata: {
      ...meta,
      labels: {
        "app.kubernetes.io/name": chart,
        "app.kubernetes.io/managed-by": "Helm",
        "helm.sh/chart": `${chart}-1.${i % 13}.${i % 7}`,
      },
      annotations: {
        "meta.helm.sh/release-name": `${chart}-prod`,
      },
    },
  };
}

/** The 10,000 policies as a YAML stream and as a JSON `List` (what `kubectl get -o json` prints). */
function inputs(): { yaml: string; json: string } {
  const policies = syntheticCluster({ pods: 100, policies: 10_000 })
    .filter((o) => o.kind === "NetworkPolicy")
    .map(helmRendered);
  return {
    yaml: policies.map((p) => stringify(p)).join("---\n"),
    json: JSON.stringify({ apiVersion: "v1", kind: "List", items: policies }, null, 2),
  };
}

/**
 * `netguard validate FILE` as a user runs it: a fresh process of the built CLI (start-up included),
 * median wall time of three runs, for the YAML stream and for the JSON List.
 */
export function validateCliBench(): { yamlMs: number; yamlMb: number; jsonMs: number; jsonMb: number } {
  const { yaml, json } = inputs();
  const dir = mkdtempSync(join(tmpdir(), "netguard-bench-validate-"));
  const bin = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));
  const time = (file: string): number => {
    const runs = [0, 1, 2].map(() => {
      const t = performance.now();
      const r = spawnSync(process.execPath, [bin, "validate", file], {
        encoding: "utf8",
        maxBuffer: 1 << 26,
      });
      if (r.status !== 0) throw new Error(`validate ${file} exited ${r.status}: ${r.stderr}`);
      return performance.now() - t;
    });
    return runs.sort((a, b) => a - b)[1] as number;
  };
  try {
    writeFileSync(join(dir, "policies.yaml"), yaml);
    writeFileSync(join(dir, "policies.json"), json);
    return {
      yamlMs: time(join(dir, "policies.yaml")),
      yamlMb: yaml.length / 1e6,
      jsonMs: time(join(dir, "policies.json")),
      jsonMb: json.length / 1e6,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Validates 10,000 synthetic policies in this process; returns time, YAML size and issue counts. */
export async function validateBench(): Promise<{
  ms: number;
  mb: number;
  policies: number;
  errors: number;
  warnings: number;
}> {
  const { yaml } = inputs();
  const t = performance.now();
  const { report } = await validateManifests(
    memoryFs({ "policies.yaml": yaml }),
    { manifests: ["policies.yaml"], cluster: [] },
    (obj) => validateNetworkPolicy(obj, { kubeVersion: NEWEST_KUBE_VERSION }),
  );
  const ms = performance.now() - t;
  const errors = report.issues.filter((i) => i.severity === "error").length;
  return {
    ms,
    mb: yaml.length / 1e6,
    policies: report.policies,
    errors,
    warnings: report.issues.length - errors,
  };
}

/** Diff of 2,000 policies with ten changed, over 10,000 pods. */
export function diffBench(): { ms: number; groups: number; pairs: number } {
  const objs = syntheticCluster({ pods: 10_000, policies: 2_000 });
  const changed = objs.map((o) => {
    const name = (o.metadata as Json | undefined)?.name;
    // A pull request that changes ten policies: their ingress now also admits port 9090.
    if (o.kind !== "NetworkPolicy" || typeof name !== "string" || !/^np-20[0-9]$/.test(name)) return o;
    const spec = o.spec as Json;
    return {
      ...o,
      spec: { ...spec, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 9090 }] }] },
    };
  });
  const snap = (xs: Json[]) =>
    buildSnapshot(xs.map((value) => ({ value, source: { file: "bench", line: 1 } }))).snapshot;
  const before = snap(objs);
  const after = snap(changed);
  const t = performance.now();
  const groups = diffSnapshots(before, after, [
    { port: 8080, protocol: "TCP" },
    { port: 80, protocol: "TCP" },
  ]);
  return { ms: performance.now() - t, groups: groups.length, pairs: groups.reduce((n, g) => n + g.pairs, 0) };
}
