import { Knex } from 'knex';
import { randomBytes, randomUUID } from 'node:crypto';
import { ChunkVector, VectorHit, VectorStore } from '../types';

/**
 * A random vector: uniform in [-1, 1)^d, or, with `around`, that vector
 * plus noise of about `spread` per component (a cluster).
 */
export function randomVector(
  random: () => number,
  dimensions: number,
  around?: Float32Array,
  spread = 0.3,
): Float32Array {
  return Float32Array.from({ length: dimensions }, (_, i) =>
    around ? around[i] + spread * (2 * random() - 1) : 2 * random() - 1,
  );
}

export function randomVectors(
  random: () => number,
  count: number,
  dimensions: number,
  around?: Float32Array,
  spread?: number,
): Float32Array[] {
  return Array.from({ length: count }, () =>
    randomVector(random, dimensions, around, spread),
  );
}

export async function ensureTenant(knex: Knex, tenantId: string) {
  const existing = await knex('docuchat_tenants').where({ id: tenantId });
  if (existing.length === 0) {
    await knex('docuchat_tenants').insert({
      id: tenantId,
      display_name: tenantId,
      owner_ref: `group:default/${tenantId}`,
    });
  }
}

/**
 * Writes a document, its chunks and their vectors in one transaction, the
 * way ingestion does (the vectors table has no foreign keys, but the
 * chunks table does).
 */
export async function writeDocument(
  trx: Knex.Transaction,
  store: VectorStore,
  options: {
    tenantId: string;
    model: string;
    vectors: Float32Array[];
    documentId?: string;
  },
): Promise<ChunkVector[]> {
  const documentId = options.documentId ?? randomUUID();
  const dimensions = options.vectors[0].length;
  await trx('docuchat_documents').insert({
    id: documentId,
    tenant_id: options.tenantId,
    title: `doc ${documentId}`,
    content_type: 'text/plain',
    content_hash: randomBytes(32).toString('hex'),
    size_bytes: 1,
    status: 'ready',
    embedding_model: options.model,
  });
  const rows: ChunkVector[] = options.vectors.map(vector => ({
    chunkId: randomUUID(),
    tenantId: options.tenantId,
    documentId,
    vector,
  }));
  for (let start = 0; start < rows.length; start += 400) {
    await trx('docuchat_chunks').insert(
      rows.slice(start, start + 400).map((row, i) => ({
        id: row.chunkId,
        tenant_id: row.tenantId,
        document_id: documentId,
        ordinal: start + i,
        text: `chunk ${start + i}`,
        heading_path: '[]',
        char_start: 0,
        char_end: 1,
        token_count: 1,
        embedding_model: options.model,
        embedding_dimensions: dimensions,
      })),
    );
  }
  await store.insert(trx, options.model, dimensions, rows);
  return rows;
}

/** Plain cosine similarity: the brute-force reference the stores must match. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

/** The reference answer: every candidate scored in float64, fully sorted. */
export function bruteForce(
  candidates: ChunkVector[],
  query: Float32Array,
  k: number,
): VectorHit[] {
  return candidates
    .map(row => ({ chunkId: row.chunkId, score: cosine(row.vector, query) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

export function recall(found: VectorHit[], expected: VectorHit[]): number {
  const wanted = new Set(expected.map(hit => hit.chunkId));
  return (
    found.filter(hit => wanted.has(hit.chunkId)).length /
    Math.max(1, expected.length)
  );
}
