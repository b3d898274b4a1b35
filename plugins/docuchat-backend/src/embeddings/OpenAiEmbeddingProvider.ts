import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EmbeddingProvider,
  EmbeddingResult,
} from '@docuchat/backstage-plugin-docuchat-node';
import OpenAI from 'openai';
import { abortable } from './abortable';
import { assertEmbeddableTexts } from './assertEmbeddableTexts';
import { decodeEmbedding } from './decodeEmbedding';
import {
  DEFAULT_OPENAI_EMBEDDING_MODEL,
  OPENAI_MODELS_WITHOUT_DIMENSIONS_PARAMETER,
  OPENAI_NATIVE_DIMENSIONS,
} from './knownModels';
import { l2Normalize } from './l2Normalize';
import { toOpenAiError } from './openAiError';
import { createRetryObservingFetch, Fetch } from './retryObservingFetch';
import { splitIntoBatches } from './splitIntoBatches';

/** @public */
export interface OpenAiEmbeddingProviderOptions {
  apiKey: string;
  /** Any OpenAI-compatible server (vLLM, Ollama, LiteLLM). Default: OpenAI. */
  baseURL?: string;
  /** Default `text-embedding-3-small`. */
  model?: string;
  /**
   * Shortened vectors (v3 models). Sent to the API when set; otherwise the
   * model's native size, which must then be known (see knownModels.ts).
   */
  dimensions?: number;
  /** Most inputs per request. Default 96 (the API allows 2048). */
  batchSize?: number;
  /** Limit for one attempt of one request. Default 30 000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt (429, 5xx, timeouts, resets). Default 3. */
  maxRetries?: number;
  /** Longest `retry-after` honoured; longer waits fail at once. Default 60 s. */
  maxRetryAfterMs?: number;
  logger?: LoggerService;
  /** For tests and proxies; default the global fetch. */
  fetch?: Fetch;
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * Embeds through the official `openai` SDK. The SDK owns retries (exponential
 * backoff with jitter from 0.5 s, `retry-after` honoured) and the per-attempt
 * timeout; this class adds batching, input-order results, token usage, and
 * errors that say what failed.
 *
 * @public
 */
export class OpenAiEmbeddingProvider implements EmbeddingProvider {
  /** `openai:<model>:<dimensions>`: both change the vectors. */
  readonly model: string;
  readonly dimensions: number;

  readonly #client: OpenAI;
  readonly #apiModel: string;
  readonly #requestedDimensions: number | undefined;
  readonly #batchSize: number;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #baseURL: string;

  constructor(options: OpenAiEmbeddingProviderOptions) {
    this.#apiModel = options.model ?? DEFAULT_OPENAI_EMBEDDING_MODEL;
    this.#requestedDimensions = options.dimensions;
    this.dimensions = resolveDimensions(this.#apiModel, options.dimensions);
    this.model = `openai:${this.#apiModel}:${this.dimensions}`;
    this.#batchSize = positiveInteger('batchSize', options.batchSize ?? 96);
    this.#timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? 30_000);
    this.#maxRetries = options.maxRetries ?? 3;
    if (!Number.isInteger(this.#maxRetries) || this.#maxRetries < 0) {
      throw new RangeError(
        `maxRetries must be a non-negative integer, got ${options.maxRetries}`,
      );
    }
    this.#baseURL = options.baseURL ?? DEFAULT_BASE_URL;
    this.#client = new OpenAI({
      apiKey: options.apiKey,
      // Explicit values everywhere: otherwise the SDK falls back to
      // OPENAI_BASE_URL, OPENAI_ORG_ID and OPENAI_PROJECT_ID from the
      // environment, a second, hidden way to configure the service.
      baseURL: this.#baseURL,
      organization: null,
      project: null,
      timeout: this.#timeoutMs,
      maxRetries: this.#maxRetries,
      fetch: createRetryObservingFetch({
        maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
        logger: options.logger,
        fetch: options.fetch,
      }),
    });
  }

  async embed(
    texts: string[],
    options?: { signal?: AbortSignal },
  ): Promise<EmbeddingResult> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    assertEmbeddableTexts(texts);

    const batches = splitIntoBatches(texts, this.#batchSize);
    const vectors: Float32Array[] = [];
    let promptTokens = 0;
    // One batch at a time: ingestion is not latency-bound, and parallel
    // batches would only meet the rate limit sooner.
    for (const [i, batch] of batches.entries()) {
      const what = `embeddings request ${i + 1}/${batches.length} (${
        this.#apiModel
      }) to ${this.#baseURL}`;
      const response = await this.#request(batch, what, signal);
      vectors.push(...this.#vectorsInInputOrder(response, batch.length, what));
      promptTokens += response.usage?.prompt_tokens ?? 0;
    }
    return { vectors, promptTokens };
  }

  async #request(
    batch: string[],
    what: string,
    signal: AbortSignal | undefined,
  ): Promise<OpenAI.CreateEmbeddingResponse> {
    try {
      return await abortable(
        this.#client.embeddings.create(
          {
            model: this.#apiModel,
            input: batch,
            // Asked for explicitly, so the SDK hands us the base64 as it came
            // and we decode it straight into a Float32Array (the SDK's own
            // decoding makes a number[] of it).
            encoding_format: 'base64',
            ...(this.#requestedDimensions !== undefined && {
              dimensions: this.#requestedDimensions,
            }),
          },
          { signal },
        ),
        signal,
      );
    } catch (error) {
      if (signal?.aborted) {
        throw signal.reason;
      }
      throw toOpenAiError(error, {
        what,
        maxRetries: this.#maxRetries,
        timeoutMs: this.#timeoutMs,
      });
    }
  }

  /**
   * The API documents `index` as the input's position; results are ordered
   * by it rather than by their place in `data`, and checked to be complete,
   * because a vector stored under the wrong chunk is silent corruption.
   */
  #vectorsInInputOrder(
    response: OpenAI.CreateEmbeddingResponse,
    count: number,
    what: string,
  ): Float32Array[] {
    const vectors = new Array<Float32Array | undefined>(count);
    for (const item of response.data ?? []) {
      const index = item.index;
      if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw new Error(
          `OpenAI ${what}: answer has an embedding with index ${index} for ${count} inputs`,
        );
      }
      if (vectors[index]) {
        throw new Error(`OpenAI ${what}: answer has index ${index} twice`);
      }
      const vector = decodeEmbedding(item.embedding);
      if (vector.length !== this.dimensions) {
        throw new Error(
          `OpenAI ${what}: expected ${this.dimensions}-d vectors, got ${vector.length}-d (does the server honour 'dimensions'?)`,
        );
      }
      vectors[index] = l2Normalize(vector);
    }
    const missing = vectors.findIndex(v => v === undefined);
    if (missing !== -1 || vectors.length !== count) {
      throw new Error(
        `OpenAI ${what}: answer has ${
          response.data?.length ?? 0
        } embeddings for ${count} inputs (index ${missing} missing)`,
      );
    }
    return vectors as Float32Array[];
  }
}

/**
 * The vector size the provider declares. A requested size is checked against
 * what the model can do; without one the model's native size must be known,
 * since an unknown model's size would only show after the first call.
 */
function resolveDimensions(model: string, requested: number | undefined) {
  const native = OPENAI_NATIVE_DIMENSIONS[model];
  if (requested === undefined) {
    if (native === undefined) {
      throw new Error(
        `The vector size of embedding model '${model}' is not known; set docuchat.embeddings.dimensions`,
      );
    }
    return native;
  }
  positiveInteger('dimensions', requested);
  if (OPENAI_MODELS_WITHOUT_DIMENSIONS_PARAMETER.has(model)) {
    throw new Error(
      `Embedding model '${model}' does not accept 'dimensions'; remove docuchat.embeddings.dimensions`,
    );
  }
  if (native !== undefined && requested > native) {
    throw new Error(
      `Embedding model '${model}' makes at most ${native}-d vectors, ${requested} were asked for`,
    );
  }
  return requested;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
