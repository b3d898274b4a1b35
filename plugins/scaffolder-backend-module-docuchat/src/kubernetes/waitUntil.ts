/** How long a runbook waits for Kubernetes, and how often it looks. */
export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
}

/**
 * Polls `check` until it returns a value (not undefined); throws `what`
 * with the last observed state when the timeout passes first.
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<{ done?: T; state: string }>,
  options: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const { done, state } = await check();
    if (done !== undefined) return done;
    if (Date.now() >= deadline) {
      throw new Error(
        `Timed out after ${Math.round(
          options.timeoutMs / 1000,
        )} s waiting for ${what} (last state: ${state})`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, options.intervalMs));
  }
}
