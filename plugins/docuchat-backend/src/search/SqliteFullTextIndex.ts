import { Knex } from 'knex';
import { ENGLISH_STOP_WORDS } from '../ingest/englishStopWords';
import { FullTextHit, FullTextIndex } from './FullTextIndex';

const TABLE = 'docuchat_chunks_fts';

/**
 * FTS5 with the porter tokenizer, `_` joining words (migration
 * 20261125050000_full_text_v2), over each chunk's headings and text
 * (20261126010000_full_text_headings); its bm25() is real BM25 (k1 1.2, b 0.75,
 * Robertson/Sparck Jones IDF), which PostgresFullTextIndex computes alike.
 * The statistics behind bm25() span every tenant in the table (scores only,
 * never rows: results are filtered by tenant).
 */
export class SqliteFullTextIndex implements FullTextIndex {
  constructor(private readonly db: Knex) {}

  async indexDocument(
    trx: Knex.Transaction,
    tenantId: string,
    documentId: string,
  ): Promise<void> {
    // The same text PostgreSQL generates its tsvector from.
    await trx.raw(
      `INSERT INTO ${TABLE} (text, chunk_id, tenant_id, document_id)
       SELECT fts_heading || char(10) || text, id, tenant_id, document_id
       FROM docuchat_chunks
       WHERE tenant_id = ? AND document_id = ?`,
      [tenantId, documentId],
    );
  }

  async deleteDocument(
    db: Knex | Knex.Transaction,
    tenantId: string,
    documentId: string,
  ): Promise<void> {
    await db(TABLE)
      .where({ tenant_id: tenantId, document_id: documentId })
      .delete();
  }

  async search(
    tenantId: string,
    query: string,
    k: number,
  ): Promise<FullTextHit[]> {
    const match = toOrQuery(query);
    if (!match) return [];
    const rows = await this.db.raw(
      `SELECT chunk_id, -bm25(${TABLE}) AS score
       FROM ${TABLE}
       WHERE ${TABLE} MATCH ? AND tenant_id = ?
       ORDER BY score DESC, chunk_id
       LIMIT ?`,
      [match, tenantId, k],
    );
    return rows.map((row: { chunk_id: string; score: number }) => ({
      chunkId: row.chunk_id,
      score: Number(row.score),
    }));
  }
}

/**
 * Every word of the question (letters, digits and `_`, as the index's
 * tokenizer cuts them) but English stop words, each a quoted FTS5
 * string, ORed: quoting keeps user text from being read as FTS5 syntax
 * (NEAR, column filters, `*`). A question of stop words only keeps them, so
 * it still finds something.
 */
export function toOrQuery(query: string): string {
  const words = [
    ...new Set(query.toLocaleLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []),
  ];
  const content = words.filter(word => !ENGLISH_STOP_WORDS.has(word));
  return (content.length > 0 ? content : words)
    .map(word => `"${word}"`)
    .join(' OR ');
}
