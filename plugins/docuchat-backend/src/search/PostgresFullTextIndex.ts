import { Knex } from 'knex';
import { FullTextHit, FullTextIndex, WordStatistics } from './FullTextIndex';
import {
  DEFAULT_FEEDBACK,
  expandQuery,
  FeedbackChunk,
  FeedbackSettings,
  isFeedbackTerm,
} from './relevanceModel';

// BM25 parameters (Robertson/Sparck Jones defaults, also Lucene's).
const K1 = 1.2;
const B = 0.75;
// FTS5's floor for the IDF of words in more than half the chunks, whose
// Robertson/Sparck Jones IDF is zero or negative.
const MIN_IDF = 1e-6;

/**
 * A query lexeme found in the tenant's chunks, with its BM25 weight: its
 * IDF, times its weight in an expanded query.
 */
interface Term {
  lexeme: string;
  idf: number;
  /** How many of the tenant's chunks contain it. */
  df: number;
}

interface TermRow {
  lexeme: string;
  /** Occurrences in the question. */
  qtf: number;
  df: number;
  n: number;
  total_length: string | number;
}

function bm25Idf(n: number, df: number): number {
  return Math.max(Math.log((n - df + 0.5) / (df + 0.5)), MIN_IDF);
}

/**
 * BM25 over PostgreSQL's own lexemes, computed the way SQLite's FTS5 bm25()
 * computes it, so both databases rank alike: Robertson/Sparck Jones IDF
 * (floored at 1e-6 for words in more than half the chunks, as FTS5 does)
 * and the chunk's length in words, stop words included (`fts_length`).
 * Text and question go through the same `docuchat_fts_vector` (migration
 * 20261125050000_full_text_v2), the text being the chunk's headings and
 * text (20261126010000_full_text_headings); N, the average length and each lexeme's
 * document frequency come from the statistics the chunk triggers keep
 * (20261126000000_full_text_statistics). `ts_rank_cd` is not used: it has
 * no IDF and no length normalisation, and ranks worse (REFERENCE.md).
 *
 * Only chunks containing one of the question's rarer lexemes are scored
 * (MaxScore): a chunk with none of them scores less than the sum of the
 * other lexemes' largest possible contributions, idf × (k1 + 1), so once
 * the k-th score reaches that sum no unscored chunk can enter the top k and
 * the answer is exactly that of scoring every match. A question whose
 * common words would make thousands of candidates scores tens instead
 * (bench:ask, 10k chunks: about 5 ms of database time per question instead
 * of 40).
 *
 * With feedback on (relevanceModel.ts), the best first-pass chunks' lexemes
 * and positions come from their tsvectors, the document frequencies and N
 * for the 10 % cut and the IDFs from the same statistics, and the second
 * pass is the same BM25 with each lexeme's IDF scaled by its weight.
 */
export class PostgresFullTextIndex implements FullTextIndex {
  constructor(
    private readonly db: Knex,
    private readonly feedback: FeedbackSettings = DEFAULT_FEEDBACK,
  ) {}

  async indexDocument(): Promise<void> {
    // The tsvector column is generated from docuchat_chunks.fts_heading and
    // text, and the statistics follow by trigger.
  }

  async deleteDocument(): Promise<void> {
    // Goes with the chunk rows.
  }

  async search(
    tenantId: string,
    query: string,
    k: number,
  ): Promise<FullTextHit[]> {
    const { terms, queryFrequencies, averageLength, chunkCount } =
      await this.#terms(tenantId, query);
    if (terms.length === 0 || k <= 0) return [];
    const feedback = this.feedback;
    if (!feedback.enabled) {
      return this.#bm25(tenantId, terms, k, averageLength);
    }
    // The first pass only picks the feedback chunks (and counts up to
    // minHits): asking it for fewer lets MaxScore skip more.
    const first = await this.#bm25(
      tenantId,
      terms,
      Math.max(feedback.documents, feedback.minHits),
      averageLength,
    );
    if (first.length < feedback.minHits) return first.slice(0, k);

    const { chunks, documentFrequency } = await this.#feedbackChunks(
      tenantId,
      first.slice(0, feedback.documents),
    );
    for (const term of terms) documentFrequency.set(term.lexeme, term.df);
    const weights = expandQuery(queryFrequencies, chunks, feedback, term =>
      isFeedbackTerm(term, documentFrequency.get(term) ?? 0, chunkCount),
    );
    const expanded = [...weights].map(([lexeme, weight]) => {
      const df = documentFrequency.get(lexeme)!;
      return { lexeme, df, idf: weight * bm25Idf(chunkCount, df) };
    });
    return this.#bm25(tenantId, expanded, k, averageLength);
  }

  /**
   * From the tenant's statistics (the triggers' counts): each word through
   * the same text search configuration as the chunks; a word that gives
   * several lexemes counts as its commonest.
   */
  async wordStatistics(
    tenantId: string,
    words: string[],
  ): Promise<WordStatistics> {
    const { rows } = await this.db.raw<{
      rows: Array<{ word: string; df: number | null; n: number | null }>;
    }>(
      `SELECT w.word, max(l.chunk_count) AS df,
              (SELECT chunk_count FROM docuchat_fts_tenants
               WHERE tenant_id = :tenantId) AS n
       FROM jsonb_array_elements_text(CAST(:words AS jsonb)) AS w(word)
       LEFT JOIN LATERAL unnest(docuchat_fts_vector(w.word)) AS u ON true
       LEFT JOIN docuchat_fts_lexemes l
         ON l.tenant_id = :tenantId AND l.lexeme = u.lexeme
       GROUP BY w.word`,
      { tenantId, words: JSON.stringify(words) },
    );
    return {
      chunkCount: Number(rows[0]?.n ?? 0),
      documentFrequency: new Map(
        rows.map(row => [row.word, Number(row.df ?? 0)]),
      ),
    };
  }

  /** BM25 (terms' IDFs carry their weights), the top k, by MaxScore. */
  async #bm25(
    tenantId: string,
    terms: Term[],
    k: number,
    averageLength: number,
  ): Promise<FullTextHit[]> {
    // Rarest first: the essential lexemes are always a prefix.
    terms.sort((a, b) => b.idf - a.idf || a.lexeme.localeCompare(b.lexeme));
    const bound = (essential: number) =>
      terms.slice(essential).reduce((sum, t) => sum + t.idf * (K1 + 1), 0);

    // First guess: a chunk with one occurrence of a word, at average
    // length, scores its idf; so the k-th score is about the idf of the
    // word at which the rarest words' chunks first number k, and the
    // essential words are as many as that score requires.
    let reachesK = 0;
    for (let seen = terms[0].df; reachesK + 1 < terms.length && seen < k; ) {
      seen += terms[++reachesK].df;
    }
    let essential = reachesK + 1;
    while (essential < terms.length && bound(essential) > terms[reachesK].idf) {
      essential++;
    }
    for (;;) {
      const hits = await this.#score(
        tenantId,
        terms,
        essential,
        k,
        averageLength,
      );
      if (essential === terms.length) return hits;
      const kth = hits.length === k ? hits[k - 1].score : 0;
      if (kth >= bound(essential)) return hits;
      // More candidates only raise the k-th score, so the next round, with
      // the smallest prefix whose bound is within the k-th score seen here,
      // is the last.
      while (essential < terms.length && bound(essential) > kth) essential++;
    }
  }

  /** The question's lexemes that occur in the tenant's chunks. */
  async #terms(
    tenantId: string,
    query: string,
  ): Promise<{
    terms: Term[];
    queryFrequencies: Map<string, number>;
    averageLength: number;
    chunkCount: number;
  }> {
    const { rows } = await this.db.raw<{ rows: TermRow[] }>(
      `SELECT u.lexeme, coalesce(array_length(u.positions, 1), 1) AS qtf,
              l.chunk_count AS df, t.chunk_count AS n, t.total_length
       FROM docuchat_fts_tenants t
       CROSS JOIN unnest(docuchat_fts_vector(:query)) AS u
       JOIN docuchat_fts_lexemes l
         ON l.tenant_id = t.tenant_id AND l.lexeme = u.lexeme
       WHERE t.tenant_id = :tenantId`,
      { query, tenantId },
    );
    if (rows.length === 0) {
      return {
        terms: [],
        queryFrequencies: new Map(),
        averageLength: 1,
        chunkCount: 0,
      };
    }
    const n = rows[0].n;
    return {
      terms: rows.map(({ lexeme, df }) => ({
        lexeme,
        df,
        idf: bm25Idf(n, df),
      })),
      queryFrequencies: new Map(rows.map(row => [row.lexeme, row.qtf])),
      averageLength: Number(rows[0].total_length) / n || 1,
      chunkCount: n,
    };
  }

  /**
   * The lexemes of the first pass's best chunks with their frequencies
   * (positions, as the scoring counts them), and the tenant's document
   * frequency of each.
   */
  async #feedbackChunks(
    tenantId: string,
    hits: FullTextHit[],
  ): Promise<{
    chunks: FeedbackChunk[];
    documentFrequency: Map<string, number>;
  }> {
    const { rows } = await this.db.raw<{
      rows: Array<{ chunk_id: string; lexeme: string; tf: number; df: number }>;
    }>(
      `SELECT c.id AS chunk_id, u.lexeme,
              coalesce(array_length(u.positions, 1), 1) AS tf,
              l.chunk_count AS df
       FROM docuchat_chunks c
       CROSS JOIN unnest(c.tsv) AS u
       JOIN docuchat_fts_lexemes l
         ON l.tenant_id = c.tenant_id AND l.lexeme = u.lexeme
       WHERE c.tenant_id = :tenantId
         AND c.id IN (SELECT CAST(value AS uuid)
                      FROM jsonb_array_elements_text(CAST(:ids AS jsonb)))`,
      { tenantId, ids: JSON.stringify(hits.map(hit => hit.chunkId)) },
    );
    const frequencies = new Map(
      hits.map(hit => [hit.chunkId, new Map<string, number>()]),
    );
    const documentFrequency = new Map<string, number>();
    for (const row of rows) {
      frequencies.get(row.chunk_id)?.set(row.lexeme, row.tf);
      documentFrequency.set(row.lexeme, row.df);
    }
    return {
      chunks: hits.map(hit => ({
        score: hit.score,
        termFrequencies: frequencies.get(hit.chunkId)!,
      })),
      documentFrequency,
    };
  }

  /**
   * BM25 of the chunks containing any of the first `essential` terms, over
   * all the terms. Term frequencies: setweight marks the question's lexemes
   * and ts_filter keeps only them, in C, so a candidate unnests a few
   * lexemes instead of all of its own.
   */
  async #score(
    tenantId: string,
    terms: Term[],
    essential: number,
    k: number,
    averageLength: number,
  ): Promise<FullTextHit[]> {
    // Named bindings; arrays travel as JSON (knex would spread a JS array
    // into a list) and casts are written CAST(…) because knex reads `::x`
    // as a binding.
    const { rows } = await this.db.raw(
      `
      WITH w AS (
        SELECT lexeme, idf
        FROM jsonb_to_recordset(CAST(:terms AS jsonb)) AS x(lexeme text, idf float8)
      ),
      candidates AS (
        SELECT c.id, c.fts_length, c.tsv
        FROM docuchat_chunks c
        WHERE c.tenant_id = :tenantId
          AND c.tsv @@ to_tsquery('simple', (
            SELECT string_agg(quote_literal(e), ' | ')
            FROM jsonb_array_elements_text(CAST(:essential AS jsonb)) AS e))
      )
      SELECT candidates.id AS chunk_id,
             sum(w.idf * u.tf * (p.k1 + 1)
                 / (u.tf + p.k1 * (1 - p.b + p.b * candidates.fts_length / p.avgdl))) AS score
      FROM candidates,
           LATERAL (
             SELECT f.lexeme,
                    CAST(coalesce(array_length(f.positions, 1), 1) AS float8) AS tf
             FROM unnest(ts_filter(
               setweight(candidates.tsv, 'A', ARRAY(SELECT lexeme FROM w)),
               '{a}')) AS f
           ) AS u
           JOIN w USING (lexeme),
           (SELECT CAST(:k1 AS float8) AS k1, CAST(:b AS float8) AS b,
                   CAST(:avgdl AS float8) AS avgdl) AS p
      GROUP BY candidates.id
      ORDER BY score DESC, candidates.id
      LIMIT :k`,
      {
        tenantId,
        terms: JSON.stringify(
          terms.map(({ lexeme, idf }) => ({ lexeme, idf })),
        ),
        essential: JSON.stringify(terms.slice(0, essential).map(t => t.lexeme)),
        k,
        k1: K1,
        b: B,
        avgdl: averageLength,
      },
    );
    return rows.map((row: { chunk_id: string; score: number }) => ({
      chunkId: row.chunk_id,
      score: Number(row.score),
    }));
  }
}
