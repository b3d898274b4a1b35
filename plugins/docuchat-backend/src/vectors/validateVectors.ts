import { InputError } from '@backstage/errors';
import { ChunkVector } from './types';

/**
 * pgvector's `vector` type holds at most 16,000 dimensions. The exact store
 * uses the same cap so that both stores accept the same inputs.
 */
export const MAX_DIMENSIONS = 16_000;

/**
 * `hnsw.ef_search` tops out at 1,000 in pgvector; a RAG prompt never needs
 * more passages than that, so both stores reject larger k alike.
 */
export const MAX_K = 1_000;

const UUID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Tenant ids are slugs of at most 63 characters (docuchat_tenants.id). */
const MAX_TENANT_ID_LENGTH = 63;
const MAX_MODEL_LENGTH = 255;

export function assertDimensions(dimensions: number): void {
  if (
    !Number.isInteger(dimensions) ||
    dimensions < 1 ||
    dimensions > MAX_DIMENSIONS
  ) {
    throw new InputError(
      `Embedding dimensions must be an integer from 1 to ${MAX_DIMENSIONS}, got ${dimensions}`,
    );
  }
}

export function assertModel(model: string): void {
  if (
    typeof model !== 'string' ||
    model.length === 0 ||
    model.length > MAX_MODEL_LENGTH
  ) {
    throw new InputError(
      `Embedding model must be a non-empty string of at most ${MAX_MODEL_LENGTH} characters`,
    );
  }
}

export function assertTenantId(tenantId: string): void {
  if (
    typeof tenantId !== 'string' ||
    tenantId.length === 0 ||
    tenantId.length > MAX_TENANT_ID_LENGTH
  ) {
    throw new InputError(
      `Tenant id must be a non-empty string of at most ${MAX_TENANT_ID_LENGTH} characters`,
    );
  }
}

export function assertUuid(value: string, what: string): void {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    throw new InputError(`${what} must be a UUID, got ${String(value)}`);
  }
}

export function assertK(k: number): void {
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw new InputError(`k must be an integer from 1 to ${MAX_K}, got ${k}`);
  }
}

/**
 * A vector both stores can rank: the declared length, finite components
 * (pgvector rejects NaN and Infinity) and a non-zero length (cosine
 * similarity is undefined for the zero vector, and pgvector's HNSW index
 * silently leaves such rows out).
 */
export function assertUsableVector(
  vector: Float32Array,
  dimensions: number,
  what: string,
): void {
  if (!(vector instanceof Float32Array)) {
    throw new InputError(`${what} must be a Float32Array`);
  }
  if (vector.length !== dimensions) {
    throw new InputError(
      `${what} has ${vector.length} dimensions, expected ${dimensions}`,
    );
  }
  let squares = 0;
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i];
    if (!Number.isFinite(x)) {
      throw new InputError(`${what} has a non-finite component at ${i}`);
    }
    squares += x * x;
  }
  if (squares === 0) {
    throw new InputError(`${what} is the zero vector`);
  }
}

/** Checks a whole insert before anything is written. */
export function assertChunkVectors(
  model: string,
  dimensions: number,
  rows: ChunkVector[],
): void {
  assertModel(model);
  assertDimensions(dimensions);
  const seen = new Set<string>();
  for (const row of rows) {
    assertUuid(row.chunkId, 'chunkId');
    assertUuid(row.documentId, 'documentId');
    assertTenantId(row.tenantId);
    assertUsableVector(
      row.vector,
      dimensions,
      `Vector of chunk ${row.chunkId}`,
    );
    const key = row.chunkId.toLowerCase();
    if (seen.has(key)) {
      throw new InputError(`Chunk ${row.chunkId} appears twice in one insert`);
    }
    seen.add(key);
  }
}

/** Checks the arguments of `search`. */
export function assertSearch(
  tenantId: string,
  model: string,
  query: Float32Array,
  k: number,
): void {
  assertTenantId(tenantId);
  assertModel(model);
  assertK(k);
  if (!(query instanceof Float32Array)) {
    throw new InputError('Query vector must be a Float32Array');
  }
  assertDimensions(query.length);
  assertUsableVector(query, query.length, 'Query vector');
}
