/**
 * Facts about OpenAI's embedding models that the API does not tell us up
 * front. A provider must declare its vector size before the first call (the
 * vector store creates `vector(d)` columns from it), so the native sizes are
 * kept here rather than discovered from a first response.
 */

/** Default OpenAI embedding model: cheapest of the current generation. */
export const DEFAULT_OPENAI_EMBEDDING_MODEL = 'text-embedding-3-small';

/** Output size of each known model when no `dimensions` is requested. */
export const OPENAI_NATIVE_DIMENSIONS: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

/**
 * Models that accept the `dimensions` request parameter. The v3 models were
 * trained to be shortened (Matryoshka); ada-002 answers 400 when it is sent.
 */
export const OPENAI_MODELS_WITHOUT_DIMENSIONS_PARAMETER: ReadonlySet<string> =
  new Set(['text-embedding-ada-002']);
