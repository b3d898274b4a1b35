import { ForwardedError, ServiceUnavailableError } from '@backstage/errors';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
} from 'openai';
import { isRetryableStatus } from './retryAfter';
import { RETRY_REFUSED_HEADER } from './retryObservingFetch';

/** What the error message needs to say where and how hard we tried. */
export interface OpenAiCallContext {
  /** e.g. `embeddings request 2/3 to https://api.openai.com/v1` */
  what: string;
  maxRetries: number;
  timeoutMs: number;
}

/**
 * Turns an error thrown by the OpenAI SDK into a Backstage error whose
 * message says what failed and how often it was tried.
 *
 * Transient failures that outlived the retries (429, 5xx, timeouts, lost
 * connections) become `ServiceUnavailableError` (HTTP 503 through the
 * Backstage error handler: the upstream is down or saturated, the request
 * itself was fine). Everything else (400 bad input, 401 wrong key, 404
 * unknown model) is a configuration or caller bug: `ForwardedError` keeps the
 * SDK's error name and message.
 */
export function toOpenAiError(error: unknown, context: OpenAiCallContext) {
  const attempts = `${context.maxRetries + 1} attempt${
    context.maxRetries === 0 ? '' : 's'
  }`;
  if (error instanceof APIConnectionTimeoutError) {
    return new ServiceUnavailableError(
      `OpenAI ${context.what} timed out (${context.timeoutMs} ms per attempt, ${attempts})`,
      error,
    );
  }
  if (error instanceof APIConnectionError) {
    return new ServiceUnavailableError(
      `OpenAI ${context.what} could not connect (${attempts})`,
      error,
    );
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const refusedWait = error.headers?.get(RETRY_REFUSED_HEADER);
    if (refusedWait) {
      return new ServiceUnavailableError(
        `OpenAI ${context.what} failed with status ${error.status} and asked to wait ${refusedWait} ms, longer than we wait; not retried`,
        withoutUpstreamText(error),
      );
    }
    if (isRetryableStatus(error.status)) {
      return new ServiceUnavailableError(
        `OpenAI ${context.what} failed with status ${error.status} (${attempts})`,
        withoutUpstreamText(error),
      );
    }
    return new ForwardedError(
      `OpenAI ${context.what} was rejected with status ${error.status} (not retried)`,
      withoutUpstreamText(error),
    );
  }
  return new ForwardedError(`OpenAI ${context.what} failed`, error);
}

/**
 * The upstream's status and error codes without its free text: servers
 * echo what they were sent ("Incorrect API key provided: sk-…"), and the
 * cause's message ends up in logs, error bodies and stream events.
 */
function withoutUpstreamText(error: APIError): Error {
  const codes = [error.type, error.code]
    .filter(part => typeof part === 'string' && part !== '')
    .join(', ');
  const summary = new Error(
    `status ${error.status}${codes ? ` (${codes})` : ''}`,
  );
  summary.name = error.name;
  return summary;
}
