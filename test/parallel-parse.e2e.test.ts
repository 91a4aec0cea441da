/**
 * Large inputs whose documents the fast reader leaves to the full parser are parsed on worker
 * threads by the built executable; the result must be exactly what one thread gives: same objects,
 * same issues on the same lines.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runCli } from "../src/cli/main.js";
import { nodeInputFs } from "../src/load/node-fs.js";
import { parseDocuments } from "../src/load/documents.js";
import { PARALLEL_THRESHOLD, type parseDocumentsParallel } from "../src/load/parallel-parse.js";
import { scanBlockStream } from "../src/load/yaml-block.js";
import { parseValidation } from "./support/json.js";
import { memoryIo } from "./support/memory-io.js";

const bin = join(import.meta.dirname, "..", "dist", "cli", "bin.js");

function policy(i: number): string {
  return [
    "apiVersion: networking.k8s.io/v1",
    "kind: NetworkPolicy",
    `metadata: {name: np-${i}, namespace: ns-${i % 7}}`,
    "spec:",
    // An anchor sends odd documents to the full parser (on the workers); even ones are read fast.
    `  podSelector: ${i % 2 ? "&sel " : ""}{matchLabels: {app: web}}`,
    "  ingress:",
    `  - from: [{ipBlock: {cidr: 10.0.0.0/8, except: [${i % 97 === 0 ? "11.0.0.0/16" : "10.1.0.0/16"}]}}]`,
    `    ports: [{port: ${i % 89 === 0 ? '"8080"' : 8080}}]`,
    "",
  ].join("\n");
}

function bigStream(): string {
  const docs: string[] = [];
  for (let i = 0, size = 0; size < PARALLEL_THRESHOLD * 2.6; i++) {
    const d = i === 3000 ? "kind: [\n" : policy(i);
    docs.push(d);
    size += d.length + 4;
  }
  return docs.join("---\n");
}

describe("parallel parsing of large inputs", () => {
  it("the compiled module gives the same objects and issues, in the same order, as one thread", async () => {
    const text = bigStream();
    // The compiled module finds its worker next to it; from TypeScript sources there is none.
    const compiled = (await import(join(bin, "..", "..", "load", "parallel-parse.js"))) as {
      parseDocumentsParallel: typeof parseDocumentsParallel;
    };
    const threaded = await compiled.parseDocumentsParallel("big.yaml", text);
    const single = parseDocuments("big.yaml", text);
    expect(threaded.objects.length).toBeGreaterThan(8000);
    expect(threaded).toEqual(single);
  });

  it("gives the same issues, on the same lines, as parsing on one thread", async () => {
    const docs = bigStream().split("---\n");
    const dir = mkdtempSync(join(tmpdir(), "netguard-parallel-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "big.yaml");
    writeFileSync(file, docs.join("---\n"));
    const full = (scanBlockStream(docs.join("---\n")) ?? []).filter((x) => x.kind === "full");
    expect(full.reduce((n, x) => n + (x.kind === "full" ? x.text.length : 0), 0)).toBeGreaterThan(
      PARALLEL_THRESHOLD,
    );
    const threaded = spawnSync(process.execPath, [bin, "validate", "--format", "json", file], {
      encoding: "utf8",
      maxBuffer: 1 << 26,
    });
    expect(threaded.status).toBe(1);
    const io = { ...memoryIo({}), fs: nodeInputFs }; // from TypeScript sources: one thread
    expect(await runCli(io, ["validate", "--format", "json", file])).toBe(1);
    const a = parseValidation(threaded.stdout);
    const b = parseValidation(io.stdout());
    expect(a.issues.length).toBeGreaterThan(10);
    expect(a.issues.some((i) => i.code === "malformed-document")).toBe(true);
    const diffs = a.issues
      .map((x, k) => [x, b.issues[k]])
      .filter(([x, y]) => JSON.stringify(x) !== JSON.stringify(y))
      .slice(0, 3);
    expect(JSON.stringify(diffs)).toBe("[]");
    expect(a).toEqual(b);
  });
});
