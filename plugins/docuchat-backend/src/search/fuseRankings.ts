export interface FusionOptions {
  /** RRF's k: how slowly a rank's weight decays (60 in the RRF paper). */
  k: number;
  /** Weight of the vector branch. */
  vectorWeight: number;
  /** Weight of the full-text (BM25) branch. */
  fullTextWeight: number;
}

export interface FusedHit {
  id: string;
  score: number;
  /** 1-based rank in [vector, full text]; undefined where absent. */
  ranks: [number | undefined, number | undefined];
}

/**
 * Weighted reciprocal rank fusion: score = Σ weight / (k + rank). Weights
 * matter: with a weak embedder, plain RRF falls below BM25 alone
 * (REFERENCE.md), so the branches are weighted and the weights measured with
 * `yarn eval:retrieval`. Ties break on the better single rank, then id, so
 * results are stable.
 */
export function fuseRankings(
  vectorIds: string[],
  fullTextIds: string[],
  options: FusionOptions,
): FusedHit[] {
  const hits = new Map<string, FusedHit>();
  const add = (ids: string[], branch: 0 | 1, weight: number) => {
    ids.forEach((id, index) => {
      const rank = index + 1;
      const hit = hits.get(id) ?? {
        id,
        score: 0,
        ranks: [undefined, undefined],
      };
      if (hit.ranks[branch] !== undefined) return; // duplicate id in a branch
      hit.ranks[branch] = rank;
      hit.score += weight / (options.k + rank);
      hits.set(id, hit);
    });
  };
  add(vectorIds, 0, options.vectorWeight);
  add(fullTextIds, 1, options.fullTextWeight);

  const bestRank = (hit: FusedHit) =>
    Math.min(hit.ranks[0] ?? Infinity, hit.ranks[1] ?? Infinity);
  const rank = (hit: FusedHit, branch: 0 | 1) => hit.ranks[branch] ?? Infinity;
  // Equal weights make exact ties common; break them on ranks (full text
  // first, the stronger branch here), never on the random chunk id alone.
  return [...hits.values()].sort(
    (a, b) =>
      b.score - a.score ||
      bestRank(a) - bestRank(b) ||
      rank(a, 1) - rank(b, 1) ||
      rank(a, 0) - rank(b, 0) ||
      a.id.localeCompare(b.id),
  );
}
