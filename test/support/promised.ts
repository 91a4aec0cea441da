/**
 * For in-memory fakes of async interfaces: runs `work` now and answers its result as a settled
 * promise, a throw as a rejection — how the real asynchronous implementation behaves (it never throws
 * synchronously) — without an `async` function that awaits nothing.
 */
export function promised<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(`non-Error thrown: ${JSON.stringify(e)}`));
  }
}
