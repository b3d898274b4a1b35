import { Knex } from 'knex';
import { FullTextHit, FullTextIndex } from './FullTextIndex';

// BM25 parameters (Robertson/Sparck Jones defaults, also Lucene's).
const K1 = 1.2;
const B = 0.75;
// FTS5's floor for the IDF of words in more than half the chunks, whose
// Robertson/Sparck Jones IDF is zero or negative.
const MIN_IDF = 1e-6;

/**
 * BM25 over PostgreSQL's own lexemes, computed the way SQLite's FTS5 bm25()
 * computes it, so both databases rank alike: Robertson/Sparck Jones IDF
 * (floored at 1e-6 for words in more than half the chunks, as FTS5 does)
 * and the chunk's length in words, stop words included (`fts_length`).
 * Text and question go through the same `docuchat_fts_vector` (migration
 * 20261125050000_full_text_v2). The GIN index on the generated tsvector finds
 * the candidates (chunks with any question lexeme); term frequencies come
 * from the tsvector positions, document frequencies from the candidates
 * (exactly the tenant's chunks containing each lexeme). `ts_rank_cd` is not
 * used: it has no IDF and no length normalisation, and ranks worse
 * (REFERENCE.md).
 */
export class PostgresFullTextIndex implements FullTextIndex {
  constructor(private readonly db: Knex) {}

  async insert(): Promise<void> {
    // The tsvector column is generated from docuchat_chunks.text.
  }

  async deleteDocument(): Promise<void> {
    // Goes with the chunk rows.
  }

  // Term frequencies: setweight marks the question's lexemes and ts_filter
  // keeps only them, in C, so a candidate unnests a few lexemes instead of
  // all of its own (bench:ask, 10k chunks: about 4× faster per search).
  async search(
    tenantId: string,
    query: string,
    k: number,
  ): Promise<FullTextHit[]> {
    // Named bindings; casts are written CAST(…) because knex reads `::x` as
    // a binding.
    const { rows } = await this.db.raw(
      `
      WITH q AS (
        SELECT lexemes,
               array_to_string(array(SELECT quote_literal(l) FROM unnest(lexemes) l), ' | ') AS expr
        FROM (SELECT tsvector_to_array(docuchat_fts_vector(:query)) AS lexemes) x
      ),
      stats AS (
        SELECT CAST(count(*) AS float8) AS n, CAST(coalesce(nullif(avg(fts_length), 0), 1) AS float8) AS avgdl
        FROM docuchat_chunks WHERE tenant_id = :tenantId
      ),
      candidates AS (
        SELECT c.id, c.fts_length, c.tsv
        FROM docuchat_chunks c, q
        WHERE q.expr <> '' AND c.tenant_id = :tenantId
          AND c.tsv @@ to_tsquery('simple', q.expr)
      ),
      tf AS (
        SELECT candidates.id, candidates.fts_length, u.lexeme,
               CAST(coalesce(array_length(u.positions, 1), 1) AS float8) AS tf
        FROM candidates, q,
             unnest(ts_filter(setweight(candidates.tsv, 'A', q.lexemes), '{a}')) u
      ),
      df AS (SELECT lexeme, CAST(count(*) AS float8) AS df FROM tf GROUP BY lexeme)
      SELECT tf.id AS chunk_id,
             sum(greatest(ln((stats.n - df.df + 0.5) / (df.df + 0.5)), :minIdf)
                 * tf.tf * (p.k1 + 1)
                 / (tf.tf + p.k1 * (1 - p.b + p.b * tf.fts_length / stats.avgdl))) AS score
      FROM tf JOIN df USING (lexeme), stats,
           (SELECT CAST(:k1 AS float8) AS k1, CAST(:b AS float8) AS b) p
      GROUP BY tf.id
      ORDER BY score DESC, tf.id
      LIMIT :k`,
      { query, tenantId, k, k1: K1, b: B, minIdf: MIN_IDF },
    );
    return rows.map((row: { chunk_id: string; score: number }) => ({
      chunkId: row.chunk_id,
      score: Number(row.score),
    }));
  }
}
