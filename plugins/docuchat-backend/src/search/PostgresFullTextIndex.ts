import { Knex } from 'knex';
import { preparedOnPostgres } from '../database/preparedStatements';
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

interface FullTextRow {
  chunk_id: string;
  score: number | string;
}

interface FirstRoundRow {
  /** [lexeme, idf, df, occurrences in the question] of every term, rarest first (on every row). */
  terms: Array<[string, number, number, number]>;
  essential: number | string;
  avgdl: number | string;
  /** The tenant's chunks. */
  n: number | string;
  /** [chunk id, lexeme, tf, df] of the best hits' lexemes (on every row). */
  feedback: FeedbackRow[] | null;
  /** Null on the one row of a round that scored nothing. */
  chunk_id: string | null;
  score: number | string | null;
}

type FeedbackRow = [string, string, number, number];

function bm25Idf(n: number, df: number): number {
  return Math.max(Math.log((n - df + 0.5) / (df + 0.5)), MIN_IDF);
}

/** The most the terms from `prefix` on can add to a chunk's score. */
function bound(terms: Term[], prefix: number): number {
  return terms.slice(prefix).reduce((sum, t) => sum + t.idf * (K1 + 1), 0);
}

/**
 * The first guess at the essential prefix of `terms` (rarest first): a
 * chunk with one occurrence of a word, at average length, scores its idf;
 * so the k-th score is about the idf of the word at which the rarest words'
 * chunks first number k, and the essential words are as many as that score
 * requires. (The first round makes the same guess in SQL.)
 */
function firstGuess(terms: Term[], k: number): number {
  let reachesK = 0;
  for (let seen = terms[0].df; reachesK + 1 < terms.length && seen < k; ) {
    seen += terms[++reachesK].df;
  }
  let essential = reachesK + 1;
  while (
    essential < terms.length &&
    bound(terms, essential) > terms[reachesK].idf
  ) {
    essential++;
  }
  return essential;
}

/**
 * Undefined when `hits`, scored from the chunks holding one of the first
 * `essential` terms, are provably the top k; else the prefix to score again
 * with. More candidates only raise the k-th score, so that next round, with
 * the smallest prefix whose bound is within the k-th score seen here, is
 * the last.
 */
function nextPrefix(
  terms: Term[],
  essential: number,
  hits: FullTextHit[],
  k: number,
): number | undefined {
  if (essential === terms.length) return undefined;
  const kth = hits.length === k ? hits[k - 1].score : 0;
  if (kth >= bound(terms, essential)) return undefined;
  let next = essential;
  while (next < terms.length && bound(terms, next) > kth) next++;
  return next;
}

/** The feedback chunks (in `hits`' order) and their lexemes' frequencies. */
function feedbackChunksOf(
  hits: FullTextHit[],
  rows: FeedbackRow[],
): { chunks: FeedbackChunk[]; documentFrequency: Map<string, number> } {
  const frequencies = new Map(
    hits.map(hit => [hit.chunkId, new Map<string, number>()]),
  );
  const documentFrequency = new Map<string, number>();
  for (const [chunkId, lexeme, tf, df] of rows) {
    frequencies.get(chunkId)?.set(lexeme, tf);
    documentFrequency.set(lexeme, df);
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
 * Two CTEs for a statement with the named bindings `tenantId`, `k`, `k1`
 * and `b`: `candidates`, the tenant's chunks containing one of the lexemes
 * the query `essential` selects, and `hits`, the k best of them by BM25
 * over every lexeme of the relation `terms` (lexeme, idf). Term
 * frequencies: setweight marks the question's lexemes and ts_filter keeps
 * only them, in C, so a candidate unnests a few lexemes instead of all of
 * its own. Casts are written CAST(…) because knex reads `::x` as a binding.
 */
function bm25Hits(sql: {
  terms: string;
  essential: string;
  averageLength: string;
}): string {
  return `candidates AS (
        SELECT c.id, c.fts_length, c.tsv
        FROM docuchat_chunks c
        WHERE c.tenant_id = :tenantId
          AND c.tsv @@ to_tsquery('simple', (
            SELECT string_agg(quote_literal(e.lexeme), ' | ')
            FROM (${sql.essential}) AS e(lexeme)))
      ),
      hits AS (
        SELECT candidates.id AS chunk_id,
               sum(t.idf * u.tf * (p.k1 + 1)
                   / (u.tf + p.k1 * (1 - p.b + p.b * candidates.fts_length
                                          / p.avgdl))) AS score
        FROM candidates,
             LATERAL (
               SELECT f.lexeme,
                      CAST(coalesce(array_length(f.positions, 1), 1) AS float8) AS tf
               FROM unnest(ts_filter(
                 setweight(candidates.tsv, 'A', ARRAY(SELECT lexeme FROM ${sql.terms})),
                 '{a}')) AS f
             ) AS u
             JOIN ${sql.terms} AS t USING (lexeme),
             (SELECT CAST(:k1 AS float8) AS k1, CAST(:b AS float8) AS b,
                     ${sql.averageLength} AS avgdl) AS p
        GROUP BY candidates.id
        ORDER BY score DESC, candidates.id
        LIMIT :k
      )`;
}

/**
 * The lexemes of the chunks whose ids the query `chunkIds` selects (a
 * `chunk_id` column), with their frequency in the chunk (positions, as the
 * scoring counts them) and the tenant's document frequency: the rows
 * `chunk_id, lexeme, tf, df` the relevance model reads.
 */
function feedbackLexemes(chunkIds: string): string {
  return `SELECT best.chunk_id, u.lexeme,
                 coalesce(array_length(u.positions, 1), 1) AS tf,
                 l.chunk_count AS df
          FROM (${chunkIds}) AS best
          JOIN docuchat_chunks c
            ON c.tenant_id = :tenantId AND c.id = best.chunk_id
          CROSS JOIN unnest(c.tsv) AS u
          JOIN docuchat_fts_lexemes l
            ON l.tenant_id = c.tenant_id AND l.lexeme = u.lexeme`;
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
 * of 40). The lexemes, the first guess at the essential ones and their
 * scores come in one statement; a second one scores again only when that
 * guess cannot prove its top k.
 *
 * With feedback on (relevanceModel.ts), the first statement also returns
 * the best first-pass chunks' lexemes and positions (from their tsvectors)
 * and the document frequencies and N for the 10 % cut and the IDFs from the
 * same statistics; the second pass is the same BM25 with each lexeme's IDF
 * scaled by its weight: a question usually costs two statements.
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
    if (k <= 0) return [];
    const feedback = this.feedback;
    // With feedback, the first pass only picks the feedback chunks (and
    // counts up to minHits): asking it for fewer lets MaxScore skip more.
    const firstK = feedback.enabled
      ? Math.max(feedback.documents, feedback.minHits)
      : k;
    const first = await this.#firstRound(
      tenantId,
      query,
      firstK,
      feedback.enabled ? feedback.documents : 0,
    );
    if (!first) return [];
    const { terms, averageLength, chunkCount } = first;
    const next = nextPrefix(terms, first.essential, first.hits, firstK);
    const hits =
      next === undefined
        ? first.hits
        : await this.#score(tenantId, terms, next, firstK, averageLength);
    if (!feedback.enabled) return hits;
    if (hits.length < feedback.minHits) return hits.slice(0, k);

    const best = hits.slice(0, feedback.documents);
    // The first statement's feedback rows are those of its own top hits.
    const { chunks, documentFrequency } =
      next === undefined
        ? feedbackChunksOf(best, first.feedback)
        : await this.#feedbackChunks(tenantId, best);
    for (const term of terms) documentFrequency.set(term.lexeme, term.df);
    const weights = expandQuery(
      first.queryFrequencies,
      chunks,
      feedback,
      term =>
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
    if (terms.length === 0) return [];
    // Rarest first: the essential lexemes are always a prefix.
    terms.sort((a, b) => b.idf - a.idf || a.lexeme.localeCompare(b.lexeme));
    const essential = firstGuess(terms, k);
    const hits = await this.#score(
      tenantId,
      terms,
      essential,
      k,
      averageLength,
    );
    const next = nextPrefix(terms, essential, hits, k);
    return next === undefined
      ? hits
      : this.#score(tenantId, terms, next, k, averageLength);
  }

  /**
   * The lexemes of the best chunks with their frequencies (positions, as
   * the scoring counts them), and the tenant's document frequency of each:
   * when the first statement's hits were not final.
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
      feedbackLexemes(
        `SELECT CAST(value AS uuid) AS chunk_id
         FROM jsonb_array_elements_text(CAST(:ids AS jsonb))`,
      ),
      { tenantId, ids: JSON.stringify(hits.map(hit => hit.chunkId)) },
    );
    return feedbackChunksOf(
      hits,
      rows.map(row => [row.chunk_id, row.lexeme, row.tf, row.df]),
    );
  }

  /**
   * The question's lexemes found in the tenant's chunks with their BM25
   * weights, the first guess at the essential lexemes, and the BM25 of the
   * chunks containing one of them, in one statement: a question usually
   * costs one round trip. Undefined when no lexeme of the question occurs
   * in the tenant.
   *
   * The first guess: a chunk with one occurrence of a word, at average
   * length, scores its idf; so the k-th score is about the idf of the word
   * at which the rarest words' chunks first number k (the pivot), and the
   * essential words are as many as that score requires (the bound of the
   * rest at most the pivot's idf). Lexemes are ranked rarest first, ties by
   * lexeme in byte order, so the essential ones are a prefix.
   *
   * With `feedbackDocuments`, the lexemes of that many best hits too (for
   * the relevance model; valid when these hits are final).
   */
  async #firstRound(
    tenantId: string,
    query: string,
    k: number,
    feedbackDocuments: number,
  ): Promise<
    | {
        terms: Term[];
        queryFrequencies: Map<string, number>;
        essential: number;
        averageLength: number;
        chunkCount: number;
        hits: FullTextHit[];
        feedback: FeedbackRow[];
      }
    | undefined
  > {
    // Named bindings; casts are written CAST(…) because knex reads `::x`
    // as a binding. `tail` is the bound of the lexemes from this one on.
    const { rows } = await this.#prepared<{ rows: FirstRoundRow[] }>(
      `
      WITH terms AS (
        SELECT u.lexeme, l.chunk_count AS df,
               coalesce(array_length(u.positions, 1), 1) AS qtf,
               greatest(ln((t.chunk_count - l.chunk_count + 0.5)
                           / (l.chunk_count + 0.5)), CAST(:minIdf AS float8)) AS idf,
               CAST(t.total_length AS float8) / t.chunk_count AS avgdl,
               t.chunk_count AS n
        FROM docuchat_fts_tenants t
        CROSS JOIN unnest(docuchat_fts_vector(:query)) AS u
        JOIN docuchat_fts_lexemes l
          ON l.tenant_id = t.tenant_id AND l.lexeme = u.lexeme
        WHERE t.tenant_id = :tenantId AND t.chunk_count > 0
      ),
      ranked AS (
        SELECT lexeme, df, qtf, idf, avgdl, n,
               row_number() OVER w AS r,
               sum(df) OVER (w ROWS UNBOUNDED PRECEDING) AS seen,
               (CAST(:k1 AS float8) + 1) * sum(idf) OVER (w ROWS BETWEEN CURRENT ROW
                                           AND UNBOUNDED FOLLOWING) AS tail
        FROM terms
        WINDOW w AS (ORDER BY idf DESC, lexeme COLLATE "C")
      ),
      pivot AS (
        SELECT coalesce(min(r) FILTER (WHERE seen >= CAST(:k AS int)), count(*)) AS r
        FROM ranked
      ),
      guess AS (
        SELECT coalesce(
                 min(ranked.r) FILTER (
                   WHERE ranked.r > pivot.r
                     AND ranked.tail <= (SELECT p.idf FROM ranked p
                                         WHERE p.r = pivot.r)) - 1,
                 count(*)) AS essential,
               max(ranked.avgdl) AS avgdl, max(ranked.n) AS n,
               jsonb_agg(jsonb_build_array(ranked.lexeme, ranked.idf, ranked.df,
                                           ranked.qtf)
                         ORDER BY ranked.r) AS terms
        FROM ranked, pivot
        GROUP BY pivot.r
      ),
      ${bm25Hits({
        terms: 'ranked',
        essential:
          'SELECT lexeme FROM ranked WHERE r <= (SELECT essential FROM guess)',
        averageLength: '(SELECT avgdl FROM guess)',
      })},
      feedback AS (
        SELECT jsonb_agg(jsonb_build_array(f.chunk_id, f.lexeme, f.tf, f.df))
                 AS rows
        FROM (${feedbackLexemes(`SELECT chunk_id FROM hits
                                 ORDER BY score DESC, chunk_id
                                 LIMIT :feedbackDocuments`)}) AS f
      )
      SELECT guess.terms, guess.essential, guess.avgdl, guess.n,
             feedback.rows AS feedback, hits.chunk_id, hits.score
      FROM guess CROSS JOIN feedback LEFT JOIN hits ON true
      ORDER BY hits.score DESC, hits.chunk_id`,
      {
        tenantId,
        query,
        k,
        k1: K1,
        b: B,
        minIdf: MIN_IDF,
        feedbackDocuments,
      },
    );
    if (rows.length === 0) return undefined;
    const [{ terms, essential, avgdl, n, feedback }] = rows;
    return {
      terms: terms.map(([lexeme, idf, df]) => ({ lexeme, idf, df })),
      queryFrequencies: new Map(
        terms.map(([lexeme, , , qtf]) => [lexeme, qtf]),
      ),
      essential: Number(essential),
      averageLength: Number(avgdl) || 1,
      chunkCount: Number(n),
      feedback: feedback ?? [],
      hits: rows
        .filter(row => row.chunk_id !== null)
        .map(row => ({ chunkId: row.chunk_id!, score: Number(row.score) })),
    };
  }

  /**
   * BM25 of the chunks containing any of the first `essential` terms, over
   * all the terms: the second round, when the first guess fell short.
   */
  async #score(
    tenantId: string,
    terms: Term[],
    essential: number,
    k: number,
    averageLength: number,
  ): Promise<FullTextHit[]> {
    // Arrays travel as JSON: knex would spread a JS array into a list.
    const { rows } = await this.#prepared<{ rows: FullTextRow[] }>(
      `
      WITH w AS (
        SELECT lexeme, idf
        FROM jsonb_to_recordset(CAST(:terms AS jsonb)) AS x(lexeme text, idf float8)
      ),
      ${bm25Hits({
        terms: 'w',
        essential:
          'SELECT e FROM jsonb_array_elements_text(CAST(:essential AS jsonb)) AS e',
        averageLength: 'CAST(:avgdl AS float8)',
      })}
      SELECT chunk_id, score FROM hits ORDER BY score DESC, chunk_id`,
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
    return rows.map(row => ({
      chunkId: row.chunk_id,
      score: Number(row.score),
    }));
  }

  /**
   * A statement of this index, prepared: each is sent for every question
   * and its text never changes (values are bindings).
   */
  #prepared<Result>(sql: string, bindings: Record<string, Knex.Value>) {
    return preparedOnPostgres(this.db, this.db.raw<Result>(sql, bindings), sql);
  }
}
