import { Config } from '@backstage/config';
import { FusionSettings } from './fusionRule';
import { DEFAULT_FEEDBACK, FeedbackSettings } from './relevanceModel';

/** RRF's k, measured on the development collection (README, retrieval). */
const DEFAULT_FUSION_K = 10;

/**
 * `docuchat.search.fusion`: k, and the branches' measured quality when an
 * operator measured their own embedder. The weights themselves are never
 * configured: they follow from the quality (fusionRule.ts).
 */
export function readFusionSettings(
  docuchat: Config | undefined,
): FusionSettings {
  if (docuchat?.has('retrieval')) {
    throw new Error(
      'docuchat.retrieval.fusion is replaced by docuchat.search.fusion: set k there, and branchQuality (nDCG@10 of each branch measured with yarn eval:retrieval) instead of weights',
    );
  }
  const fusion = docuchat?.getOptionalConfig('search.fusion');
  const k = fusion?.getOptionalNumber('k') ?? DEFAULT_FUSION_K;
  if (!(k > 0 && k <= 1000)) {
    throw new Error(
      `docuchat.search.fusion.k must be from 1 to 1000, got ${k}`,
    );
  }
  const quality = fusion?.getOptionalConfig('branchQuality');
  if (!quality) return { k };
  const score = (key: 'vector' | 'fullText') => {
    const value = quality.getNumber(key);
    if (!(value > 0 && value <= 1)) {
      throw new Error(
        `docuchat.search.fusion.branchQuality.${key} must be an nDCG@10 above 0 and at most 1, got ${value}`,
      );
    }
    return value;
  };
  return {
    k,
    branchQuality: { vector: score('vector'), fullText: score('fullText') },
  };
}

/**
 * `docuchat.search.*` (config.d.ts), validated: a bad value fails start-up
 * with the key and what it must be.
 */
export function readFeedbackSettings(
  docuchat: Config | undefined,
): FeedbackSettings {
  const feedback = docuchat?.getOptionalConfig('search.feedback');
  const integer = (
    key: 'documents' | 'terms' | 'minHits',
    min: number,
    max: number,
  ) => {
    const value = feedback?.getOptionalNumber(key) ?? DEFAULT_FEEDBACK[key];
    if (
      !Number.isInteger(value) ||
      Number(value) < min ||
      Number(value) > max
    ) {
      throw new Error(
        `docuchat.search.feedback.${key} must be an integer from ${min} to ${max}, got ${value}`,
      );
    }
    return Number(value);
  };
  const originalQueryWeight =
    feedback?.getOptionalNumber('originalQueryWeight') ??
    DEFAULT_FEEDBACK.originalQueryWeight;
  if (!(originalQueryWeight >= 0 && originalQueryWeight <= 1)) {
    throw new Error(
      `docuchat.search.feedback.originalQueryWeight must be from 0 to 1, got ${originalQueryWeight}`,
    );
  }
  return {
    enabled:
      feedback?.getOptionalBoolean('enabled') ?? DEFAULT_FEEDBACK.enabled,
    documents: integer('documents', 1, 100),
    terms: integer('terms', 1, 100),
    originalQueryWeight,
    minHits: integer('minHits', 0, 1000),
  };
}
