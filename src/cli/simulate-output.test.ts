import { describe, expect, it } from "vitest";
import { memoryIo } from "../../test/support/memory-io.js";
import type { Progress } from "./progress.js";
import { writeChunks } from "./simulate-output.js";

/** A progress that logs its calls into the same sequence as stdout writes. */
function recording(log: string[]): Progress {
  return { tick: () => log.push("tick"), done: () => log.push("clear") };
}

describe("writeChunks", () => {
  it("clears the progress line before each write when stdout is the terminal too", async () => {
    const log: string[] = [];
    const io = { ...memoryIo({}, { tty: true }), out: () => void log.push("out") };
    const chunk = "x".repeat(600_000);
    await writeChunks(io, [chunk, chunk, chunk, chunk], recording(log));
    const outs = log.flatMap((e, i) => (e === "out" ? [i] : []));
    expect(outs.length).toBeGreaterThan(1);
    for (const i of outs) expect(log[i - 1]).toBe("clear");
  });

  it("waits for stdout to drain between ~1 MB writes and writes everything in order", async () => {
    let text = "";
    let flushes = 0;
    const io = {
      ...memoryIo({}),
      out: (s: string) => void (text += s),
      flush: () => {
        flushes++;
        return Promise.resolve();
      },
    };
    const chunks = Array.from({ length: 30 }, (_, i) => `${i}:${"y".repeat(100_000)}\n`);
    await writeChunks(io, chunks);
    expect(text).toBe(chunks.join(""));
    expect(flushes).toBeGreaterThanOrEqual(2);
  });
});
