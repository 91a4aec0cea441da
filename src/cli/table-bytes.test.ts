import { describe, expect, it } from "vitest";
import type { CliIo } from "./io.js";
import { type MarkRows, tableLines } from "./matrix-table.js";
import { writeTableBytes } from "./table-bytes.js";

const PORTS = [
  { port: 80, protocol: "TCP" as const },
  { port: 53, protocol: "UDP" as const },
];

/** Marks from a fixed pattern; `odd` gives row 1 marks the byte layout cannot hold. */
function rows(names: readonly string[], odd: readonly string[] = []): MarkRows {
  const symbols = [".", "X", "-", "~"];
  return {
    ports: PORTS,
    names,
    marks: (k, row) =>
      names.map((_, col) => (row === 1 && odd.length > 0 ? odd : symbols)[(k + row + col) % 4] as string),
  };
}

/**
 * An io that takes bytes, and checks the writer's promise: a buffer it was given is not written
 * again before `flush` resolved (its bytes are copied at flush time, as a slow stdout would).
 */
function bytesIo(): { io: CliIo; text: () => string; flushes: () => number } {
  const taken: string[] = [];
  let pending: Uint8Array[] = [];
  let snapshots: string[] = [];
  let flushes = 0;
  const io: CliIo = {
    fs: undefined as never,
    out: (s) => {
      taken.push(
        ...pending.map<string>((b, i) =>
          Buffer.from(b).toString("utf8") === snapshots[i] ? snapshots[i] : "CHANGED",
        ),
      );
      pending = [];
      snapshots = [];
      taken.push(s);
    },
    outBytes: (b) => {
      pending.push(b);
      snapshots.push(Buffer.from(b).toString("utf8"));
    },
    err: () => undefined,
    stdoutIsTTY: false,
    flush: async () => {
      flushes++;
      await Promise.resolve();
      taken.push(
        ...pending.map((b, i) =>
          Buffer.from(b).toString("utf8") === snapshots[i] ? snapshots[i] : "CHANGED",
        ),
      );
      pending = [];
      snapshots = [];
    },
  };
  return { io, text: () => taken.join(""), flushes: () => flushes };
}

const expected = (src: MarkRows, tail: string) => [...tableLines(src)].join("") + tail;

describe("writeTableBytes", () => {
  it("writes the bytes of tableLines, in small chunks, refilling a buffer only after flush", async () => {
    const names = Array.from({ length: 40 }, (_, i) => `ns-${i % 3}/ReplicaSet/app-${i}-rs`);
    const src = rows(names);
    const { io, text, flushes } = bytesIo();
    await writeTableBytes(io, src, () => "\n-  legend\n", undefined, 256);
    expect(text()).toBe(expected(src, "\n-  legend\n"));
    expect(flushes()).toBeGreaterThan(10);
  });

  it("falls back to text rows for non-ASCII names and marks that are not one visible character", async () => {
    for (const [names, odd] of [
      [["x/a", "x/é", "x/c"], []],
      [
        ["x/a", "x/b", "x/c"],
        ["✓", " ", "ab", ""],
      ],
      [["x/a", "x/b c", "x/d"], []],
      [["x/a"], []],
    ] as const) {
      const src = rows(names, odd);
      const { io, text } = bytesIo();
      await writeTableBytes(io, src, () => "", undefined, 64);
      expect(text()).toBe(expected(src, ""));
    }
  });

  it("writes text through out when the io takes no bytes", async () => {
    const src = rows(["x/a", "x/b"]);
    let text = "";
    const io: CliIo = {
      fs: undefined as never,
      out: (s) => void (text += s),
      err: () => undefined,
      stdoutIsTTY: false,
    };
    await writeTableBytes(io, src, () => "tail\n");
    expect(text).toBe(expected(src, "tail\n"));
  });
});
