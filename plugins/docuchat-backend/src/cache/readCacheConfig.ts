import { Config } from '@backstage/config';
import { readNumber } from '../config/readNumber';

/** An hour: long enough to absorb repeated questions, short enough that a
 * better model or prompt shows up the same day. */
export const DEFAULT_ANSWER_TTL_SECONDS = 60 * 60;

/** A day: a query's vector never changes for a given model, so the TTL only
 * bounds the cache's size. */
export const DEFAULT_QUERY_EMBEDDING_TTL_SECONDS = 24 * 60 * 60;

/** How long each cache keeps its entries; 0 turns that cache off. */
export interface CacheSettings {
  answersTtlSeconds: number;
  queryEmbeddingsTtlSeconds: number;
}

/**
 * Reads `docuchat.cache`. Where entries are stored (memory, Redis, …) is
 * not DocuChat's choice: that is `backend.cache`, read by Backstage's
 * cache service.
 */
export function readCacheConfig(config: Config): CacheSettings {
  return {
    answersTtlSeconds: ttlSeconds(
      config,
      'docuchat.cache.answers.ttlSeconds',
      DEFAULT_ANSWER_TTL_SECONDS,
    ),
    queryEmbeddingsTtlSeconds: ttlSeconds(
      config,
      'docuchat.cache.queryEmbeddings.ttlSeconds',
      DEFAULT_QUERY_EMBEDDING_TTL_SECONDS,
    ),
  };
}

function ttlSeconds(config: Config, key: string, fallback: number): number {
  return readNumber(config, key, {
    fallback,
    integer: true,
    unit: 'seconds',
    min: 0,
    note: '0 disables the cache',
  });
}
