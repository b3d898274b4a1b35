import { EmbeddingProvider } from '@docuchat/backstage-plugin-docuchat-node';

/** Cosine similarity of the question to each text, in order. */
export type SemanticSimilarity = (
  question: string,
  texts: string[],
  signal?: AbortSignal,
) => Promise<number[]>;

/**
 * Semantic overlap from an embedding model that runs in process (the local
 * model): the question and the candidate units in one call. A remote
 * provider is not used here: the extractive answerer is what answers when
 * the network fails, and its calls would be tokens nobody metered.
 */
export function localSemanticSimilarity(
  embeddings: EmbeddingProvider,
): SemanticSimilarity | undefined {
  if (!embeddings.model.startsWith('local:')) return undefined;
  return async (question, texts, signal) => {
    if (texts.length === 0) return [];
    const { vectors } = await embeddings.embed([question, ...texts], {
      signal,
    });
    const [q, ...rest] = vectors;
    return rest.map(v => cosine(q, v));
  };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
