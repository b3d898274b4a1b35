import { EmbeddingProvider } from '@docuchat/backstage-plugin-docuchat-node';
import { randomUUID } from 'node:crypto';
import { UsageEntry, UsageSettlement } from '../usage/UsageLedger';
import { countTokens } from '../ingest/tokens';
import {
  embeddingCounts,
  failedCallSettlement,
  UsageMeter,
} from '../usage/UsageMeter';

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
  /**
   * Set when the caller wrote the call's pending row (`requestId`) itself,
   * with a question's other rows, and settles it: the embedder then writes
   * nothing and tells this what the row settles at, the call's counts or,
   * when it failed (`failed`), what `UsageMeter.metered` would bill
   * (nothing when refused, the estimate when aborted). Not called when no
   * call was made (the vector came from the cache).
   */
  settle?: (settlement: UsageSettlement, failed: boolean) => void;
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

  /** The vector of `text` if the cache holds it (no call, no cost). */
  async cached(text: string): Promise<Float32Array | undefined> {
    const { model, dimensions } = this.#embeddings;
    return this.#cache?.get(model, dimensions, text);
  }

  /**
   * The ledger row of embedding `text` for `context`, as it is written
   * before the call: the text counted locally, estimated.
   */
  pendingEntry(text: string, context: QueryContext): UsageEntry {
    return {
      requestId: context.requestId ?? randomUUID(),
      tenantId: context.tenantId,
      model: this.#embeddings.model,
      operation: 'embedding',
      promptTokens: countTokens(text),
      completionTokens: 0,
      estimated: true,
      userRef: context.userRef,
      conversationId: context.conversationId,
    };
  }

  async embed(
    text: string,
    context: QueryContext,
    signal?: AbortSignal,
  ): Promise<Float32Array> {
    const cached = await this.cached(text);
    if (cached) return cached;

    const { model, dimensions } = this.#embeddings;
    const entry = this.pendingEntry(text, context);
    const call = () =>
      this.#embeddings.embed([text], { signal }).catch(error => {
        this.#meter.countFailedEmbedding(model, signal);
        throw error;
      });
    const result = context.settle
      ? await call().then(
          done => {
            context.settle!(embeddingCounts(done), false);
            return done;
          },
          error => {
            context.settle!(failedCallSettlement(entry, signal), true);
            throw error;
          },
        )
      : await this.#meter.metered(entry, call, embeddingCounts, signal);
    context.onUsage?.({ ...entry, ...embeddingCounts(result) });
    const [vector] = result.vectors;
    await this.#cache?.set(model, dimensions, text, vector);
    return vector;
  }
}
