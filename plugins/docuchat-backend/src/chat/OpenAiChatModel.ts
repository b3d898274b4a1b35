import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ChatMessage,
  ChatModel,
  ChatModelError,
  ChatStream,
  ChatUsage,
} from '@docuchat/backstage-plugin-docuchat-node';
import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import {
  createRetryObservingFetch,
  Fetch,
} from '../embeddings/retryObservingFetch';
import { countTokens } from '../ingest/tokens';
import { countPromptTokens } from './chatTokens';
import { classifyChatFailure } from './classifyChatFailure';
import { DeltaStream } from './DeltaStream';

/** @public */
export interface OpenAiChatModelOptions {
  apiKey: string;
  /** Any OpenAI-compatible server (vLLM, Ollama, LiteLLM). Default: OpenAI. */
  baseURL?: string;
  /** e.g. `gpt-4o-mini`. */
  model: string;
  /**
   * Limit for the whole answer, from sending the request to the last chunk.
   * Default 120 000 ms. Hit before the first token it is a `timeout` (the
   * chain falls back); hit later it ends the answer.
   */
  timeoutMs?: number;
  /** Limit from sending to the first content token. Default 15 000 ms. */
  firstTokenTimeoutMs?: number;
  logger?: LoggerService;
  /** For tests and proxies; default the global fetch. */
  fetch?: Fetch;
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * A chat model behind the official `openai` SDK, streaming with
 * `stream_options.include_usage`, so the last chunk carries the billed usage.
 *
 * No retries (`maxRetries: 0`): a failed model is not retried but replaced
 * by the next one in the chain, which answers sooner than a backoff would.
 * Two timers of our own abort the request: the first-token timer (the SDK's
 * `timeout` only covers the wait for the response headers, which a stalled
 * stream sends at once) and the whole-answer timer.
 *
 * @public
 */
export class OpenAiChatModel implements ChatModel {
  /** `openai:<model>`. */
  readonly id: string;

  readonly #client: OpenAI;
  readonly #model: string;
  readonly #baseURL: string;
  readonly #timeoutMs: number;
  readonly #firstTokenTimeoutMs: number;

  constructor(options: OpenAiChatModelOptions) {
    this.#model = options.model;
    this.id = `openai:${options.model}`;
    this.#baseURL = options.baseURL ?? DEFAULT_BASE_URL;
    this.#timeoutMs = positiveInteger(
      'timeoutMs',
      options.timeoutMs ?? 120_000,
    );
    this.#firstTokenTimeoutMs = positiveInteger(
      'firstTokenTimeoutMs',
      options.firstTokenTimeoutMs ?? 15_000,
    );
    this.#client = new OpenAI({
      apiKey: options.apiKey,
      // Explicit values, so OPENAI_BASE_URL and friends in the environment
      // are not a second, hidden way to configure the service.
      baseURL: this.#baseURL,
      organization: null,
      project: null,
      timeout: this.#timeoutMs,
      maxRetries: 0,
      // Only for its logging and its same-realm abort errors; with no
      // retries its retry-after handling never comes into play.
      fetch: createRetryObservingFetch({
        maxRetryAfterMs: 0,
        logger: options.logger,
        fetch: options.fetch,
      }),
    });
  }

  async stream(request: {
    messages: ChatMessage[];
    signal?: AbortSignal;
  }): Promise<ChatStream> {
    const { messages, signal } = request;
    signal?.throwIfAborted();
    const what = `chat completion (${this.#model}) to ${this.#baseURL}`;

    // One controller for the upstream request, aborted by the caller's
    // signal or either timer; `timedOut` says which timer it was.
    const upstream = new AbortController();
    let timedOut: string | undefined;
    const timer = (label: string, ms: number) =>
      setTimeout(() => {
        timedOut ??= label;
        upstream.abort(new Error(`no ${label} within ${ms} ms`));
      }, ms);
    const firstTokenTimer = timer('first token', this.#firstTokenTimeoutMs);
    const answerTimer = timer('complete answer', this.#timeoutMs);
    const onCallerAbort = () => upstream.abort(signal?.reason);
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    const close = () => {
      clearTimeout(firstTokenTimer);
      clearTimeout(answerTimer);
      signal?.removeEventListener('abort', onCallerAbort);
      upstream.abort();
    };

    let completion = '';
    let reported: ChatUsage | undefined;
    const fail = (error: unknown) => {
      if (signal?.aborted) return signal.reason;
      return classifyChatFailure(error, {
        what,
        maxRetries: 0,
        timeoutMs: this.#timeoutMs,
        timedOut,
      });
    };

    async function* deltas(
      chunks: AsyncIterable<ChatCompletionChunk>,
    ): AsyncGenerator<string, void, undefined> {
      let finished = false;
      try {
        for await (const chunk of chunks) {
          if (chunk.usage) {
            reported = {
              promptTokens: chunk.usage.prompt_tokens,
              completionTokens: chunk.usage.completion_tokens,
              estimated: false,
            };
          }
          for (const choice of chunk.choices ?? []) {
            const content = choice.delta?.content;
            if (content) {
              completion += content;
              yield content;
            }
            if (choice.finish_reason === 'content_filter') {
              throw new ChatModelError(
                'content_filter',
                `OpenAI ${what}: the answer was blocked by the content filter`,
              );
            }
            if (choice.finish_reason) {
              finished = true;
            }
          }
        }
      } catch (error) {
        throw fail(error);
      }
      // The SDK ends the iteration quietly when its request is aborted, and
      // a body that just stops looks the same: neither has a finish reason.
      if (!finished) {
        throw fail(
          upstream.signal.aborted
            ? upstream.signal.reason
            : new Error('stream ended before the answer was complete'),
        );
      }
    }

    let rest: AsyncGenerator<string, void, undefined>;
    let first: IteratorResult<string, void>;
    try {
      const chunks = await this.#client.chat.completions.create(
        {
          model: this.#model,
          messages,
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal: upstream.signal },
      );
      rest = deltas(chunks);
      first = await rest.next();
    } catch (error) {
      close();
      throw fail(error);
    }
    clearTimeout(firstTokenTimer);

    return new DeltaStream({
      first: first.done ? [] : [first.value],
      rest,
      close,
      finish: () =>
        reported ?? {
          // Cut, aborted or failed before the usage chunk: counted here.
          promptTokens: countPromptTokens(messages),
          completionTokens: countTokens(completion),
          estimated: true,
        },
    });
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
