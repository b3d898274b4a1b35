import {
  ChatModelError,
  ChatModelFailureReason,
} from '@docuchat/backstage-plugin-docuchat-node';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
} from 'openai';
import { OpenAiCallContext, toOpenAiError } from '../embeddings/openAiError';

/**
 * Turns what a chat completion threw into a `ChatModelError` with the reason
 * the fallback chain steps down on, or, for failures no other model would
 * fix (401 wrong key, 404 unknown model, 400 bad request), the Backstage
 * error `toOpenAiError` makes, so a misconfiguration is not hidden behind a
 * fallback.
 */
export function classifyChatFailure(
  error: unknown,
  context: OpenAiCallContext & {
    /** Set when our own first-token or answer timer aborted the request. */
    timedOut?: string;
  },
): Error {
  if (error instanceof ChatModelError) {
    return error;
  }
  const described = toOpenAiError(error, context);
  // An HTTP error status means the request was turned away unread (an
  // APIError without one is an error event inside a started stream), and a
  // refused connection or unknown host means it never left.
  const turnedAway =
    (error instanceof APIError && error.status !== undefined) ||
    neverSent(error);
  const fail = (reason: ChatModelFailureReason, message = described.message) =>
    new ChatModelError(reason, message, {
      cause: error,
      promptMayBeBilled: !turnedAway,
    });

  if (context.timedOut) {
    return fail(
      'timeout',
      `OpenAI ${context.what}: no ${context.timedOut} in time`,
    );
  }
  if (error instanceof APIConnectionTimeoutError) {
    return fail('timeout');
  }
  if (error instanceof APIConnectionError) {
    return fail('connection');
  }
  if (error instanceof APIError) {
    if (isContentFilterCode(error.code) || isContentFilterCode(error.error)) {
      return fail('content_filter');
    }
    if (error.status === 429) {
      return fail('rate_limit');
    }
    if (error.status === undefined || error.status >= 500) {
      // No status: an error event inside the stream, sent by the server.
      return fail('server_error');
    }
    return described;
  }
  if (error instanceof SyntaxError) {
    // A chunk that is not JSON: the server (or a proxy) sent garbage.
    return fail('server_error', `OpenAI ${context.what}: malformed stream`);
  }
  // What the body read throws when the connection drops mid-stream
  // (undici's "terminated", ECONNRESET).
  return fail('connection', `OpenAI ${context.what}: connection lost`);
}

/** Whether the cause chain says the connection was never made. */
function neverSent(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND') return true;
  }
  return false;
}

/** Azure OpenAI sends `code: 'content_filter'`, sometimes nested. */
function isContentFilterCode(value: unknown): boolean {
  if (value === 'content_filter') return true;
  if (value && typeof value === 'object') {
    const { code, innererror } = value as { code?: unknown; innererror?: any };
    return (
      code === 'content_filter' ||
      innererror?.code === 'ResponsibleAIPolicyViolation'
    );
  }
  return false;
}
