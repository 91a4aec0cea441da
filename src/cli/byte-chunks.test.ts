import { describe, expect, it } from "vitest";
import { ByteChunks } from "./byte-chunks.js";
import type { CliIo } from "./io.js";

const enc = (s: string): Buffer => Buffer.from(s, "utf8");

/** Whether two views start at the same memory (small buffers share Node's pool). */
const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean =>
  a !== undefined && b !== undefined && a.buffer === b.buffer && a.byteOffset === b.byteOffset;

/** An io that takes bytes and keeps each buffer it was given, with a flush resolved by hand. */
function heldIo() {
  const given: Uint8Array[] = [];
  const texts: string[] = [];
  let resolveFlush: (() => void) | undefined;
  const io: CliIo = {
    fs: undefined as never,
    out: (s) => texts.push(s),
    outBytes: (b) => given.push(b),
    err: () => undefined,
    stdoutIsTTY: false,
    flush: () =>
      new Promise<void>((resolve) => {
        resolveFlush = resolve;
      }),
  };
  return { io, given, texts, resolve: () => resolveFlush?.() };
}

describe("ByteChunks", () => {
  it("fills a buffer given to outBytes again only after flush resolved", async () => {
    const h = heldIo();
    const out = new ByteChunks(h.io, 4);
    out.put(enc("abcd"));
    out.emit();
    const first = h.given[0] as Uint8Array;
    const settled = out.settle();
    // flush has not resolved: the next chunk goes into another buffer.
    out.put(enc("efgh"));
    out.emit();
    expect(Buffer.from(first).toString()).toBe("abcd");
    expect(same(h.given[1], first)).toBe(false);
    h.resolve();
    await settled;
    // Released by the flush: its buffers are filled again.
    for (const t of ["ijkl", "mnop", "qrst"]) {
      out.text(t);
      out.emit();
    }
    expect(h.given.slice(2).some((b) => same(b, first))).toBe(true);
    expect(h.given.slice(2).map((b) => Buffer.from(b).toString())).toEqual(["ijkl", "mnop", "qrst"]);
    expect(out.emitted).toBe(5);
    expect(h.texts).toEqual([]);
  });

  it("writes text through out when the io takes no bytes, chunk by chunk", async () => {
    const texts: string[] = [];
    let before = 0;
    const io: CliIo = {
      fs: undefined as never,
      out: (s) => texts.push(s),
      err: () => undefined,
      stdoutIsTTY: false,
    };
    const out = new ByteChunks(io, 8, () => before++);
    out.putRow(enc(","), [enc("ab"), enc("cd"), enc("éf")], 0, 3);
    const buf = out.room(2);
    buf.write("zz", out.length, "latin1");
    out.advance(2);
    out.text("\n");
    expect(out.length).toBeGreaterThan(0);
    out.emit();
    await out.settle();
    expect(texts.join("")).toBe(",ab,cd,éfzz\n");
    expect(texts.length).toBe(out.emitted);
    expect(before).toBe(out.emitted);
    expect(out.length).toBe(0);
  });
});
