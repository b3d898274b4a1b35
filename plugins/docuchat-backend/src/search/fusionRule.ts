import { FusionOptions } from './fuseRankings';

/** Each branch's retrieval quality: nDCG@10 measured on judged questions. */
export interface BranchQuality {
  vector: number;
  fullText: number;
}

/** What decides the fusion: RRF's k and each branch's measured quality. */
export interface FusionSettings {
  k: number;
  /**
   * Set by an operator who measured their own embedder (yarn eval:retrieval
   * on a judged collection); otherwise MEASURED_BRANCH_QUALITY, or equal
   * quality for a model not measured here.
   */
  branchQuality?: BranchQuality;
}

/**
 * Branch quality measured here with `yarn eval:retrieval` on the
 * development collection (eval/collections/docuchat-docs, SQLite, full text
 * with RM3 as shipped), per embedding model. Never taken from the
 * collections kept for checking (library-readmes, redis-conf).
 */
export const MEASURED_BRANCH_QUALITY: Record<string, BranchQuality> = {
  'local:use-lite:512': { vector: 0.566, fullText: 0.819 },
};

/**
 * The fusion rule: each branch's RRF weight is the square of its measured
 * nDCG@10 (performance-squared weighting; Wu, Bi, Zeng and Han, "Assigning
 * appropriate weights for the linear combination data fusion method in
 * information retrieval", IP&M 2009: weights that grow faster than
 * performance beat weights proportional to it). A branch half as good
 * counts a quarter; equal branches make plain RRF. Nothing here is fitted
 * to a collection: the only inputs are the two measured figures.
 */
export function fusionOptions(
  settings: FusionSettings,
  embeddingModel: string,
): FusionOptions {
  const quality = settings.branchQuality ??
    MEASURED_BRANCH_QUALITY[embeddingModel] ?? { vector: 1, fullText: 1 };
  return {
    k: settings.k,
    vectorWeight: quality.vector ** 2,
    fullTextWeight: quality.fullText ** 2,
  };
}
