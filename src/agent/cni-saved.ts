/**
 * Keeping the CNI registrations across restarts: read once at start, written after every change, in
 * order (each write holds the registrations as they were when it was asked for), without blocking
 * the event loop on the disk. A failure is logged, never thrown: the registrations in memory stay
 * authoritative for this run.
 */
import type { Logger } from "pino";
import { CniRegistry } from "./cni-registry.js";
import type { CniStateFile } from "./cni-state.js";

/** The registrations' state file (undefined: in memory only) and its queue of writes. */
export class SavedRegistrations {
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: CniStateFile | undefined,
    private readonly log: Logger,
  ) {}

  /** The registrations a previous run kept; none when there is no file or it cannot be read (logged). */
  async load(): Promise<CniRegistry> {
    if (!this.file) return new CniRegistry();
    try {
      const text = await this.file.read();
      return text === undefined ? new CniRegistry() : CniRegistry.fromJSON(JSON.parse(text) as unknown);
    } catch (e) {
      this.log.warn({ file: this.file.path, error: (e as Error).message }, "ignoring unreadable CNI state");
      return new CniRegistry();
    }
  }

  /** Queues a write of `registry` as it is now; resolves when that write has ended. */
  save(registry: CniRegistry): Promise<void> {
    const file = this.file;
    if (!file) return this.saving;
    const text = JSON.stringify(registry.toJSON());
    // .catch after .then: a write that throws instead of rejecting must not jam the queue either
    this.saving = this.saving
      .then(() => file.write(text))
      .catch((e: unknown) => {
        this.log.warn({ file: file.path, error: String(e) }, "cannot save CNI registrations");
      });
    return this.saving;
  }

  /** Resolves once every write asked for so far has ended. */
  saved(): Promise<void> {
    return this.saving;
  }
}
