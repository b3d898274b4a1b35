/**
 * Ranking metrics for retrieval evaluation (`yarn eval:retrieval`), as in
 * BEIR / trec_eval: graded relevance with linear gain and the log2 discount.
 *
 * A ranking is a list of document ids, best first; duplicates count once (the
 * first occurrence), so a ranking of chunks mapped to their documents can be
 * passed as is. Judgements map document ids to grades; grades of 0 or less
 * are not relevant.
 */

/** Graded judgements of one query: document id → grade. */
export type Judgements = ReadonlyMap<string, number>;

/** The ids in order, each kept at its first occurrence. */
export function firstOccurrences(ids: Iterable<string>): string[] {
  return [...new Set(ids)];
}

function gain(judgements: Judgements, id: string): number {
  return Math.max(judgements.get(id) ?? 0, 0);
}

function discount(rank: number): number {
  return Math.log2(rank + 1);
}

/**
 * nDCG@k = DCG@k / ideal DCG@k, DCG@k = Σ_{rank ≤ k} grade / log2(rank + 1);
 * the ideal ranking is the judged documents sorted by grade. Undefined when
 * the query has no relevant document (such queries are left out of means).
 */
export function ndcgAtK(
  ranking: readonly string[],
  judgements: Judgements,
  k: number,
): number | undefined {
  const ideal = [...judgements.values()]
    .filter(grade => grade > 0)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, grade, index) => sum + grade / discount(index + 1), 0);
  if (ideal === 0) return undefined;
  const dcg = firstOccurrences(ranking)
    .slice(0, k)
    .reduce(
      (sum, id, index) => sum + gain(judgements, id) / discount(index + 1),
      0,
    );
  return dcg / ideal;
}

/**
 * recall@k = relevant documents in the top k / all relevant documents.
 * Undefined when the query has no relevant document.
 */
export function recallAtK(
  ranking: readonly string[],
  judgements: Judgements,
  k: number,
): number | undefined {
  const relevant = [...judgements.values()].filter(grade => grade > 0).length;
  if (relevant === 0) return undefined;
  const found = firstOccurrences(ranking)
    .slice(0, k)
    .filter(id => gain(judgements, id) > 0).length;
  return found / relevant;
}

/** Mean of the defined values; undefined when there are none. */
export function meanOf(values: ReadonlyArray<number | undefined>) {
  const defined = values.filter((v): v is number => v !== undefined);
  if (defined.length === 0) return undefined;
  return defined.reduce((sum, v) => sum + v, 0) / defined.length;
}
