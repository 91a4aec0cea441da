/**
 * The byte writer of the streamed outputs (`simulate --format json` and the truth tables): bytes
 * are laid out in a reused buffer of `size` bytes (~1 MB) that goes to stdout when full, as bytes
 * when the io takes them (`io.outBytes`: no string to build and re-encode), else as text
 * (`io.out`).
 *
 * Backpressure: a buffer handed to `outBytes` belongs to the io until `io.flush()` resolved (see
 * CliIo.outBytes). It is filled again only after that: `settle()` awaits the flush and then frees
 * the buffers that went out (`released()` frees them for a caller that awaited the flush itself).
 * Until then a new buffer is allocated, so gigabytes of output churn no memory and no byte is
 * overwritten while stdout still holds it.
 */
import type { CliIo } from "./io.js";

export class ByteChunks {
  private buf: Buffer;
  private at = 0;
  /** How many chunks went out. */
  emitted = 0;
  /** Buffers given to `outBytes` since the last flush, and buffers free to reuse. */
  private inFlight: Buffer[] = [];
  private readonly free: Buffer[] = [];
  /** Whether a chunk went out since the last `settle`. */
  private sent = false;
  /**
   * @param size bytes per buffer (tests use small ones)
   * @param beforeEmit called before each chunk goes out (e.g. to clear a progress line)
   */
  constructor(
    private readonly io: CliIo,
    private readonly size: number,
    private readonly beforeEmit?: () => void,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }
  /** Bytes in the current buffer, not yet out: where the next write goes. */
  get length(): number {
    return this.at;
  }
  /** A buffer with room for `n` more bytes at `length`; write them, then `advance(n)`. */
  room(n: number): Buffer {
    if (this.at + n > this.buf.length) {
      this.emit();
      if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
    }
    return this.buf;
  }
  advance(n: number): void {
    this.at += n;
  }
  put(bytes: Uint8Array): void {
    const buf = this.room(bytes.length);
    buf.set(bytes, this.at);
    this.at += bytes.length;
  }
  /** `head` before each of `parts[start..end)`. */
  putRow(head: Uint8Array, parts: readonly Uint8Array[], start: number, end: number): void {
    let buf = this.buf;
    let at = this.at;
    for (let j = start; j < end; j++) {
      const part = parts[j] as Uint8Array;
      if (at + head.length + part.length > buf.length) {
        this.at = at;
        this.put(head);
        this.put(part);
        buf = this.buf;
        at = this.at;
        continue;
      }
      buf.set(head, at);
      at += head.length;
      buf.set(part, at);
      at += part.length;
    }
    this.at = at;
  }
  /** `s` as utf-8. */
  text(s: string): void {
    const n = Buffer.byteLength(s, "utf8");
    const buf = this.room(n);
    buf.write(s, this.at, "utf8");
    this.at += n;
  }
  /** Sends what the buffer holds (nothing when empty) and goes on in a free or new buffer. */
  emit(): void {
    if (this.at === 0) return;
    this.beforeEmit?.();
    const full = this.buf.subarray(0, this.at);
    if (this.io.outBytes) {
      this.io.outBytes(full);
      this.inFlight.push(this.buf);
    } else this.io.out(full.toString("utf8"));
    this.buf = this.free.pop() ?? Buffer.allocUnsafe(this.size);
    this.at = 0;
    this.emitted++;
    this.sent = true;
  }
  /** stdout has taken every chunk (`flush` resolved): their buffers can be filled again. */
  released(): void {
    for (const b of this.inFlight) if (b.length === this.size) this.free.push(b);
    this.inFlight = [];
  }
  /** Waits for stdout to take what went out since the last settle, then frees its buffers. */
  async settle(): Promise<void> {
    if (!this.sent) return;
    this.sent = false;
    if (!this.io.flush) {
      this.inFlight = [];
      return;
    }
    await this.io.flush();
    this.released();
  }
}
