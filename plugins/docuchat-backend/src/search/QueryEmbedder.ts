import { EmbeddingProvider } from '@docuchat/backstage-plugin-docuchat-node';
import { randomUUID } from 'node:crypto';
import { UsageEntry } from '../usage/UsageLedger';
import { countTokens } from '../ingest/tokens';
import { embeddingCounts, UsageMeter } from '../usage/UsageMeter';

/** Where query vectors are kept between questions (see src/cache). */
export interface QueryVectorCache {
  get(
    model: string,
    dimensions: number,
    text: string,
  ): Promise<Float32Array | undefined>;
  set(
    model: string,
    dimensions: number,
    text: string,
    vector: Float32Array,
  ): Promise<void>;
}

/** Who a query embedding is billed to. */
export interface QueryContext {
  tenantId: string;
  /** Ledger id of the embedding call; default a fresh UUID. */
  requestId?: string;
  userRef?: string;
  conversationId?: string;
  /** Told about the call once it is recorded (not on cache hits). */
  onUsage?: (entry: UsageEntry) => void;
}

/**
 * Turns a question into its vector: from the cache when the same text was
 * embedded with the same model before, otherwise by one metered model call
 * (a ledger row for the asking tenant). A cache hit costs nobody anything.
 */
export class QueryEmbedder {
  readonly #embeddings: EmbeddingProvider;
  readonly #meter: UsageMeter;
  readonly #cache?: QueryVectorCache;

  constructor(options: {
    embeddings: EmbeddingProvider;
    meter: UsageMeter;
    cache?: QueryVectorCache;
  }) {
    this.#embeddings = options.embeddings;
    this.#meter = options.meter;
    this.#cache = options.cache;
  }

  get model(): string {
    return this.#embeddings.model;
  }

  async embed(
    text: string,
    context: QueryContext,
    signal?: AbortSignal,
  ): Promise<Float32Array> {
    const { model, dimensions } = this.#embeddings;
    const cached = await this.#cache?.get(model, dimensions, text);
    if (cached) return cached;

    const entry: UsageEntry = {
      requestId: context.requestId ?? randomUUID(),
      tenantId: context.tenantId,
      model,
      operation: 'embedding',
      promptTokens: countTokens(text),
      completionTokens: 0,
      estimated: true,
      userRef: context.userRef,
      conversationId: context.conversationId,
    };
    const result = await this.#meter.metered(
      entry,
      () =>
        this.#embeddings.embed([text], { signal }).catch(error => {
          this.#meter.countFailedEmbedding(model, signal);
          throw error;
        }),
      embeddingCounts,
      signal,
    );
    context.onUsage?.({ ...entry, ...embeddingCounts(result) });
    const [vector] = result.vectors;
    await this.#cache?.set(model, dimensions, text, vector);
    return vector;
  }
}
