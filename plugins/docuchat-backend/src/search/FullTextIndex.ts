import { Knex } from 'knex';

/** A chunk found by words; `score` is BM25 (higher is better). */
export interface FullTextHit {
  chunkId: string;
  score: number;
}

/**
 * The lexical branch of retrieval: BM25 over stemmed words, any query word
 * matching (questions are not keyword lists, so words are ORed).
 */
export interface FullTextIndex {
  /**
   * Indexes a document's chunks, written to docuchat_chunks earlier in the
   * caller's transaction, from their rows: `fts_heading`, then `text`.
   */
  indexDocument(
    trx: Knex.Transaction,
    tenantId: string,
    documentId: string,
  ): Promise<void>;
  deleteDocument(
    db: Knex | Knex.Transaction,
    tenantId: string,
    documentId: string,
  ): Promise<void>;
  search(tenantId: string, query: string, k: number): Promise<FullTextHit[]>;
}
