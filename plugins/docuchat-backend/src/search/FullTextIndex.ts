import { Knex } from 'knex';

/** A chunk as the full-text index stores it: its headings, then its text. */
export interface FullTextRow {
  chunkId: string;
  tenantId: string;
  documentId: string;
  /** fullTextHeading() of the chunk's document title and heading path. */
  heading: string;
  text: string;
}

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
  /** Indexes chunks inside the caller's transaction. */
  insert(trx: Knex.Transaction, rows: FullTextRow[]): Promise<void>;
  deleteDocument(
    db: Knex | Knex.Transaction,
    tenantId: string,
    documentId: string,
  ): Promise<void>;
  search(tenantId: string, query: string, k: number): Promise<FullTextHit[]>;
}
