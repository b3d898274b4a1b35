import { mockServices } from '@backstage/backend-test-utils';
import {
  ChatMessage,
  ChatModelError,
  ChatStream,
} from '@docuchat/backstage-plugin-docuchat-node';
import {
  behaviours,
  chatPromptTokens,
  DEFAULT_CHAT_ANSWER,
  OpenAiTestServer,
  splitIntoDeltas,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import { countTokens } from '../ingest/tokens';
import { countPromptTokens } from './chatTokens';
import { OpenAiChatModel, OpenAiChatModelOptions } from './OpenAiChatModel';

// The real `openai` SDK inside the model talks HTTP to a local server that
// answers like the API; only the network is fake.

const CHAT = 'POST /v1/chat/completions';
const API_KEY = 'sk-test-key';
const messages: ChatMessage[] = [
  { role: 'system', content: 'Answer from the numbered sources.' },
  { role: 'user', content: 'How are invoices paid?' },
];

/** Every delta of a stream, and the error that ended it, if any. */
async function drain(stream: ChatStream) {
  const deltas: string[] = [];
  try {
    for await (const delta of stream) deltas.push(delta);
    return { deltas, error: undefined };
  } catch (error) {
    return { deltas, error };
  }
}

describe('OpenAiChatModel', () => {
  let server: OpenAiTestServer;

  beforeEach(async () => {
    server = await startOpenAiTestServer({ apiKey: API_KEY });
  });

  afterEach(async () => {
    await server.close();
  });

  function model(options: Partial<OpenAiChatModelOptions> = {}) {
    return new OpenAiChatModel({
      apiKey: API_KEY,
      baseURL: server.baseURL,
      model: 'gpt-4o-mini',
      logger: mockServices.logger.mock(),
      ...options,
    });
  }

  it('streams the deltas and takes the usage from the usage chunk', async () => {
    server.script(
      CHAT,
      behaviours.chatAnswer({
        text: 'Invoices are paid through Zibal.',
        usage: { prompt_tokens: 321, completion_tokens: 9 },
      }),
    );
    const stream = await model().stream({ messages });
    const { deltas, error } = await drain(stream);

    expect(error).toBeUndefined();
    expect(deltas).toEqual(splitIntoDeltas('Invoices are paid through Zibal.'));
    // Exactly what the server reported, not a local count.
    expect(await stream.usage()).toEqual({
      promptTokens: 321,
      completionTokens: 9,
      estimated: false,
    });
    const [request] = server.requestsTo(CHAT);
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.body).toEqual({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(model().id).toBe('openai:gpt-4o-mini');
  });

  it('resolves once the first token is there, before the rest is sent', async () => {
    server.script(
      CHAT,
      behaviours.chatAnswer({ text: 'one two three', stallAfterChunks: 2 }),
    );
    // The first token must come within the answer timer even on a busy
    // machine; only the stall after it may run into the timer.
    const stream = await model({ timeoutMs: 1000 }).stream({ messages });
    const iterator = stream[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: 'one ' });
    // The server stalls after that token: the answer timer ends the answer.
    await expect(iterator.next()).rejects.toMatchObject({
      name: 'ChatModelError',
      reason: 'timeout',
    });
    expect(await stream.usage()).toEqual({
      promptTokens: countPromptTokens(messages),
      completionTokens: countTokens('one '),
      estimated: true,
    });
  });

  it('estimates the usage when the stream is cut after the first tokens', async () => {
    // Role chunk, then "The " and "test ": three data events, then cut.
    server.script(CHAT, behaviours.chatAnswer({ cutAfterChunks: 3 }));
    const stream = await model().stream({ messages });
    const { deltas, error } = await drain(stream);

    expect(deltas).toEqual(splitIntoDeltas(DEFAULT_CHAT_ANSWER).slice(0, 2));
    expect(error).toBeInstanceOf(ChatModelError);
    expect(error).toMatchObject({ reason: 'connection' });
    expect(await stream.usage()).toEqual({
      promptTokens: countPromptTokens(messages),
      completionTokens: countTokens(deltas.join('')),
      estimated: true,
    });
    // The local count is close to what the server would have billed.
    expect(countPromptTokens(messages)).toBe(chatPromptTokens(messages));
  });

  it('closes the upstream request on abort and estimates the usage', async () => {
    server.script(
      CHAT,
      behaviours.chatAnswer({ text: 'a b c d e f g h', chunkDelayMs: 30 }),
    );
    const controller = new AbortController();
    const stream = await model().stream({
      messages,
      signal: controller.signal,
    });
    const deltas: string[] = [];
    const error = await (async () => {
      for await (const delta of stream) {
        deltas.push(delta);
        if (deltas.length === 2) controller.abort(new Error('client left'));
      }
    })().catch(e => e);

    expect(error).toMatchObject({ message: 'client left' });
    expect(deltas).toEqual(['a ', 'b ']);
    expect(await server.requestsTo(CHAT)[0].closed).toBe('early');
    expect(await stream.usage()).toEqual({
      promptTokens: countPromptTokens(messages),
      completionTokens: countTokens('a b '),
      estimated: true,
    });
  });

  it('closes the upstream request when the consumer stops reading', async () => {
    server.script(
      CHAT,
      behaviours.chatAnswer({ text: 'a b c d e f g h', chunkDelayMs: 30 }),
    );
    const stream = await model().stream({ messages });
    for await (const delta of stream) {
      expect(delta).toBe('a ');
      break;
    }
    expect(await server.requestsTo(CHAT)[0].closed).toBe('early');
    expect((await stream.usage()).estimated).toBe(true);
  });

  it('passes on an abort before the first token without classifying it', async () => {
    server.script(CHAT, behaviours.hang());
    const controller = new AbortController();
    const pending = model().stream({ messages, signal: controller.signal });
    while (server.requestsTo(CHAT).length === 0) {
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    controller.abort(new Error('client left'));
    await expect(pending).rejects.toMatchObject({ message: 'client left' });
    expect(await server.requestsTo(CHAT)[0].closed).toBe('early');
  });

  it('counts an empty answer as an answer', async () => {
    server.script(CHAT, behaviours.chatAnswer({ text: '' }));
    const stream = await model().stream({ messages });
    expect((await drain(stream)).deltas).toEqual([]);
    expect((await stream.usage()).estimated).toBe(false);
  });

  describe('classifies failures before the first token', () => {
    const reasonOf = async (options: Partial<OpenAiChatModelOptions> = {}) => {
      const error = await model(options)
        .stream({ messages })
        .catch(e => e);
      expect(error).toBeInstanceOf(ChatModelError);
      return error.reason;
    };

    it('429 → rate_limit, without a retry', async () => {
      server.script(CHAT, behaviours.rateLimited({ retryAfterSeconds: 1 }));
      expect(await reasonOf()).toBe('rate_limit');
      expect(server.requestsTo(CHAT)).toHaveLength(1);
    });

    it.each([500, 502, 503])(
      '%i → server_error, without a retry',
      async status => {
        server.script(CHAT, behaviours.serverError(status));
        expect(await reasonOf()).toBe('server_error');
        expect(server.requestsTo(CHAT)).toHaveLength(1);
      },
    );

    it('no answer at all → timeout', async () => {
      server.script(CHAT, behaviours.hang());
      expect(await reasonOf({ firstTokenTimeoutMs: 100 })).toBe('timeout');
      expect(await server.requestsTo(CHAT)[0].closed).toBe('early');
    });

    it('headers but no token → timeout', async () => {
      server.script(CHAT, behaviours.chatAnswer({ stallAfterChunks: 1 }));
      expect(await reasonOf({ firstTokenTimeoutMs: 100 })).toBe('timeout');
      expect(await server.requestsTo(CHAT)[0].closed).toBe('early');
    });

    it('connection reset → connection', async () => {
      server.script(CHAT, behaviours.reset());
      expect(await reasonOf()).toBe('connection');
    });

    it('stream cut before the first token → connection', async () => {
      server.script(CHAT, behaviours.chatAnswer({ cutAfterChunks: 1 }));
      expect(await reasonOf()).toBe('connection');
    });

    it('connection refused → connection', async () => {
      const gone = await startOpenAiTestServer();
      await gone.close();
      expect(await reasonOf({ baseURL: gone.baseURL })).toBe('connection');
    });

    it('finish_reason content_filter → content_filter', async () => {
      server.script(
        CHAT,
        behaviours.chatAnswer({ finishReason: 'content_filter' }),
      );
      expect(await reasonOf()).toBe('content_filter');
    });

    it('400 with code content_filter → content_filter', async () => {
      server.script(CHAT, behaviours.contentFilterRejection());
      expect(await reasonOf()).toBe('content_filter');
    });

    it('a wrong key is not a reason to fall back', async () => {
      const error = await model({ apiKey: 'wrong' })
        .stream({ messages })
        .catch(e => e);
      expect(error).not.toBeInstanceOf(ChatModelError);
      expect(error.message).toMatch(/rejected with status 401/);
    });
  });
});
