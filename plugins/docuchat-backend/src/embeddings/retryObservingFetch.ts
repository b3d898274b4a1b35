import { LoggerService } from '@backstage/backend-plugin-api';
import { isRetryableStatus, retryAfterMs } from './retryAfter';

/** Marks a response whose `retry-after` we refused to wait for. */
export const RETRY_REFUSED_HEADER = 'x-docuchat-retry-after-refused-ms';

/** The fetch signature the OpenAI SDK accepts as its `fetch` option. */
export type Fetch = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<Response>;

/**
 * Wraps the fetch the OpenAI SDK uses. The SDK does the retrying (backoff,
 * `retry-after`); this only watches it:
 *
 * - It logs each retryable answer (429, 5xx, connection failure), which the
 *   SDK reports only through its own logger and, at the level that shows
 *   retries, also logs every successful request.
 * - It refuses waits longer than `maxRetryAfterMs`. The SDK (6.x) sleeps for
 *   whatever `retry-after` says, however long, and its sleep does not watch
 *   the abort signal. A longer wait is answered with `x-should-retry: false`,
 *   which the SDK obeys, so the caller gets the 429 at once and can
 *   reschedule; the wait that was asked for is kept in a header for the error
 *   message.
 */
export function createRetryObservingFetch(options: {
  maxRetryAfterMs: number;
  logger?: LoggerService;
  fetch?: Fetch;
}): Fetch {
  const { maxRetryAfterMs, logger } = options;
  const baseFetch: Fetch =
    options.fetch ?? ((input, init) => fetch(input, init));

  return async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    let response: Response;
    try {
      response = await baseFetch(input, init);
    } catch (error) {
      // Aborts are the SDK's timeout or the caller's signal: the final error
      // says which, so they are not worth a warning per attempt.
      const aborted = init?.signal?.aborted ?? false;
      const log = aborted ? logger?.debug : logger?.warn;
      log?.call(
        logger,
        `OpenAI request to ${url} failed without a response: ${String(
          (error as Error)?.cause ?? error,
        )}`,
      );
      throw sameRealmError(error);
    }
    if (!isRetryableStatus(response.status)) {
      return response;
    }

    const waitMs = retryAfterMs(response.headers);
    if (waitMs !== undefined && waitMs > maxRetryAfterMs) {
      logger?.warn(
        `OpenAI answered ${
          response.status
        } for ${url} and asked to wait ${Math.round(
          waitMs,
        )} ms, more than the ${maxRetryAfterMs} ms we wait; not retrying`,
      );
      const headers = new Headers(response.headers);
      headers.set('x-should-retry', 'false');
      headers.set(RETRY_REFUSED_HEADER, String(Math.round(waitMs)));
      return new Response(response.body, {
        status: response.status,
        statusText: response.statusText,
        headers,
      });
    }
    logger?.warn(
      `OpenAI answered ${response.status} for ${url}${
        waitMs === undefined ? '' : ` (retry after ${Math.round(waitMs)} ms)`
      }; retryable, the client retries while it has attempts left`,
    );
    return response;
  };
}

/**
 * The SDK tells its own timeout from other failures by `err instanceof
 * Error && err.name === 'AbortError'`. An error made in another realm (Node's
 * DOMException seen from inside Jest's vm sandbox, some fetch polyfills)
 * fails `instanceof` and the SDK flattens it to a bare "Connection error.",
 * losing the timeout. Re-creating it here keeps name, message and cause.
 */
function sameRealmError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null) {
    return error;
  }
  const foreign = error as {
    name?: unknown;
    message?: unknown;
    cause?: unknown;
  };
  const copy = new Error(String(foreign.message ?? ''), {
    cause: foreign.cause ?? error,
  });
  if (typeof foreign.name === 'string') {
    copy.name = foreign.name;
  }
  return copy;
}
