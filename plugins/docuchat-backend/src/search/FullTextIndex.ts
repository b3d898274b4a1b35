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
  /**
   * How common each word is: the chunks holding it as this index stems it
   * (0 for a word it never saw, or drops as a stop word), and the chunks
   * counted, from the statistics BM25 itself uses.
   */
  wordStatistics(tenantId: string, words: string[]): Promise<WordStatistics>;
}

/** Document frequencies by the word as asked, and the number of chunks. */
export interface WordStatistics {
  chunkCount: number;
  documentFrequency: Map<string, number>;
}
