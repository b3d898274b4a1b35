import OpenAI from 'openai';
import {
  behaviours,
  chatPromptTokens,
  DEFAULT_CHAT_ANSWER,
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
    const res = await post('/completions', {});
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

  describe('POST /v1/chat/completions', () => {
    const CHAT = 'POST /v1/chat/completions';
    const messages = [
      { role: 'system' as const, content: 'Answer from the sources.' },
      { role: 'user' as const, content: 'What is DocuChat?' },
    ];
    const client = () =>
      new OpenAI({ apiKey: 'k', baseURL: server.baseURL, maxRetries: 0 });

    /** The raw SSE events of a streaming request. */
    async function sseEvents(body: object) {
      const res = await post('/chat/completions', { ...body, stream: true });
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const text = await res.text();
      expect(text.endsWith('\n\n')).toBe(true);
      return text
        .trim()
        .split('\n\n')
        .map(event => event.replace(/^data: /, ''));
    }

    it('answers without streaming like the API', async () => {
      const completion = await client().chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
      });
      expect(completion.choices[0]).toMatchObject({
        message: { role: 'assistant', content: DEFAULT_CHAT_ANSWER },
        finish_reason: 'stop',
      });
      expect(completion.usage).toEqual({
        prompt_tokens: chatPromptTokens(messages),
        completion_tokens: expect.any(Number),
        total_tokens: expect.any(Number),
      });
    });

    it('streams chunks with usage null and a final usage chunk', async () => {
      const events = await sseEvents({
        model: 'gpt-4o-mini',
        messages,
        stream_options: { include_usage: true },
      });
      expect(events.at(-1)).toBe('[DONE]');
      const chunks = events.slice(0, -1).map(event => JSON.parse(event));
      const usageChunk = chunks.at(-1);
      expect(usageChunk.choices).toEqual([]);
      expect(usageChunk.usage.prompt_tokens).toBe(chatPromptTokens(messages));
      for (const chunk of chunks.slice(0, -1)) {
        expect(chunk.object).toBe('chat.completion.chunk');
        expect(chunk.usage).toBeNull();
      }
      expect(chunks[0].choices[0].delta.role).toBe('assistant');
      expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
      const text = chunks
        .flatMap(chunk => chunk.choices)
        .map(c => c.delta.content ?? '')
        .join('');
      expect(text).toBe(DEFAULT_CHAT_ANSWER);
    });

    it('sends no usage field without include_usage', async () => {
      const events = await sseEvents({ model: 'm', messages });
      const chunks = events.slice(0, -1).map(event => JSON.parse(event));
      expect(chunks.every(chunk => !('usage' in chunk))).toBe(true);
      expect(chunks.every(chunk => chunk.choices.length === 1)).toBe(true);
    });

    it('plays scripted answers: text, usage and content_filter', async () => {
      server.script(
        CHAT,
        behaviours.chatAnswer({
          text: 'Scripted.',
          usage: { prompt_tokens: 7, completion_tokens: 2 },
        }),
        behaviours.chatAnswer({ finishReason: 'content_filter' }),
      );
      const scripted = await client().chat.completions.create({
        model: 'm',
        messages,
      });
      expect(scripted.choices[0].message.content).toBe('Scripted.');
      expect(scripted.usage?.total_tokens).toBe(9);
      const filtered = await client().chat.completions.create({
        model: 'm',
        messages,
      });
      expect(filtered.choices[0]).toMatchObject({
        message: { content: null },
        finish_reason: 'content_filter',
      });
    });

    it('cuts a stream after N chunks and records the early close', async () => {
      server.script(CHAT, behaviours.chatAnswer({ cutAfterChunks: 2 }));
      const res = await post('/chat/completions', {
        model: 'm',
        messages,
        stream: true,
      });
      const error = await res.text().catch(e => e);
      expect(error).toMatchObject({ name: 'TypeError' });
      expect(await server.requestsTo(CHAT)[0].closed).toBe('early');
    });

    it('records a complete answer as finished', async () => {
      await client().chat.completions.create({ model: 'm', messages });
      expect(await server.requestsTo(CHAT)[0].closed).toBe('finished');
    });

    it('rejects a request without messages', async () => {
      const res = await post('/chat/completions', { model: 'm' });
      expect(res.status).toBe(400);
      expect((await res.json()).error.param).toBe('messages');
    });

    it('answers a prompt filter rejection like Azure OpenAI', async () => {
      server.script(CHAT, behaviours.contentFilterRejection());
      await expect(
        client().chat.completions.create({ model: 'm', messages }),
      ).rejects.toMatchObject({ status: 400, code: 'content_filter' });
    });
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
