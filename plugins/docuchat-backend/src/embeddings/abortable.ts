/**
 * Settles with `promise`, or rejects with the signal's reason as soon as the
 * signal aborts, whichever comes first.
 *
 * The OpenAI SDK checks the signal during a request but not while it sleeps
 * between retries (a `retry-after` can be many seconds), and the local model
 * cannot be interrupted mid-batch. Callers still get their abort at once; the
 * abandoned work finishes in the background and its outcome is ignored (a
 * rejection handler is always attached, so it is never unhandled).
 */
export function abortable<T>(
  promise: PromiseLike<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (!signal) {
    return Promise.resolve(promise);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) {
      onAbort();
    } else {
      signal.addEventListener('abort', onAbort, { once: true });
    }
    promise.then(
      value => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      error => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
