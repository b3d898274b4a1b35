import { LoggerService } from '@backstage/backend-plugin-api';
import {
  EmbeddingProvider,
  EmbeddingResult,
} from '@docuchat/backstage-plugin-docuchat-node';
import { abortable } from './abortable';
import { assertEmbeddableTexts } from './assertEmbeddableTexts';
import { countEmbeddingTokens } from './countEmbeddingTokens';
import { l2Normalize } from './l2Normalize';
import { loadUseLiteModel } from './loadUseLiteModel';
import { splitIntoBatches } from './splitIntoBatches';

/** @public */
export interface LocalEmbeddingProviderOptions {
  /**
   * Texts per model call. Default 8: a call cannot be interrupted (about
   * 30 ms per passage on one core), so an abort takes effect within one
   * batch. The model runs in a worker thread (loadUseLiteModel), never on
   * the backend's event loop.
   */
  batchSize?: number;
  logger?: LoggerService;
}

/**
 * Embeds in process with Universal Sentence Encoder lite (512-d), shipped in
 * an npm package: the fallback that works without an OpenAI key or network.
 * Weaker than OpenAI's models for retrieval (see REFERENCE.md), so it is
 * meant to be fused with full-text search.
 *
 * @public
 */
export class LocalEmbeddingProvider implements EmbeddingProvider {
  readonly model = 'local:use-lite:512';
  readonly dimensions = 512;

  readonly #batchSize: number;
  readonly #logger: LoggerService | undefined;
  #loggedLoad = false;

  constructor(options: LocalEmbeddingProviderOptions = {}) {
    this.#batchSize = options.batchSize ?? 8;
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1) {
      throw new RangeError(
        `batchSize must be a positive integer, got ${options.batchSize}`,
      );
    }
    this.#logger = options.logger;
  }

  /**
   * Loads the model now rather than on the first `embed` (about 0.3 s and
   * 100 MB), e.g. at plugin start-up, so the first question is not slower.
   */
  async load(): Promise<void> {
    await this.#encoder();
  }

  async embed(
    texts: string[],
    options?: { signal?: AbortSignal },
  ): Promise<EmbeddingResult> {
    const signal = options?.signal;
    signal?.throwIfAborted();
    assertEmbeddableTexts(texts);
    if (texts.length === 0) {
      return { vectors: [], promptTokens: 0 };
    }

    const encoder = await abortable(this.#encoder(), signal);
    const vectors: Float32Array[] = [];
    for (const batch of splitIntoBatches(texts, this.#batchSize)) {
      // The model cannot be interrupted inside a batch; between batches the
      // signal is honoured.
      signal?.throwIfAborted();
      const output = await encoder.embed(batch);
      for (const values of output) {
        vectors.push(l2Normalize(Float32Array.from(values)));
      }
    }
    return { vectors, promptTokens: countEmbeddingTokens(texts) };
  }

  async #encoder() {
    const { encoder, loadMs } = await loadUseLiteModel();
    if (!this.#loggedLoad) {
      this.#loggedLoad = true;
      this.#logger?.info(
        `Local embedding model ${this.model} loaded in ${Math.round(
          loadMs,
        )} ms`,
      );
    }
    return encoder;
  }
}
