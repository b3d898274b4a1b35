import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { AnswerCache } from '../ask/AnswerCache';
import { createCaches } from '../createCaches';
import { QueryEmbeddingCache } from '../search/QueryEmbeddingCache';
import { readCacheConfig } from './readCacheConfig';

function config(cache?: object) {
  return new ConfigReader({ docuchat: cache ? { cache } : {} });
}

describe('readCacheConfig', () => {
  it('defaults to an hour for answers and a day for query vectors', () => {
    expect(readCacheConfig(config())).toEqual({
      answersTtlSeconds: 3600,
      queryEmbeddingsTtlSeconds: 86400,
    });
  });

  it('reads both TTLs, 0 included', () => {
    expect(
      readCacheConfig(
        config({
          answers: { ttlSeconds: 0 },
          queryEmbeddings: { ttlSeconds: 600 },
        }),
      ),
    ).toEqual({ answersTtlSeconds: 0, queryEmbeddingsTtlSeconds: 600 });
  });

  it.each([-1, 1.5])('refuses %p seconds, naming the key', ttlSeconds => {
    expect(() => readCacheConfig(config({ answers: { ttlSeconds } }))).toThrow(
      `docuchat.cache.answers.ttlSeconds must be a whole number of seconds (0 disables the cache), got ${ttlSeconds}`,
    );
  });
});

describe('createCaches', () => {
  const deps = {
    cache: mockServices.cache.mock(),
    logger: mockServices.logger.mock(),
  };

  it('creates both caches by default', () => {
    const caches = createCaches({ ...deps, config: config() });
    expect(caches.answers).toBeInstanceOf(AnswerCache);
    expect(caches.queryEmbeddings).toBeInstanceOf(QueryEmbeddingCache);
  });

  it('leaves out a cache whose TTL is 0', () => {
    const caches = createCaches({
      ...deps,
      config: config({
        answers: { ttlSeconds: 0 },
        queryEmbeddings: { ttlSeconds: 0 },
      }),
    });
    expect(caches).toEqual({ answers: undefined, queryEmbeddings: undefined });
  });
});
