import { mockServices } from '@backstage/backend-test-utils';
import { GuardedCache } from './GuardedCache';
import {
  closedPort,
  describeWithRedis,
  redisMissingInCi,
  createTestCacheService,
  watchTestRedisConnections,
  startThrowawayRedis,
} from './__testUtils__/cacheStores';

jest.setTimeout(30_000);

async function timed<T>(call: () => Promise<T>) {
  const started = Date.now();
  const result = await call();
  return { result, ms: Date.now() - started };
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('GuardedCache', () => {
  watchTestRedisConnections();

  it('runs against Redis when CI provides it', () => {
    expect(redisMissingInCi()).toBeUndefined();
  });

  it('passes values through to the cache service', async () => {
    const cache = new GuardedCache({
      cache: createTestCacheService('memory'),
      logger: mockServices.logger.mock(),
    });
    await cache.set('k', { a: [1, 'two', null] }, 60_000);
    expect(await cache.get('k')).toEqual({ a: [1, 'two', null] });
    expect(await cache.get('missing')).toBeUndefined();
  });

  describeWithRedis('on a Redis that hangs', () => {
    it('gives up within the time limit, skips it for a while, then uses it again', async () => {
      const redis = await startThrowawayRedis();
      try {
        const logger = mockServices.logger.mock();
        const cache = new GuardedCache({
          cache: createTestCacheService('redis', redis.url),
          logger,
          // Wide enough that a machine busy with CI cannot blur "waited the
          // time limit" and "skipped it".
          timeoutMs: 300,
          retryAfterMs: 2000,
        });
        await cache.set('k', 'v', 60_000);
        expect(await cache.get('k')).toBe('v');

        redis.pause();
        const hung = await timed(() => cache.get('k'));
        expect(hung.result).toBeUndefined();
        expect(hung.ms).toBeGreaterThanOrEqual(290);
        expect(hung.ms).toBeLessThan(2000);
        // The error itself is the log entry's error, with its stack.
        expect(logger.warn).toHaveBeenCalledWith(
          expect.stringContaining('answering without the cache'),
          expect.objectContaining({
            message: expect.stringContaining('no answer within 300 ms'),
          }),
        );

        // Skipped: no second wait for the time limit.
        const skipped = await timed(() => cache.get('k'));
        expect(skipped.result).toBeUndefined();
        expect(skipped.ms).toBeLessThan(250);

        redis.resume();
        await sleep(2100);
        expect(await cache.get('k')).toBe('v');
        expect(logger.info).toHaveBeenCalledWith(
          'DocuChat cache is answering again',
        );
        expect(logger.warn).toHaveBeenCalledTimes(1);
      } finally {
        redis.resume();
        await redis.stop();
      }
    });
  });

  it('warns once per period, counting the failures in between', async () => {
    const logger = mockServices.logger.mock();
    const cache = new GuardedCache({
      cache: createTestCacheService(
        'redis',
        `redis://127.0.0.1:${await closedPort()}`,
      ),
      logger,
      timeoutMs: 50,
      retryAfterMs: 0,
      warnEveryMs: 400,
    });
    for (let i = 0; i < 3; i++) {
      await expect(cache.get('k')).resolves.toBeUndefined();
    }
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenLastCalledWith(
      expect.stringContaining('(1 failure(s) since the last warning)'),
      expect.any(Error),
    );

    await sleep(450);
    await cache.get('k');
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenLastCalledWith(
      expect.stringContaining('(3 failure(s) since the last warning)'),
      expect.any(Error),
    );
  });
});
