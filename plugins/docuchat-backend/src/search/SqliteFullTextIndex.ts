import { Knex } from 'knex';
import { ENGLISH_STOP_WORDS } from '../ingest/englishStopWords';
import { FullTextHit, FullTextIndex, WordStatistics } from './FullTextIndex';
import { fts5Tokens, porterStem } from './fts5Terms';
import {
  DEFAULT_FEEDBACK,
  expandQuery,
  FeedbackChunk,
  FeedbackSettings,
  isFeedbackTerm,
  undecidedTerms,
} from './relevanceModel';

const TABLE = 'docuchat_chunks_fts';
const VOCABULARY = 'docuchat_chunks_fts_vocab';

/** An index term with a word that FTS5 turns into it, for MATCH. */
interface IndexTerm {
  term: string;
  word: string;
}

/**
 * FTS5 with the porter tokenizer, `_` joining words (migration
 * 20261125050000_full_text_v2), over each chunk's headings and text
 * (20261126010000_full_text_headings); its bm25() is real BM25 (k1 1.2, b 0.75,
 * Robertson/Sparck Jones IDF), which PostgresFullTextIndex computes alike.
 * The statistics behind bm25() span every tenant in the table (scores only,
 * never rows: results are filtered by tenant).
 *
 * With feedback on (relevanceModel.ts), the best first-pass chunks' terms
 * are computed from their text as FTS5 indexes it (fts5Terms.ts), their
 * document frequencies come from FTS5's vocabulary (migration
 * 20261210000000_full_text_vocabulary), and the second pass sums each
 * term's own bm25() times its weight: bm25() of a one-word query is exactly
 * that word's share of a longer query's score, and FTS5 has no per-word
 * weights.
 */
export class SqliteFullTextIndex implements FullTextIndex {
  constructor(
    private readonly db: Knex,
    private readonly feedback: FeedbackSettings = DEFAULT_FEEDBACK,
  ) {}

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
    if (!match || k <= 0) return [];
    const feedback = this.feedback;
    if (!feedback.enabled) return this.#match(match, tenantId, k);
    // The first pass only picks the feedback chunks (and counts up to
    // minHits).
    const first = await this.#match(
      match,
      tenantId,
      Math.max(feedback.documents, feedback.minHits),
    );
    if (first.length < feedback.minHits) return first.slice(0, k);

    const questionTerms = indexTerms(query).filter(
      t => !ENGLISH_STOP_WORDS.has(t.word),
    );
    const queryFrequencies = new Map<string, number>();
    const words = new Map<string, string>();
    for (const { term, word } of questionTerms) {
      queryFrequencies.set(term, (queryFrequencies.get(term) ?? 0) + 1);
      words.set(term, word);
    }
    const chunks = await this.#feedbackChunks(
      first.slice(0, feedback.documents),
      words,
    );
    const chunkCount = await this.#chunkCount();
    const eligible = (term: string, df: number) =>
      !ENGLISH_STOP_WORDS.has(words.get(term)!) &&
      isFeedbackTerm(term, df, chunkCount);
    // Only the frequencies pruning reads, in as few rounds as it takes.
    const documentFrequency = new Map<string, number>();
    for (;;) {
      const wanted = undecidedTerms(
        chunks,
        feedback,
        documentFrequency,
        eligible,
      );
      if (wanted.length === 0) break;
      const found = await this.#documentFrequencies(wanted);
      for (const term of wanted) {
        documentFrequency.set(term, found.get(term) ?? 0);
      }
    }
    const weights = expandQuery(queryFrequencies, chunks, feedback, term => {
      const df = documentFrequency.get(term);
      return df !== undefined && eligible(term, df);
    });

    return this.#weightedMatch(
      [...weights].map(([term, weight]) => ({
        match: `"${words.get(term)}"`,
        weight,
      })),
      tenantId,
      k,
    );
  }

  /**
   * From FTS5's vocabulary, like bm25(): every tenant's chunks count. A
   * word FTS5 cuts into several terms counts as its commonest.
   */
  async wordStatistics(
    _tenantId: string,
    words: string[],
  ): Promise<WordStatistics> {
    const termsOf = new Map(
      words.map(word => [word, indexTerms(word).map(t => t.term)]),
    );
    const byTerm = await this.#documentFrequencies([
      ...new Set([...termsOf.values()].flat()),
    ]);
    const chunkCount = await this.#chunkCount();
    return {
      chunkCount,
      documentFrequency: new Map(
        [...termsOf].map(([word, terms]) => [
          word,
          Math.max(0, ...terms.map(term => byTerm.get(term) ?? 0)),
        ]),
      ),
    };
  }

  /**
   * The top k by the weighted sum of each query's bm25() (one word each:
   * exactly that word's share of a longer query's score), summed in one
   * statement so that only the top k leave SQLite.
   */
  async #weightedMatch(
    queries: Array<{ match: string; weight: number }>,
    tenantId: string,
    k: number,
  ): Promise<FullTextHit[]> {
    const one = `SELECT chunk_id, ? * -bm25(${TABLE}) AS score
       FROM ${TABLE} WHERE ${TABLE} MATCH ? AND tenant_id = ?`;
    const rows = await this.db.raw(
      // Materialised: flattened into the aggregate, bm25() would lose the
      // MATCH it belongs to.
      `WITH hits AS MATERIALIZED (${queries.map(() => one).join(' UNION ALL ')})
       SELECT chunk_id, sum(score) AS score
       FROM hits
       GROUP BY chunk_id
       ORDER BY score DESC, chunk_id
       LIMIT ?`,
      [...queries.flatMap(q => [q.weight, q.match, tenantId]), k],
    );
    return rows.map((row: { chunk_id: string; score: number }) => ({
      chunkId: row.chunk_id,
      score: Number(row.score),
    }));
  }

  /** bm25() of an FTS5 query's matches in the tenant; -1: no limit. */
  async #match(
    match: string,
    tenantId: string,
    k: number,
  ): Promise<FullTextHit[]> {
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

  /**
   * The index terms of the first pass's best chunks (title and headings,
   * then text, as indexed), with their frequencies; `words` learns a word
   * for each new term.
   */
  async #feedbackChunks(
    hits: FullTextHit[],
    words: Map<string, string>,
  ): Promise<FeedbackChunk[]> {
    const rows: Array<{ id: string; fts_heading: string; text: string }> =
      await this.db('docuchat_chunks')
        .whereIn(
          'id',
          hits.map(hit => hit.chunkId),
        )
        .select('id', 'fts_heading', 'text');
    const texts = new Map(
      rows.map(row => [row.id, `${row.fts_heading}\n${row.text}`]),
    );
    return hits.map(hit => {
      const termFrequencies = new Map<string, number>();
      for (const { term, word } of indexTerms(texts.get(hit.chunkId) ?? '')) {
        termFrequencies.set(term, (termFrequencies.get(term) ?? 0) + 1);
        if (!words.has(term)) words.set(term, word);
      }
      return { score: hit.score, termFrequencies };
    });
  }

  /** Chunks holding each term (every tenant's, as bm25() counts). */
  async #documentFrequencies(terms: string[]): Promise<Map<string, number>> {
    const documentFrequency = new Map<string, number>();
    // SQLite's limit on bound variables is 32766; a chunk has fewer terms.
    for (let i = 0; i < terms.length; i += 500) {
      const rows: Array<{ term: string; doc: number }> = await this.db(
        VOCABULARY,
      )
        .whereIn('term', terms.slice(i, i + 500))
        .select('term', 'doc');
      for (const row of rows) documentFrequency.set(row.term, row.doc);
    }
    return documentFrequency;
  }

  /** All chunks (every tenant's, as bm25() counts). */
  async #chunkCount(): Promise<number> {
    const [{ n }] = await this.db('docuchat_chunks').count({ n: '*' });
    return Number(n);
  }
}

/** A text's index terms in order, each with the word it came from. */
function indexTerms(text: string): IndexTerm[] {
  return fts5Tokens(text).map(word => ({ term: porterStem(word), word }));
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
