import { QueryVectorCache } from './QueryEmbedder';
import { decodeFloat32LEInto, encodeFloat32LE } from '../vectors/float32Blob';
import { digestKeyMaterial, normalizeQuery } from '../cache/cacheKeys';
import { GuardedCache } from '../cache/GuardedCache';

/** Bumped whenever the stored shape changes: old entries become misses. */
const FORMAT = 1;

/**
 * A stored vector: its float32 bytes (little-endian) in base64, about a
 * third of the size of a JSON number array and exact to the bit.
 */
type StoredQueryEmbedding = {
  format: typeof FORMAT;
  dimensions: number;
  float32le: string;
};

/**
 * Query vectors by (embedding model, dimensions, normalized text), so a
 * question asked again is not embedded (and billed) again.
 *
 * Shared by all tenants on purpose: a vector depends only on the model and
 * the text. The text is hashed into the key, never stored. A vector that
 * does not decode to `dimensions` finite numbers is a miss.
 */
export class QueryEmbeddingCache implements QueryVectorCache {
  readonly #cache: GuardedCache;
  readonly #ttlMs: number;

  constructor(options: { cache: GuardedCache; ttlSeconds: number }) {
    if (!(options.ttlSeconds > 0)) {
      throw new Error('QueryEmbeddingCache needs a positive ttlSeconds');
    }
    this.#cache = options.cache;
    this.#ttlMs = options.ttlSeconds * 1000;
  }

  async get(
    model: string,
    dimensions: number,
    text: string,
  ): Promise<Float32Array | undefined> {
    const stored = await this.#cache.get(
      queryEmbeddingCacheKey(model, dimensions, text),
    );
    return decode(stored, dimensions);
  }

  async set(
    model: string,
    dimensions: number,
    text: string,
    vector: Float32Array,
  ): Promise<void> {
    // Never store what `get` would refuse.
    if (vector.length !== dimensions || !allFinite(vector)) return;
    const stored: StoredQueryEmbedding = {
      format: FORMAT,
      dimensions,
      float32le: encodeFloat32LE(vector).toString('base64'),
    };
    await this.#cache.set(
      queryEmbeddingCacheKey(model, dimensions, text),
      stored,
      this.#ttlMs,
    );
  }
}

/** The cache service key of a query's vector (exported for tests and ops). */
export function queryEmbeddingCacheKey(
  model: string,
  dimensions: number,
  text: string,
): string {
  const digest = digestKeyMaterial([model, dimensions, normalizeQuery(text)]);
  return `query-embedding:v${FORMAT}:${digest}`;
}

function decode(stored: unknown, dimensions: number): Float32Array | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined;
  const entry = stored as Partial<StoredQueryEmbedding>;
  if (
    entry.format !== FORMAT ||
    entry.dimensions !== dimensions ||
    typeof entry.float32le !== 'string'
  ) {
    return undefined;
  }
  const bytes = Buffer.from(entry.float32le, 'base64');
  if (bytes.byteLength !== dimensions * 4) return undefined;
  const vector = new Float32Array(dimensions);
  decodeFloat32LEInto(bytes, vector, 0);
  return allFinite(vector) ? vector : undefined;
}

function allFinite(vector: Float32Array) {
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) return false;
  }
  return true;
}
