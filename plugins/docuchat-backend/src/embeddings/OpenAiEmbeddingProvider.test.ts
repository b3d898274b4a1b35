import { mockServices } from '@backstage/backend-test-utils';
import { countTokens } from 'gpt-tokenizer/model/text-embedding-3-small';
import {
  behaviours,
  buildEmbeddingsResponse,
  deterministicEmbedding,
  OpenAiTestServer,
  sendJson,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import {
  OpenAiEmbeddingProvider,
  OpenAiEmbeddingProviderOptions,
} from './OpenAiEmbeddingProvider';

// The real `openai` SDK inside the provider talks HTTP to a local server that
// answers like the API; only the network is fake.

const EMBEDDINGS = 'POST /v1/embeddings';
const API_KEY = 'sk-test-key';

/** Largest difference between two vectors, element by element. */
function maxDifference(a: Float32Array, b: Float32Array) {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    max = Math.max(max, Math.abs(a[i] - b[i]));
  }
  return max;
}

const texts = (n: number) =>
  Array.from({ length: n }, (_, i) => `Passage number ${i} about billing.`);

describe('OpenAiEmbeddingProvider', () => {
  let server: OpenAiTestServer;

  beforeEach(async () => {
    server = await startOpenAiTestServer({ apiKey: API_KEY });
  });

  afterEach(async () => {
    await server.close();
  });

  function provider(options: Partial<OpenAiEmbeddingProviderOptions> = {}) {
    return new OpenAiEmbeddingProvider({
      apiKey: API_KEY,
      baseURL: server.baseURL,
      logger: mockServices.logger.mock(),
      ...options,
    });
  }

  it('returns one vector per text in input order, with the billed tokens', async () => {
    const inputs = ['first text', 'second, longer text', 'third'];
    const result = await provider().embed(inputs);

    expect(result.vectors).toHaveLength(3);
    result.vectors.forEach((vector, i) => {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(
        maxDifference(vector, deterministicEmbedding(inputs[i], 1536)),
      ).toBeLessThan(1e-6);
    });
    expect(result.promptTokens).toBe(
      inputs.reduce((sum, t) => sum + countTokens(t), 0),
    );

    const [request] = server.requestsTo(EMBEDDINGS);
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.body).toEqual({
      model: 'text-embedding-3-small',
      input: inputs,
      encoding_format: 'base64',
    });
  });

  it('orders by index when the answer lists embeddings out of order', async () => {
    const inputs = texts(5);
    server.script(
      EMBEDDINGS,
      behaviours.custom(({ res, request }) => {
        const { body } = buildEmbeddingsResponse(request.body);
        body.data.reverse();
        sendJson(res, 200, body);
      }),
    );
    const { vectors } = await provider().embed(inputs);
    vectors.forEach((vector, i) => {
      expect(
        maxDifference(vector, deterministicEmbedding(inputs[i], 1536)),
      ).toBeLessThan(1e-6);
    });
  });

  it('accepts float arrays from servers that ignore encoding_format', async () => {
    server.script(
      EMBEDDINGS,
      behaviours.custom(({ res, request }) => {
        const { body } = buildEmbeddingsResponse({
          ...request.body,
          encoding_format: 'float',
        });
        sendJson(res, 200, body);
      }),
    );
    const { vectors } = await provider().embed(['hello']);
    expect(Array.isArray(server.requests[0].body.input)).toBe(true);
    expect(
      maxDifference(vectors[0], deterministicEmbedding('hello', 1536)),
    ).toBeLessThan(1e-6);
  });

  it('batches requests and sums usage over the batches', async () => {
    const inputs = texts(250);
    const result = await provider({ batchSize: 96 }).embed(inputs);

    const requests = server.requestsTo(EMBEDDINGS);
    expect(requests.map(r => r.body.input.length)).toEqual([96, 96, 58]);
    expect(requests.flatMap(r => r.body.input)).toEqual(inputs);
    expect(result.vectors).toHaveLength(250);
    expect(
      maxDifference(
        result.vectors[200],
        deterministicEmbedding(inputs[200], 1536),
      ),
    ).toBeLessThan(1e-6);
    expect(result.promptTokens).toBe(
      inputs.reduce((sum, t) => sum + countTokens(t), 0),
    );
  });

  it('sends nothing for no texts', async () => {
    await expect(provider().embed([])).resolves.toEqual({
      vectors: [],
      promptTokens: 0,
    });
    expect(server.requests).toHaveLength(0);
  });

  it('rejects an empty text before calling the API', async () => {
    await expect(provider().embed(['ok', ''])).rejects.toThrow(
      'Cannot embed text at index 1',
    );
    expect(server.requests).toHaveLength(0);
  });

  it('sends dimensions when configured and names the model with them', async () => {
    const p = provider({ model: 'text-embedding-3-large', dimensions: 256 });
    expect(p.model).toBe('openai:text-embedding-3-large:256');
    expect(p.dimensions).toBe(256);

    const { vectors } = await p.embed(['short vectors']);
    expect(server.requests[0].body.dimensions).toBe(256);
    expect(vectors[0]).toHaveLength(256);
  });

  it.each([
    ['text-embedding-3-small', 1536],
    ['text-embedding-3-large', 3072],
    ['text-embedding-ada-002', 1536],
  ])(
    'uses the native size of %s when dimensions is not set',
    async (model, size) => {
      const p = provider({ model });
      expect(p.dimensions).toBe(size);
      expect(p.model).toBe(`openai:${model}:${size}`);
      const { vectors } = await p.embed(['native']);
      expect(vectors[0]).toHaveLength(size);
      expect('dimensions' in server.requests[0].body).toBe(false);
    },
  );

  it('refuses configurations the API would reject', () => {
    expect(() =>
      provider({ model: 'text-embedding-ada-002', dimensions: 512 }),
    ).toThrow("does not accept 'dimensions'");
    expect(() => provider({ dimensions: 2000 })).toThrow('at most 1536-d');
    expect(() => provider({ model: 'nomic-embed-text' })).toThrow(
      'set docuchat.embeddings.dimensions',
    );
    expect(() => provider({ batchSize: 0 })).toThrow('batchSize');
  });

  it('fails clearly when the server ignores the requested dimensions', async () => {
    server.script(
      EMBEDDINGS,
      behaviours.custom(({ res, request }) => {
        const { dimensions, ...rest } = request.body;
        sendJson(res, 200, buildEmbeddingsResponse(rest).body);
      }),
    );
    await expect(provider({ dimensions: 256 }).embed(['x'])).rejects.toThrow(
      'expected 256-d vectors, got 1536-d',
    );
  });

  it('fails clearly when the answer misses an input', async () => {
    server.script(
      EMBEDDINGS,
      behaviours.custom(({ res, request }) => {
        const { body } = buildEmbeddingsResponse(request.body);
        body.data.pop();
        sendJson(res, 200, body);
      }),
    );
    await expect(provider().embed(['a', 'b'])).rejects.toThrow(
      '1 embeddings for 2 inputs',
    );
  });

  it('retries a 429 after the retry-after the server asked for', async () => {
    server.script(EMBEDDINGS, behaviours.rateLimited({ retryAfterSeconds: 1 }));
    const started = Date.now();
    const result = await provider().embed(['after the rate limit']);
    const elapsed = Date.now() - started;

    expect(server.requestsTo(EMBEDDINGS).map(r => r.behaviour)).toEqual([
      'status',
      'respond',
    ]);
    // The SDK's own first backoff is 375-500 ms; a full second means the
    // header was honoured.
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(result.vectors).toHaveLength(1);
    // Only the successful attempt is billed.
    expect(result.promptTokens).toBe(countTokens('after the rate limit'));
    expect(server.requests[1].headers['x-stainless-retry-count']).toBe('1');
  });

  it('does not wait a retry-after longer than allowed, and says so', async () => {
    server.script(
      EMBEDDINGS,
      behaviours.rateLimited({ retryAfterSeconds: 120 }),
    );
    const logger = mockServices.logger.mock();
    const started = Date.now();
    await expect(provider({ logger }).embed(['x'])).rejects.toThrow(
      /failed with status 429 and asked to wait 120000 ms, longer than we wait; not retried/,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('asked to wait 120000 ms'),
    );
  });

  it('retries a 500 with backoff and then succeeds', async () => {
    server.script(EMBEDDINGS, behaviours.serverError(500));
    const logger = mockServices.logger.mock();
    const result = await provider({ logger }).embed(['a', 'b']);
    expect(server.requests.map(r => r.behaviour)).toEqual([
      'status',
      'respond',
    ]);
    expect(result.vectors).toHaveLength(2);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('OpenAI answered 500'),
    );
  });

  it('retries a reset connection', async () => {
    server.script(EMBEDDINGS, behaviours.reset());
    const result = await provider().embed(['after a reset']);
    expect(server.requests.map(r => r.behaviour)).toEqual(['reset', 'respond']);
    expect(result.vectors).toHaveLength(1);
  });

  it('gives up after maxRetries on a persistent 500 with a clear error', async () => {
    server.script(
      EMBEDDINGS,
      behaviours.serverError(500),
      behaviours.serverError(502),
      behaviours.serverError(503),
    );
    const error = await provider({ maxRetries: 2 })
      .embed(['x'])
      .catch(e => e);
    expect(server.requests).toHaveLength(3);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toMatch(
      /^OpenAI embeddings request 1\/1 \(text-embedding-3-small\) to http:\/\/127\.0\.0\.1:\d+\/v1 failed with status 503 \(3 attempts\); caused by .*503/,
    );
  }, 15_000);

  it("does not retry a 401 and keeps the API's error codes, not its text", async () => {
    const error = await provider({ apiKey: 'wrong' })
      .embed(['x'])
      .catch(e => e);
    expect(server.requests).toHaveLength(1);
    // Servers may echo the key in their text; the codes say the same.
    expect(error.message).toMatch(
      /rejected with status 401 \(not retried\); caused by .*status 401 \(invalid_request_error, invalid_api_key\)$/,
    );
  });

  it('times out a hung request, retries it, then fails with a timeout error', async () => {
    server.script(EMBEDDINGS, behaviours.hang(), behaviours.hang());
    const error = await provider({ timeoutMs: 300, maxRetries: 1 })
      .embed(['x'])
      .catch(e => e);
    expect(server.requests.map(r => r.behaviour)).toEqual(['hang', 'hang']);
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toMatch(
      /timed out \(300 ms per attempt, 2 attempts\)/,
    );
  });

  it('recovers when a hung attempt is followed by an answer', async () => {
    server.script(EMBEDDINGS, behaviours.hang());
    // The answering attempt must fit the time limit on a busy machine too.
    const result = await provider({ timeoutMs: 1000 }).embed(['x']);
    expect(server.requests.map(r => r.behaviour)).toEqual(['hang', 'respond']);
    expect(result.vectors).toHaveLength(1);
  });

  it('stops at once when the signal aborts during a request', async () => {
    server.script(EMBEDDINGS, behaviours.hang());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await provider({ timeoutMs: 10_000 })
      .embed(['x'], { signal: controller.signal })
      .catch(e => e);
    expect(error.name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
  });

  it('stops at once when the signal aborts while waiting to retry', async () => {
    server.script(EMBEDDINGS, behaviours.rateLimited({ retryAfterSeconds: 2 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    const error = await provider()
      .embed(['x'], { signal: controller.signal })
      .catch(e => e);
    expect(error.name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
    // The SDK wakes from its sleep later, sees the signal and sends nothing.
    await new Promise(resolve => setTimeout(resolve, 2200));
    expect(server.requests).toHaveLength(1);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      provider().embed(['x'], { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(0);
  });

  it('sends no further batch once aborted', async () => {
    const controller = new AbortController();
    server.script(
      EMBEDDINGS,
      behaviours.custom(({ res, request }) => {
        controller.abort();
        sendJson(res, 200, buildEmbeddingsResponse(request.body).body);
      }),
    );
    await expect(
      provider({ batchSize: 2 }).embed(texts(6), { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(1);
  });
});
