import { ServiceUnavailableError } from '@backstage/errors';

/** Why a piece of work was aborted by the drain. */
export const SHUTDOWN_REASON = 'The backend is shutting down';

/**
 * The work a replica is doing right now (answers streaming, documents
 * ingesting), so a shutdown can stop taking new work, wait for the running
 * work within a grace period, and abort what is left: each piece sees its
 * signal aborted and cleans up (settles its ledger row, releases its claim).
 */
export class RunningWork {
  readonly #running = new Set<{ done: Promise<unknown>; abort: () => void }>();
  #closing = false;

  /** True once `drain` began: take no new work. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Pieces of work running now. */
  get size(): number {
    return this.#running.size;
  }

  /**
   * Runs `fn` with a signal that aborts when `signal` does or when the drain
   * gives up on it. Refuses (503) once draining.
   */
  async run<T>(
    signal: AbortSignal | undefined,
    fn: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    if (this.#closing) {
      throw new ServiceUnavailableError(SHUTDOWN_REASON);
    }
    const controller = new AbortController();
    const combined = signal
      ? AbortSignal.any([signal, controller.signal])
      : controller.signal;
    const done = fn(combined);
    const entry = {
      done: done.catch(() => undefined),
      abort: () =>
        controller.abort(new ServiceUnavailableError(SHUTDOWN_REASON)),
    };
    this.#running.add(entry);
    try {
      return await done;
    } finally {
      this.#running.delete(entry);
    }
  }

  /**
   * Stops taking work, waits up to `graceMs` for the running work, then
   * aborts the rest and waits for it to clean up. Returns how many pieces
   * finished in time and how many were aborted.
   */
  async drain(graceMs: number): Promise<{ finished: number; aborted: number }> {
    this.#closing = true;
    const pieces = [...this.#running];
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>(resolve => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.all(pieces.map(p => p.done)), grace]);
    clearTimeout(timer);
    const left = pieces.filter(p => this.#running.has(p));
    for (const piece of left) piece.abort();
    await Promise.all(left.map(p => p.done));
    return { finished: pieces.length - left.length, aborted: left.length };
  }
}
