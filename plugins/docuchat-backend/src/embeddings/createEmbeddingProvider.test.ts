import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import { createEmbeddingProvider } from './createEmbeddingProvider';
import { LocalEmbeddingProvider } from './LocalEmbeddingProvider';
import { OpenAiEmbeddingProvider } from './OpenAiEmbeddingProvider';
import { readEmbeddingsConfig } from './readEmbeddingsConfig';

const create = (docuchat: object) =>
  createEmbeddingProvider(
    new ConfigReader({ docuchat }),
    mockServices.logger.mock(),
  );

describe('createEmbeddingProvider', () => {
  it('uses the local model when nothing is configured', () => {
    const provider = createEmbeddingProvider(
      new ConfigReader({}),
      mockServices.logger.mock(),
    );
    expect(provider).toBeInstanceOf(LocalEmbeddingProvider);
    expect(provider.model).toBe('local:use-lite:512');
  });

  it('uses the local model when the openai block has no key', () => {
    // What `apiKey: ${OPENAI_API_KEY}` leaves when the variable is unset.
    expect(
      create({ openai: { baseURL: 'http://vllm:8000/v1' } }),
    ).toBeInstanceOf(LocalEmbeddingProvider);
  });

  it('uses OpenAI with its defaults when an API key is set', () => {
    const provider = create({ openai: { apiKey: 'sk-1' } });
    expect(provider).toBeInstanceOf(OpenAiEmbeddingProvider);
    expect(provider.model).toBe('openai:text-embedding-3-small:1536');
    expect(provider.dimensions).toBe(1536);
  });

  it('uses the local model when asked to, even with a key', () => {
    const provider = create({
      openai: { apiKey: 'sk-1' },
      embeddings: { provider: 'local', batchSize: 4 },
    });
    expect(provider).toBeInstanceOf(LocalEmbeddingProvider);
  });

  it('reads model and dimensions', () => {
    const provider = create({
      openai: { apiKey: 'sk-1' },
      embeddings: { model: 'text-embedding-3-large', dimensions: 1024 },
    });
    expect(provider.model).toBe('openai:text-embedding-3-large:1024');
    expect(provider.dimensions).toBe(1024);
  });

  it('passes every OpenAI setting through', () => {
    expect(
      readEmbeddingsConfig(
        new ConfigReader({
          docuchat: {
            openai: { apiKey: 'sk-1', baseURL: 'http://vllm:8000/v1' },
            embeddings: {
              provider: 'openai',
              model: 'bge-m3',
              dimensions: 1024,
              batchSize: 32,
              timeoutMs: 5000,
              maxRetries: 0,
            },
          },
        }),
      ),
    ).toEqual({
      provider: 'openai',
      apiKey: 'sk-1',
      baseURL: 'http://vllm:8000/v1',
      model: 'bge-m3',
      dimensions: 1024,
      batchSize: 32,
      timeoutMs: 5000,
      maxRetries: 0,
    });
  });

  it.each([
    [
      { embeddings: { provider: 'openai' } },
      'docuchat.openai.apiKey is not set',
    ],
    [{ embeddings: { provider: 'cohere' } }, "must be 'openai' or 'local'"],
    [
      { openai: { apiKey: 'k' }, embeddings: { batchSize: 0 } },
      'batchSize must be a positive integer',
    ],
    [
      { openai: { apiKey: 'k' }, embeddings: { maxRetries: -1 } },
      'maxRetries must be a non-negative integer',
    ],
    [
      { openai: { apiKey: 'k' }, embeddings: { timeoutMs: 1.5 } },
      'timeoutMs must be a positive integer',
    ],
    [
      { openai: { apiKey: 'k' }, embeddings: { model: 'my-own-model' } },
      'set docuchat.embeddings.dimensions',
    ],
    [
      { openai: { apiKey: 'k' }, embeddings: { dimensions: 5000 } },
      'at most 1536-d',
    ],
    [
      { embeddings: { model: 'text-embedding-3-small' } },
      "'text-embedding-3-small' is not available locally",
    ],
    [
      { embeddings: { dimensions: 384 } },
      'the local model makes 512-d vectors',
    ],
    [
      { embeddings: { provider: 'local', timeoutMs: 100 } },
      "timeoutMs applies to the 'openai' provider only",
    ],
  ])('rejects %j', (docuchat, message) => {
    expect(() => create(docuchat)).toThrow(message);
  });

  describe('against an OpenAI-compatible server', () => {
    let server: OpenAiTestServer;

    beforeEach(async () => {
      server = await startOpenAiTestServer({ apiKey: 'sk-config' });
    });

    afterEach(async () => {
      await server.close();
    });

    it('connects with the configured URL, key, model, size and batch size', async () => {
      const provider = create({
        openai: { apiKey: 'sk-config', baseURL: server.baseURL },
        embeddings: {
          model: 'nomic-embed-text',
          dimensions: 768,
          batchSize: 2,
        },
      });
      const { vectors } = await provider.embed(['a', 'b', 'c']);
      expect(vectors.map(v => v.length)).toEqual([768, 768, 768]);
      expect(server.requests.map(r => r.body.input)).toEqual([
        ['a', 'b'],
        ['c'],
      ]);
      expect(server.requests[0].body).toMatchObject({
        model: 'nomic-embed-text',
        dimensions: 768,
      });
    });

    it('uses the configured retries and timeout', async () => {
      server.script(
        'POST /v1/embeddings',
        { kind: 'hang' },
        { kind: 'hang' },
        { kind: 'hang' },
      );
      const provider = create({
        openai: { apiKey: 'sk-config', baseURL: server.baseURL },
        embeddings: { timeoutMs: 200, maxRetries: 1 },
      });
      await expect(provider.embed(['x'])).rejects.toThrow(
        '200 ms per attempt, 2 attempts',
      );
      expect(server.requests).toHaveLength(2);
    });
  });
});
