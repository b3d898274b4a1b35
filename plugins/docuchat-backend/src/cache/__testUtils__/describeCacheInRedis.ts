/* eslint-disable jest/no-export -- a shared suite the cache tests call, not a test file itself */
import { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { GuardedCache } from '../GuardedCache';
import {
  closedPort,
  createTestCacheService,
  describeWithRedis,
  redisClientErrors,
  redisKeyTtls,
  startThrowawayRedis,
} from './cacheStores';

/** One of the plugin's caches, seen through entries numbered 0, 1, … */
export interface CacheProbe {
  set(n: number): Promise<void>;
  get(n: number): Promise<unknown>;
  /** What `get(n)` gives back after `set(n)`. */
  stored(n: number): unknown;
}

/**
 * The plugin's cache over `cacheService`, behind a GuardedCache with a
 * generous time limit: a loaded CI machine must not turn hits into misses
 * (GuardedCache.test.ts covers the limit itself). Out-of-reach tests pass
 * the production limit (250 ms).
 */
export function guardedTestCache<T>(
  create: (guarded: GuardedCache) => T,
  cacheService: CacheService = createTestCacheService('memory'),
  timeoutMs = 5_000,
) {
  const logger = mockServices.logger.mock();
  const guarded = new GuardedCache({ cache: cacheService, logger, timeoutMs });
  return { cacheService, logger, cache: create(guarded) };
}

/**
 * What every cache of the plugin must do with a real Redis: let Redis
 * expire its keys, and miss (quickly, logging once) instead of failing the
 * request when Redis is unreachable or goes away.
 */
export function describeCacheInRedis(
  probe: (guarded: GuardedCache, ttlSeconds: number) => CacheProbe,
) {
  const setUp = (
    cacheService: CacheService,
    ttlSeconds = 60,
    timeoutMs?: number,
  ) =>
    guardedTestCache(
      guarded => probe(guarded, ttlSeconds),
      cacheService,
      timeoutMs,
    );

  describeWithRedis('in Redis itself', () => {
    // Keyv also checks expiry on read; this is about what Redis holds.
    it('sets the TTL on the key, and Redis drops it', async () => {
      const { cache, cacheService } = setUp(createTestCacheService('redis'), 1);
      await cache.set(0);
      const ttls = [...redisKeyTtls(cacheService).values()];
      expect(ttls).toEqual([expect.any(Number)]);
      expect(ttls[0]).toBeGreaterThan(0);
      expect(ttls[0]).toBeLessThanOrEqual(1_000);
      await new Promise(resolve => setTimeout(resolve, 1_200));
      expect(redisKeyTtls(cacheService).size).toBe(0);
    });
  });

  describe('when Redis is out of reach', () => {
    it('misses without throwing when nothing listens on the port', async () => {
      const port = await closedPort();
      const { cache, logger } = setUp(
        createTestCacheService('redis', `redis://127.0.0.1:${port}`),
        60,
        250,
      );
      await expect(cache.set(0)).resolves.toBeUndefined();
      const started = Date.now();
      await expect(cache.get(0)).resolves.toBeUndefined();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(logger.warn).toHaveBeenCalledTimes(1);
    });

    // Needs redis-server, which comes with the Redis test server.
    describeWithRedis('with its own Redis server', () => {
      it('misses without throwing once a connected Redis stops', async () => {
        const redis = await startThrowawayRedis();
        try {
          const { cache, logger } = setUp(
            createTestCacheService('redis', redis.url),
            60,
            250,
          );
          await cache.set(0);
          expect(await cache.get(0)).toEqual(cache.stored(0));

          const errorsBefore = redisClientErrors.length;
          await redis.stop();
          const started = Date.now();
          await expect(cache.get(0)).resolves.toBeUndefined();
          await expect(cache.set(1)).resolves.toBeUndefined();
          expect(Date.now() - started).toBeLessThan(1_000);
          expect(logger.warn).toHaveBeenCalledTimes(1);
          expect(redisClientErrors.length).toBeGreaterThan(errorsBefore);
        } finally {
          await redis.stop();
        }
      });
    });
  });
}
