import { describe, expect, it } from "vitest";
import { appendLogLine, type LogFs } from "./log-file.js";

function memoryFs(): LogFs & { files: Map<string, string> } {
  const files = new Map<string, string>();
  return {
    files,
    size: (f) => (files.has(f) ? Buffer.byteLength(files.get(f) ?? "") : undefined),
    rename(from, to) {
      files.set(to, files.get(from) ?? "");
      files.delete(from);
    },
    append: (f, text) => void files.set(f, (files.get(f) ?? "") + text),
  };
}

describe("the CNI plugin's log file", () => {
  it("is rotated before it grows past the limit, keeping one old file", () => {
    const fs = memoryFs();
    for (let i = 0; i < 10; i++) appendLogLine(fs, "/log", `line ${i} ${"x".repeat(20)}`, 100);
    expect([...fs.files.keys()].sort()).toEqual(["/log", "/log.1"]);
    for (const text of fs.files.values()) expect(Buffer.byteLength(text)).toBeLessThanOrEqual(100);
    expect(fs.files.get("/log")).toContain("line 9 ");
    expect(fs.files.get("/log.1")).toContain("line 7 ");
  });

  it("a single line longer than the limit is still written, to a fresh file", () => {
    const fs = memoryFs();
    appendLogLine(fs, "/log", "short", 10);
    appendLogLine(fs, "/log", "y".repeat(50), 10);
    expect(fs.files.get("/log")).toBe(`${"y".repeat(50)}\n`);
    expect(fs.files.get("/log.1")).toBe("short\n");
  });
});
