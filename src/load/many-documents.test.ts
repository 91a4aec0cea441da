/**
 * Inputs with hundreds of thousands of documents (a cluster dump, a rendered monorepo) load and
 * validate: no step spreads an input-sized list into call arguments, which overflows the stack
 * (`RangeError: Maximum call stack size exceeded` at 250,000 documents before appendAll).
 */
import { describe, expect, it } from "vitest";
import { memoryIo } from "../../test/support/memory-io.js";
import { runCli } from "../cli/main.js";
import type { RawObject } from "./documents.js";
import { joinSegments } from "./documents.js";
import { type InputFs, readInputs } from "./sources.js";

const COUNT = 250_000;

/** `count` small YAML documents in one stream: a NetworkPolicy every `policyEvery`-th, else a Namespace. */
function stream(count: number, policyEvery: number): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    docs.push(
      i % policyEvery === 0
        ? `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: p-${i}\n  namespace: ns\nspec:\n  podSelector: {}\n`
        : `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-${i}\n`,
    );
  }
  return docs.join("---\n");
}

function oneFile(path: string, text: string): InputFs {
  return {
    readFile: async (p) => (p === path ? text : Promise.reject(new Error(`ENOENT: ${p}`))),
    kind: (p) => Promise.resolve(p === path ? "file" : undefined),
    list: () => Promise.resolve([]),
    readStdin: () => Promise.resolve(""),
  };
}

describe("inputs with 250,000 documents", () => {
  it("the loader reads every document of a 250,000-document stream, each at its own line", async () => {
    const text = stream(COUNT, 1000);
    const lastLine = text.slice(0, text.lastIndexOf("---\n")).split("\n").length + 1;
    const read = await readInputs(oneFile("all.yaml", text), ["all.yaml"]);
    expect(read.issues).toEqual([]);
    expect(read.objects.length).toBe(COUNT);
    expect(read.objects[COUNT - 1]?.source).toEqual({ file: "all.yaml", line: lastLine });
  });

  it("validate - checks all 250,000 NetworkPolicies of a stream on stdin and exits 0", async () => {
    const io = memoryIo({}, { stdin: stream(COUNT, 1) });
    expect(await runCli(io, ["validate", "-"])).toBe(0);
    expect(io.stderr()).toBe("");
    expect(io.stdout()).toBe(`0 error(s), 0 warning(s) in ${COUNT} NetworkPolicies from 1 file(s)\n`);
  });

  it("joining a full-parser segment that holds 250,000 objects (a long List) keeps them all", () => {
    const objects: RawObject[] = Array.from({ length: COUNT }, (_, i) => ({
      value: { kind: "Namespace", metadata: { name: `ns-${i}` } },
      source: { file: "l.yaml", line: i + 2 },
    }));
    const joined = joinSegments(
      "l.yaml",
      [{ kind: "full", text: "", lineOffset: 0 }],
      [{ objects, issues: [] }],
    );
    expect(joined.objects.length).toBe(COUNT);
    expect(joined.objects[COUNT - 1]).toBe(objects[COUNT - 1]);
  });
});
