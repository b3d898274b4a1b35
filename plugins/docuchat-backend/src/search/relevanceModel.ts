/**
 * Pseudo-relevance feedback for the full-text branch: RM3, Lavrenko and
 * Croft's relevance model interpolated with the question, as Anserini
 * implements it for Lucene (Rm3Reranker; Abdul-Jaleel et al., UMass at TREC
 * 2004). The first pass's best chunks are taken as relevant; the words they
 * share, weighted by how well each chunk scored, are added to the question,
 * and BM25 runs again with every word weighted.
 */
export interface FeedbackSettings {
  /** Off: one BM25 pass, as before. */
  enabled: boolean;
  /** Feedback chunks: the first pass's best (literature default 10). */
  documents: number;
  /** Expansion terms kept (default 10). */
  terms: number;
  /** The question's share of the final query (default 0.5). */
  originalQueryWeight: number;
  /**
   * Below this many first-pass hits there is nothing to learn from (a
   * question matching a handful of chunks is already precise): the
   * first pass is the answer.
   */
  minHits: number;
}

/** The literature's defaults, nothing tuned (REFERENCE.md). */
export const DEFAULT_FEEDBACK: FeedbackSettings = {
  enabled: true,
  documents: 10,
  terms: 10,
  originalQueryWeight: 0.5,
  minHits: 10,
};

/** A first-pass hit with the index terms it holds. */
export interface FeedbackChunk {
  /** Its first-pass BM25 score. */
  score: number;
  /** Index term → occurrences in the chunk (headings and text). */
  termFrequencies: Map<string, number>;
}

/**
 * Whether a term may be an expansion term: Anserini's filter (2 to 20
 * characters, letters and digits only, in at most 10 % of the chunks: a
 * document-frequency cut instead of a stop list), with any script's letters
 * allowed, since tenants write Persian too.
 */
export function isFeedbackTerm(
  term: string,
  documentFrequency: number,
  chunkCount: number,
): boolean {
  return (
    term.length >= 2 &&
    term.length <= 20 &&
    /^[\p{L}\p{N}]+$/u.test(term) &&
    documentFrequency <= 0.1 * chunkCount
  );
}

/**
 * The expanded query: term → weight, summing to 1.
 *
 * - question: its terms' frequencies, scaled to sum 1;
 * - relevance model: each chunk's terms pruned to its `terms` most frequent
 *   (those passing `eligible`), each term weighted Σ tf / |chunk| × score
 *   over the chunks, pruned to the `terms` heaviest, scaled to sum 1;
 * - result: originalQueryWeight × question + (1 − it) × model.
 *
 * Ties in pruning break on the term, so results are stable.
 */
export function expandQuery(
  queryTerms: Map<string, number>,
  chunks: FeedbackChunk[],
  settings: Pick<FeedbackSettings, 'terms' | 'originalQueryWeight'>,
  eligible: (term: string) => boolean,
): Map<string, number> {
  const question = scaleToUnitSum(queryTerms);
  const model = new Map<string, number>();
  for (const chunk of chunks) {
    const vector = prune(
      new Map([...chunk.termFrequencies].filter(([term]) => eligible(term))),
      settings.terms,
    );
    const norm = sum(vector);
    if (norm <= 0) continue;
    for (const [term, tf] of vector) {
      model.set(term, (model.get(term) ?? 0) + (tf / norm) * chunk.score);
    }
  }
  const relevance = scaleToUnitSum(prune(model, settings.terms));
  const weight = settings.originalQueryWeight;
  const expanded = new Map<string, number>();
  for (const term of new Set([...question.keys(), ...relevance.keys()])) {
    expanded.set(
      term,
      weight * (question.get(term) ?? 0) +
        (1 - weight) * (relevance.get(term) ?? 0),
    );
  }
  return expanded;
}

/**
 * The terms whose document frequency the relevance model still needs, for
 * a database where looking one up costs (SQLite's FTS5 vocabulary walks
 * the term's whole posting list): for each chunk, in the order `expandQuery`
 * prunes (most frequent first, ties by term), the terms not yet `known`
 * up to the `terms`-th that may be eligible. Empty once every chunk's kept
 * terms are decided; `expandQuery` then picks the same terms as with every
 * frequency known, if `eligible` holds for known terms only.
 */
export function undecidedTerms(
  chunks: FeedbackChunk[],
  settings: Pick<FeedbackSettings, 'terms'>,
  known: ReadonlyMap<string, number>,
  /** Eligibility with the given document frequency. */
  eligible: (term: string, documentFrequency: number) => boolean,
): string[] {
  const wanted = new Set<string>();
  for (const chunk of chunks) {
    let kept = 0;
    for (const [term] of [...chunk.termFrequencies].sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
    )) {
      if (kept >= settings.terms) break;
      const df = known.get(term);
      if (df === undefined) {
        // Rare enough until the lookup says otherwise.
        if (!eligible(term, 0)) continue;
        wanted.add(term);
        kept += 1;
      } else if (eligible(term, df)) {
        kept += 1;
      }
    }
  }
  return [...wanted];
}

function sum(vector: Map<string, number>): number {
  let total = 0;
  for (const value of vector.values()) total += value;
  return total;
}

function scaleToUnitSum(vector: Map<string, number>): Map<string, number> {
  const total = sum(vector);
  if (total <= 0) return new Map();
  return new Map([...vector].map(([term, value]) => [term, value / total]));
}

function prune(vector: Map<string, number>, size: number) {
  return new Map(
    [...vector]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, size),
  );
}
