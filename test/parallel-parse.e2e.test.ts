/**
 * Large inputs are parsed on worker threads by the built executable; the result must be exactly what
 * the single-threaded parser gives: same objects, same issues on the same lines.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli/main.js";
import { nodeInputFs } from "../src/load/node-fs.js";
import { PARALLEL_THRESHOLD } from "../src/load/parallel-parse.js";
import { memoryIo } from "./support/memory-io.js";

const bin = join(import.meta.dirname, "..", "dist", "cli", "bin.js");

function policy(i: number): string {
  return [
    "apiVersion: networking.k8s.io/v1",
    "kind: NetworkPolicy",
    `metadata: {name: np-${i}, namespace: ns-${i % 7}}`,
    "spec:",
    "  podSelector: {matchLabels: {app: web}}",
    "  ingress:",
    `  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [${i % 97 === 0 ? "11.0.0.0/16" : "10.1.0.0/16"}]}}]`,
    `    ports: [{port: ${i % 89 === 0 ? '"8080"' : 8080}}]`,
    "",
  ].join("\n");
}

describe("parallel parsing of large inputs", () => {
  it("gives the same issues, on the same lines, as parsing on one thread", async () => {
    const docs: string[] = [];
    for (let i = 0, size = 0; size < PARALLEL_THRESHOLD * 1.3; i++) {
      const d = i === 3000 ? "kind: [\n" : policy(i);
      docs.push(d);
      size += d.length + 4;
    }
    const file = join(mkdtempSync(join(tmpdir(), "netguard-parallel-")), "big.yaml");
    writeFileSync(file, docs.join("---\n"));
    const threaded = spawnSync(process.execPath, [bin, "validate", "--format", "json", file], {
      encoding: "utf8",
      maxBuffer: 1 << 26,
    });
    expect(threaded.status).toBe(1);
    const io = { ...memoryIo({}), fs: nodeInputFs }; // from TypeScript sources: one thread
    expect(await runCli(io, ["validate", "--format", "json", file])).toBe(1);
    const a = JSON.parse(threaded.stdout);
    const b = JSON.parse(io.stdout());
    expect(a.issues.length).toBeGreaterThan(10);
    expect(a.issues.some((i: { code: string }) => i.code === "malformed-document")).toBe(true);
    const diffs = a.issues
      .map((x: unknown, k: number) => [x, b.issues[k]])
      .filter(([x, y]: unknown[]) => JSON.stringify(x) !== JSON.stringify(y))
      .slice(0, 3);
    expect(JSON.stringify(diffs)).toBe("[]");
    expect(a).toEqual(b);
  });
});
