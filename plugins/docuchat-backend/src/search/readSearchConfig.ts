import { Config } from '@backstage/config';
import { DEFAULT_FEEDBACK, FeedbackSettings } from './relevanceModel';

/**
 * `docuchat.search.*` (config.d.ts), validated: a bad value fails start-up
 * with the key and what it must be.
 */
export function readFeedbackSettings(
  docuchat: Config | undefined,
): FeedbackSettings {
  const feedback = docuchat?.getOptionalConfig('search.feedback');
  const integer = (key: keyof FeedbackSettings, min: number, max: number) => {
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
