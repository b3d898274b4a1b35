export { createEmbeddingProvider } from './createEmbeddingProvider';
export { readEmbeddingsConfig } from './readEmbeddingsConfig';
export type { EmbeddingsConfig } from './readEmbeddingsConfig';
export { OpenAiEmbeddingProvider } from './OpenAiEmbeddingProvider';
export type { OpenAiEmbeddingProviderOptions } from './OpenAiEmbeddingProvider';
export { LocalEmbeddingProvider } from './LocalEmbeddingProvider';
export type { LocalEmbeddingProviderOptions } from './LocalEmbeddingProvider';
