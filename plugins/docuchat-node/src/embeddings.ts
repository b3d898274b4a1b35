import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * The vectors of one `embed` call and what it cost.
 *
 * @public
 */
export interface EmbeddingResult {
  /** One vector per input text, in input order, each `dimensions` long. */
  vectors: Float32Array[];
  /** Tokens the provider billed (or counted, for a local model). */
  promptTokens: number;
}

/**
 * Turns passages and questions into vectors. The `model` id is stored with
 * every chunk, so a change of provider or model re-embeds instead of mixing
 * vectors of different models or dimensions.
 *
 * @public
 */
export interface EmbeddingProvider {
  /** Stable id of model and provider, e.g. `openai:text-embedding-3-small`. */
  readonly model: string;
  readonly dimensions: number;
  embed(
    texts: string[],
    options?: { signal?: AbortSignal },
  ): Promise<EmbeddingResult>;
}

/**
 * Lets a backend module replace DocuChat's embedding provider (the default is
 * chosen from config: OpenAI when `docuchat.openai` is set, else the local
 * model).
 *
 * @public
 */
export interface DocuchatEmbeddingsExtensionPoint {
  setEmbeddingProvider(provider: EmbeddingProvider): void;
}

/** @public */
export const docuchatEmbeddingsExtensionPoint =
  createExtensionPoint<DocuchatEmbeddingsExtensionPoint>({
    id: 'docuchat.embeddings',
  });
