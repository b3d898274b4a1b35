import { AnswerKey, CachedAnswer } from './AskService';
import { answerCacheKey, AnswerCache } from './AnswerCache';
import {
  createTestCacheService,
  describeWithRedis,
  redisKeyTtls,
  redisMissingInCi,
  testCacheStores,
  watchTestRedisConnections,
} from '../cache/__testUtils__/cacheStores';
import {
  describeCacheInRedis,
  guardedTestCache,
} from '../cache/__testUtils__/describeCacheInRedis';

jest.setTimeout(30_000);

const KEY: AnswerKey = {
  tenantId: 'acme',
  revision: '2026-11-25T10:00:00.000Z:42',
  models: ['openai:gpt-4o-mini', 'openai:gpt-4.1-nano', 'extractive'],
  k: 6,
  question: 'How do I rotate the API keys?',
};

const ANSWER: CachedAnswer = {
  answer: 'Rotate them from the admin page [1].',
  model: 'openai:gpt-4o-mini',
  citations: [
    {
      n: 1,
      chunkId: 'c1',
      documentId: 'd1',
      documentTitle: 'Operations handbook',
      headingPath: ['Security', 'Keys'],
      snippet: 'Keys are rotated from the admin page',
      score: 0.83,
    },
  ],
  usage: [
    {
      model: 'openai:gpt-4o-mini',
      operation: 'chat',
      promptTokens: 812,
      completionTokens: 44,
      estimated: false,
    },
  ],
  fallbacks: [],
};

function setUp(
  cacheService = createTestCacheService('memory'),
  ttlSeconds = 60,
) {
  return guardedTestCache(
    guarded => new AnswerCache({ cache: guarded, ttlSeconds }),
    cacheService,
  );
}

describe('AnswerCache', () => {
  watchTestRedisConnections();

  it('runs against Redis when CI provides it', () => {
    expect(redisMissingInCi()).toBeUndefined();
  });

  it('names the tenant in the key, in front of the digest', () => {
    expect(answerCacheKey(KEY)).toMatch(/^answer:v1:acme:[A-Za-z0-9_-]{43}$/);
  });

  describe.each(testCacheStores())('on the %s store', store => {
    it('returns the answer it stored', async () => {
      const { cache } = setUp(createTestCacheService(store));
      await cache.set(KEY, ANSWER);
      expect(await cache.get(KEY)).toEqual(ANSWER);
    });

    it('stores nothing request-specific', async () => {
      const { cache, cacheService } = setUp(createTestCacheService(store));
      const response = {
        ...ANSWER,
        requestId: 'req-12345678',
        conversationId: '5b7c2a9e-0000-4000-8000-000000000000',
        cached: false,
      };
      await cache.set(KEY, response);
      const raw = JSON.stringify(await cacheService.get(answerCacheKey(KEY)));
      expect(raw).not.toContain('req-12345678');
      expect(raw).not.toContain('5b7c2a9e');
      expect(await cache.get(KEY)).toEqual(ANSWER);
    });

    it("never serves one tenant's answer to another", async () => {
      const { cache, cacheService } = setUp(createTestCacheService(store));
      await cache.set(KEY, ANSWER);
      const globex = { ...KEY, tenantId: 'globex' };
      expect(await cache.get(globex)).toBeUndefined();

      // Even an entry copied under the other tenant's key is refused: the
      // value names the tenant it belongs to.
      await cacheService.set(
        answerCacheKey(globex),
        (await cacheService.get(answerCacheKey(KEY)))!,
      );
      expect(await cache.get(globex)).toBeUndefined();
      expect(await cache.get(KEY)).toEqual(ANSWER);
    });

    it('misses once the corpus revision changes', async () => {
      const { cache } = setUp(createTestCacheService(store));
      await cache.set(KEY, ANSWER);
      expect(
        await cache.get({ ...KEY, revision: '2026-11-25T11:00:00.000Z:43' }),
      ).toBeUndefined();
    });

    it('misses for another model chain or k', async () => {
      const { cache } = setUp(createTestCacheService(store));
      await cache.set(KEY, ANSWER);
      expect(
        await cache.get({
          ...KEY,
          models: ['openai:gpt-4.1-nano', 'extractive'],
        }),
      ).toBeUndefined();
      expect(await cache.get({ ...KEY, k: 5 })).toBeUndefined();
    });

    it('finds the question despite extra whitespace, not another question', async () => {
      const { cache } = setUp(createTestCacheService(store));
      await cache.set(KEY, ANSWER);
      expect(
        await cache.get({
          ...KEY,
          question: '  How do I rotate\tthe API keys? ',
        }),
      ).toEqual(ANSWER);
      expect(
        await cache.get({ ...KEY, question: 'How do I revoke the API keys?' }),
      ).toBeUndefined();
    });

    it('treats corrupt and old-format entries as misses', async () => {
      const { cache, cacheService } = setUp(createTestCacheService(store));
      await cache.set(KEY, ANSWER);
      const good = (await cacheService.get(answerCacheKey(KEY))) as Record<
        string,
        any
      >;
      const corrupt = [
        'a string',
        { ...good, format: 0 },
        { ...good, answer: { ...good.answer, citations: 'none' } },
        { ...good, answer: { ...good.answer, answer: undefined } },
        { ...good, revision: undefined },
        { answer: ANSWER.answer },
      ];
      for (const value of corrupt) {
        await cacheService.set(answerCacheKey(KEY), value);
        await expect(cache.get(KEY)).resolves.toBeUndefined();
      }
    });

    it('forgets answers after the TTL', async () => {
      const { cache } = setUp(createTestCacheService(store), 3);
      await cache.set(KEY, ANSWER);
      expect(await cache.get(KEY)).toBeDefined();
      await new Promise(resolve => setTimeout(resolve, 3_500));
      expect(await cache.get(KEY)).toBeUndefined();
    });
  });

  describeWithRedis('in Redis itself', () => {
    it('keeps the tenant readable in the stored key', async () => {
      const { cache, cacheService } = setUp(createTestCacheService('redis'));
      await cache.set(KEY, ANSWER);
      // Backstage's cache client base64-encodes keys; decoded, the prefix shows.
      const [stored] = [...redisKeyTtls(cacheService).keys()];
      const encoded = stored.slice(stored.lastIndexOf(':') + 1);
      expect(Buffer.from(encoded, 'base64').toString()).toBe(
        answerCacheKey(KEY),
      );
    });
  });

  describeCacheInRedis((guarded, ttlSeconds) => {
    const cache = new AnswerCache({ cache: guarded, ttlSeconds });
    const key = (n: number) => ({ ...KEY, k: KEY.k + n });
    return {
      set: n => cache.set(key(n), ANSWER),
      get: n => cache.get(key(n)),
      stored: () => ANSWER,
    };
  });
});
