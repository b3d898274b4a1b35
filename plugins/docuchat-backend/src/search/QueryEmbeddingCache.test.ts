import {
  queryEmbeddingCacheKey,
  QueryEmbeddingCache,
} from './QueryEmbeddingCache';
import {
  createTestCacheService,
  redisMissingInCi,
  testCacheStores,
  watchTestRedisConnections,
} from '../cache/__testUtils__/cacheStores';
import {
  describeCacheInRedis,
  guardedTestCache,
} from '../cache/__testUtils__/describeCacheInRedis';

jest.setTimeout(30_000);

const MODEL = 'openai:text-embedding-3-small';

/** Values that a JSON number array would round, and one of each sign. */
function sampleVector(dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  for (let i = 0; i < dimensions; i++) {
    vector[i] = Math.fround(Math.sin(i * 12.9898) * 0.1234567);
  }
  vector[0] = -0;
  vector[1] = 1e-40; // a subnormal float32
  return vector;
}

function bytes(vector: Float32Array) {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

function setUp(
  cacheService = createTestCacheService('memory'),
  ttlSeconds = 60,
) {
  return guardedTestCache(
    guarded => new QueryEmbeddingCache({ cache: guarded, ttlSeconds }),
    cacheService,
  );
}

describe('QueryEmbeddingCache', () => {
  watchTestRedisConnections();

  it('runs against Redis when CI provides it', () => {
    expect(redisMissingInCi()).toBeUndefined();
  });

  describe.each(testCacheStores())('on the %s store', store => {
    it('returns the exact vector bytes it stored', async () => {
      const { cache } = setUp(createTestCacheService(store));
      const vector = sampleVector(1536);
      await cache.set(MODEL, 1536, 'How do I rotate keys?', vector);
      const hit = await cache.get(MODEL, 1536, 'How do I rotate keys?');
      expect(hit).toBeInstanceOf(Float32Array);
      expect(bytes(hit!).equals(bytes(vector))).toBe(true);
    });

    it('stores base64 float32 bytes, not a JSON number array', async () => {
      const { cache, cacheService } = setUp(createTestCacheService(store));
      await cache.set(MODEL, 512, 'q', sampleVector(512));
      const raw = await cacheService.get(
        queryEmbeddingCacheKey(MODEL, 512, 'q'),
      );
      expect(raw).toEqual({
        format: 1,
        dimensions: 512,
        float32le: expect.any(String),
      });
      // 4 bytes per float in base64: about 2.7 kB, where JSON takes ~10 kB.
      expect(JSON.stringify(raw).length).toBeLessThan(512 * 4 * 1.4 + 80);
    });

    it('finds the same query despite extra whitespace', async () => {
      const { cache } = setUp(createTestCacheService(store));
      await cache.set(MODEL, 8, 'rotate  the keys\n', sampleVector(8));
      expect(await cache.get(MODEL, 8, '  rotate the keys')).toBeDefined();
      expect(await cache.get(MODEL, 8, 'Rotate the keys')).toBeUndefined();
    });

    it('keeps models and dimensions apart', async () => {
      const { cache } = setUp(createTestCacheService(store));
      await cache.set(MODEL, 8, 'q', sampleVector(8));
      expect(await cache.get('local:use-lite', 8, 'q')).toBeUndefined();
      expect(await cache.get(MODEL, 16, 'q')).toBeUndefined();
    });

    it('treats corrupt and old-format entries as misses', async () => {
      const { cache, cacheService } = setUp(createTestCacheService(store));
      const key = queryEmbeddingCacheKey(MODEL, 4, 'q');
      await cache.set(MODEL, 4, 'q', sampleVector(4));
      const good = (await cacheService.get(key)) as { float32le: string };
      const corrupt = [
        'not an object',
        [1, 2, 3, 4],
        { format: 0, dimensions: 4, float32le: good.float32le },
        { format: 1, dimensions: 4 },
        { format: 1, dimensions: 4, float32le: good.float32le.slice(0, 8) },
        { format: 1, dimensions: 3, float32le: good.float32le },
        {
          format: 1,
          dimensions: 4,
          float32le: Buffer.from(
            new Float32Array([1, NaN, 2, 3]).buffer,
          ).toString('base64'),
        },
      ];
      for (const value of corrupt) {
        await cacheService.set(key, value);
        await expect(cache.get(MODEL, 4, 'q')).resolves.toBeUndefined();
      }
    });

    it('does not store a vector of the wrong size', async () => {
      const { cache } = setUp(createTestCacheService(store));
      await cache.set(MODEL, 8, 'q', sampleVector(7));
      expect(await cache.get(MODEL, 8, 'q')).toBeUndefined();
    });

    it('forgets entries after the TTL', async () => {
      const { cache } = setUp(createTestCacheService(store), 3);
      await cache.set(MODEL, 8, 'q', sampleVector(8));
      expect(await cache.get(MODEL, 8, 'q')).toBeDefined();
      await new Promise(resolve => setTimeout(resolve, 3_500));
      expect(await cache.get(MODEL, 8, 'q')).toBeUndefined();
    });
  });

  describeCacheInRedis((guarded, ttlSeconds) => {
    const cache = new QueryEmbeddingCache({ cache: guarded, ttlSeconds });
    const question = (n: number) => `question ${n}`;
    return {
      set: n => cache.set(MODEL, 8, question(n), sampleVector(8)),
      get: n => cache.get(MODEL, 8, question(n)),
      stored: () => sampleVector(8),
    };
  });
});
