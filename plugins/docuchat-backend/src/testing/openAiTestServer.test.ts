import OpenAI from 'openai';
import {
  behaviours,
  deterministicEmbedding,
  OpenAiTestServer,
  sendJson,
  startOpenAiTestServer,
} from './openAiTestServer';

describe('startOpenAiTestServer', () => {
  let server: OpenAiTestServer;

  beforeEach(async () => {
    server = await startOpenAiTestServer();
  });

  afterEach(async () => {
    await server.close();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${server.baseURL}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('listens on 127.0.0.1 under /v1', () => {
    expect(server.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  it('answers embeddings in the shape of the real API', async () => {
    const res = await post('/embeddings', {
      model: 'text-embedding-3-small',
      input: ['hello', 'world'],
      encoding_format: 'float',
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: expect.any(Array) },
        { object: 'embedding', index: 1, embedding: expect.any(Array) },
      ],
      model: 'text-embedding-3-small',
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
    expect(body.data[0].embedding).toHaveLength(1536);
    expect(body.data[0].embedding).toEqual(
      Array.from(deterministicEmbedding('hello', 1536)),
    );
  });

  it('serves base64 the way the SDK decodes it by default', async () => {
    // Without encoding_format the SDK asks for base64 and decodes it itself.
    const client = new OpenAI({ apiKey: 'k', baseURL: server.baseURL });
    const response = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: 'decoded by the SDK',
      dimensions: 64,
    });
    expect(server.requests[0].body.encoding_format).toBe('base64');
    expect(response.data[0].embedding).toEqual(
      Array.from(deterministicEmbedding('decoded by the SDK', 64)),
    );
  });

  it.each([
    [{ input: ['x'] }, 'model'],
    [{ model: 'text-embedding-3-small', input: [] }, 'input'],
    [{ model: 'text-embedding-3-small', input: [''] }, 'input'],
    [
      { model: 'text-embedding-ada-002', input: ['x'], dimensions: 8 },
      'dimensions',
    ],
    [
      { model: 'text-embedding-3-small', input: ['x'], dimensions: 4096 },
      'dimensions',
    ],
  ])('rejects %j like the API does', async (body, param) => {
    const res = await post('/embeddings', body);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({
      type: 'invalid_request_error',
      param,
    });
  });

  it('answers 404 for routes it does not know', async () => {
    const res = await post('/chat/completions', {});
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('unknown_url');
  });

  it('plays scripted behaviours in order, then answers normally', async () => {
    server.script(
      'POST /v1/embeddings',
      behaviours.rateLimited({ retryAfterSeconds: 3 }),
      behaviours.serverError(503),
    );
    const body = { model: 'text-embedding-3-small', input: ['x'] };

    const limited = await post('/embeddings', body);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect((await limited.json()).error.code).toBe('rate_limit_exceeded');

    const failed = await post('/embeddings', body);
    expect(failed.status).toBe(503);
    expect((await failed.json()).error.type).toBe('server_error');

    expect((await post('/embeddings', body)).status).toBe(200);
    expect(server.requests.map(r => r.behaviour)).toEqual([
      'status',
      'status',
      'respond',
    ]);
  });

  it('resets the connection', async () => {
    server.script('POST /v1/embeddings', behaviours.reset());
    const error = await post('/embeddings', {}).catch(e => e);
    // Node's fetch errors come from outside Jest's realm: compare by name.
    expect(error).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    expect(String(error.cause)).toMatch(/ECONNRESET|other side closed|socket/i);
  });

  it('closes even while a request hangs', async () => {
    server.script('POST /v1/embeddings', behaviours.hang());
    const pending = post('/embeddings', {}).catch(e => e);
    while (server.requests.length === 0) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    await server.close();
    expect(await pending).toMatchObject({ message: 'fetch failed' });
  });

  it('takes new routes without changes to the server', async () => {
    server.route('POST /v1/chat/completions', ({ res, request }) =>
      sendJson(res, 200, { echoed: request.body.messages.length }),
    );
    const res = await post('/chat/completions', { messages: [{}, {}] });
    expect(await res.json()).toEqual({ echoed: 2 });
    expect(server.requestsTo('POST /v1/chat/completions')).toHaveLength(1);
  });

  it('checks the API key when given one', async () => {
    const guarded = await startOpenAiTestServer({ apiKey: 'secret' });
    try {
      const client = new OpenAI({
        apiKey: 'wrong',
        baseURL: guarded.baseURL,
        maxRetries: 0,
      });
      await expect(
        client.embeddings.create({
          model: 'text-embedding-3-small',
          input: 'x',
        }),
      ).rejects.toMatchObject({ status: 401 });
    } finally {
      await guarded.close();
    }
  });
});
