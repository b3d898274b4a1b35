import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { AnswerCache } from './ask/AnswerCache';
import { GuardedCache } from './cache/GuardedCache';
import { QueryEmbeddingCache } from './search/QueryEmbeddingCache';
import { readCacheConfig } from './cache/readCacheConfig';

/**
 * The answer and query-embedding caches on the plugin's cache service
 * (`coreServices.cache`: in memory by default, Redis with
 * `backend.cache.store: redis`). A cache whose TTL is 0 is left out.
 * Both share one guard, so one outage is detected and reported once.
 */
export function createCaches(options: {
  cache: CacheService;
  config: Config;
  logger: LoggerService;
}): { answers?: AnswerCache; queryEmbeddings?: QueryEmbeddingCache } {
  const settings = readCacheConfig(options.config);
  const cache = new GuardedCache({
    cache: options.cache,
    logger: options.logger,
  });
  return {
    answers:
      settings.answersTtlSeconds > 0
        ? new AnswerCache({ cache, ttlSeconds: settings.answersTtlSeconds })
        : undefined,
    queryEmbeddings:
      settings.queryEmbeddingsTtlSeconds > 0
        ? new QueryEmbeddingCache({
            cache,
            ttlSeconds: settings.queryEmbeddingsTtlSeconds,
          })
        : undefined,
  };
}
