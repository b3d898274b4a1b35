import { Knex } from 'knex';

/** One chunk's embedding, written with the chunk. */
export interface ChunkVector {
  chunkId: string;
  tenantId: string;
  documentId: string;
  vector: Float32Array;
}

/** A retrieved chunk; `score` is cosine similarity (higher is closer). */
export interface VectorHit {
  chunkId: string;
  score: number;
}

/**
 * Where chunk embeddings live and how they are searched. Implementations own
 * their tables. Every call is scoped to one tenant and one embedding model.
 */
export interface VectorStore {
  /** `pgvector` (HNSW + exact per-tenant path) or `exact` (in process). */
  readonly kind: 'pgvector' | 'exact';
  /**
   * Writes vectors inside the caller's transaction, so a document's chunks
   * and vectors land together or not at all.
   */
  insert(
    trx: Knex.Transaction,
    model: string,
    dimensions: number,
    rows: ChunkVector[],
  ): Promise<void>;
  /** Removes every vector of these documents of one tenant (delete, reindex). */
  deleteDocuments(
    db: Knex | Knex.Transaction,
    tenantId: string,
    documentIds: string[],
  ): Promise<void>;
  /**
   * The k nearest chunks of the tenant. Returns min(k, the tenant's vector
   * count for that model) hits, best first; never another tenant's chunk.
   */
  search(
    tenantId: string,
    model: string,
    query: Float32Array,
    k: number,
  ): Promise<VectorHit[]>;
}
