import { mockServices } from '@backstage/backend-test-utils';
import {
  ChatModel,
  ChatModelError,
  ChatStream,
} from '@docuchat/backstage-plugin-docuchat-node';
import {
  Behaviour,
  behaviours,
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import {
  ChatChainRequest,
  ChatModelChain,
  FailedAttempt,
} from './ChatModelChain';
import { countPromptTokens } from './chatTokens';
import { FallbackRecorder } from './FallbackRecorder';
import { OpenAiChatModel } from './OpenAiChatModel';

// Real OpenAiChatModels (official SDK) against the local OpenAI test server:
// the primary's request is the first to the route, the secondary's the second.

const CHAT = 'POST /v1/chat/completions';
const PRIMARY = 'openai:gpt-4o';
const SECONDARY = 'openai:gpt-4o-mini';
const EXTRACTIVE = 'local:extractive';

const request: ChatChainRequest = {
  messages: [
    { role: 'system', content: 'Answer from the sources.' },
    { role: 'user', content: 'How do tenants pay invoices?' },
  ],
  question: 'How do tenants pay invoices?',
  sources: [
    { n: 1, text: 'Invoices are created daily.' },
    { n: 2, text: 'Tenants pay invoices through the Zibal gateway.' },
  ],
};

/** Opens the chain on `request`, collecting the failed attempts it reports. */
async function openReporting(chain: ChatModelChain) {
  const attempts: FailedAttempt[] = [];
  const answer = await chain.open({
    ...request,
    onFailedAttempt: async attempt => {
      attempts.push(attempt);
    },
  });
  return { answer, attempts };
}

async function read(stream: ChatStream) {
  let text = '';
  for await (const delta of stream) text += delta;
  return text;
}

describe('ChatModelChain', () => {
  let server: OpenAiTestServer;
  let recorded: Array<[string, string, string]>;
  let recorder: FallbackRecorder;
  const logger = mockServices.logger.mock();

  beforeEach(async () => {
    server = await startOpenAiTestServer();
    recorded = [];
    recorder = { record: (...args) => recorded.push(args) };
  });

  afterEach(async () => {
    await server.close();
  });

  const openAi = (model: string, baseURL = server.baseURL) =>
    new OpenAiChatModel({
      apiKey: 'k',
      baseURL,
      model,
      // Long enough for a real answer on a machine busy with CI (150 ms was
      // not, now and then); the hang cases wait it out once.
      firstTokenTimeoutMs: 1000,
      logger,
    });

  function chain(
    models: ChatModel[] = [openAi('gpt-4o'), openAi('gpt-4o-mini')],
  ) {
    return new ChatModelChain({ models, recorder, logger });
  }

  it('answers with the primary when it works', async () => {
    const answer = await chain().open(request);
    expect(answer.model).toBe(PRIMARY);
    expect(answer.fallbacks).toEqual([]);
    expect(await read(answer.stream)).toMatch(/test server answers/);
    expect(recorded).toEqual([]);
    expect(chain().modelIds).toEqual([PRIMARY, SECONDARY, EXTRACTIVE]);
  });

  // Whether the failed attempt may have been billed: not when the provider
  // turned the request away with an error status.
  it.each<[string, Behaviour, string, boolean]>([
    ['429', behaviours.rateLimited(), 'rate_limit', false],
    ['500', behaviours.serverError(), 'server_error', false],
    ['a hang', behaviours.hang(), 'timeout', true],
    ['a reset', behaviours.reset(), 'connection', true],
    [
      'content filter',
      behaviours.chatAnswer({ finishReason: 'content_filter' }),
      'content_filter',
      true,
    ],
  ])(
    'falls back to the secondary after %s',
    async (_, failure, reason, billed) => {
      server.script(
        CHAT,
        failure,
        behaviours.chatAnswer({ text: 'From the secondary.' }),
      );
      const { answer, attempts } = await openReporting(chain());

      expect(answer.model).toBe(SECONDARY);
      expect(await read(answer.stream)).toBe('From the secondary.');
      expect((await answer.stream.usage()).estimated).toBe(false);
      expect(answer.fallbacks).toEqual([
        { from: PRIMARY, to: SECONDARY, reason, message: expect.any(String) },
      ]);
      expect(attempts).toEqual([
        {
          model: PRIMARY,
          usage: billed
            ? {
                promptTokens: countPromptTokens(request.messages),
                completionTokens: 0,
                estimated: true,
              }
            : { promptTokens: 0, completionTokens: 0, estimated: false },
        },
      ]);
      expect(recorded).toEqual([[PRIMARY, SECONDARY, reason]]);
      expect(server.requestsTo(CHAT).map(r => r.body.model)).toEqual([
        'gpt-4o',
        'gpt-4o-mini',
      ]);
    },
  );

  it('falls back to the secondary when the primary refuses connections', async () => {
    const gone = await startOpenAiTestServer();
    await gone.close();
    const { answer, attempts } = await openReporting(
      chain([openAi('gpt-4o', gone.baseURL), openAi('gpt-4o-mini')]),
    );
    expect(answer.model).toBe(SECONDARY);
    expect(recorded).toEqual([[PRIMARY, SECONDARY, 'connection']]);
    // The request never left: nothing to bill.
    expect(attempts).toEqual([
      {
        model: PRIMARY,
        usage: { promptTokens: 0, completionTokens: 0, estimated: false },
      },
    ]);
  });

  it('ends with an extractive answer with citations when both fail', async () => {
    server.script(CHAT, behaviours.rateLimited(), behaviours.serverError(503));
    const answer = await chain().open(request);

    expect(answer.model).toBe(EXTRACTIVE);
    expect(await read(answer.stream)).toMatch(
      /^From the documents: .*Tenants pay invoices through the Zibal gateway \[2\]\./,
    );
    expect(recorded).toEqual([
      [PRIMARY, SECONDARY, 'rate_limit'],
      [SECONDARY, EXTRACTIVE, 'server_error'],
    ]);
    expect(answer.fallbacks.map(f => [f.from, f.to, f.reason])).toEqual(
      recorded,
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /openai:gpt-4o-mini failed .*server_error.*falling back to local:extractive/,
      ),
    );
  });

  it('answers extractively when no model is configured, recording nothing', async () => {
    const answer = await chain([]).open(request);
    expect(answer.model).toBe(EXTRACTIVE);
    expect(await read(answer.stream)).toContain('[2]');
    expect(recorded).toEqual([]);
  });

  it("gives the extractive answerer the tenant's word statistics", async () => {
    const wordStatistics = jest.fn(async (words: string[]) => ({
      chunkCount: 100,
      documentFrequency: new Map(words.map(word => [word, 1])),
    }));
    const answer = await chain([]).open({ ...request, wordStatistics });
    expect(await read(answer.stream)).toContain('[2]');
    expect(wordStatistics).toHaveBeenCalledWith(
      ['tenants', 'pay', 'invoices'],
      undefined,
    );
  });

  it('does not switch models after the first token', async () => {
    // The primary sends two tokens, then its connection drops.
    server.script(
      CHAT,
      behaviours.chatAnswer({
        text: 'Partial answer that breaks',
        cutAfterChunks: 3,
      }),
    );
    const answer = await chain().open(request);
    expect(answer.model).toBe(PRIMARY);

    const deltas: string[] = [];
    const error = await (async () => {
      for await (const delta of answer.stream) deltas.push(delta);
    })().catch(e => e);
    expect(deltas.join('')).toBe('Partial answer ');
    expect(error).toMatchObject({
      name: 'ChatModelError',
      reason: 'connection',
    });
    expect((await answer.stream.usage()).estimated).toBe(true);
    // Nobody asked the secondary; nothing recorded.
    expect(server.requestsTo(CHAT)).toHaveLength(1);
    expect(recorded).toEqual([]);
  });

  it('does not fall back on errors a fallback would hide', async () => {
    const broken: ChatModel = {
      id: 'broken',
      stream: async () => {
        throw new Error('401 wrong key');
      },
    };
    const attempts: FailedAttempt[] = [];
    await expect(
      chain([broken, openAi('gpt-4o-mini')]).open({
        ...request,
        onFailedAttempt: async attempt => {
          attempts.push(attempt);
        },
      }),
    ).rejects.toThrow('401 wrong key');
    expect(server.requests).toHaveLength(0);
    expect(recorded).toEqual([]);
    // Still a call: reported, with nothing billed (the provider refused it).
    expect(attempts).toEqual([
      {
        model: 'broken',
        usage: { promptTokens: 0, completionTokens: 0, estimated: false },
      },
    ]);
  });

  it('reports every failed attempt as it fails, before the chain goes on', async () => {
    server.script(CHAT, behaviours.serverError(), behaviours.hang());
    const reported: Array<[string, number]> = [];
    const answer = await chain().open({
      ...request,
      onFailedAttempt: async attempt => {
        // Awaited: the next model is not asked before this returns.
        reported.push([attempt.model, server.requestsTo(CHAT).length]);
      },
    });

    expect(answer.model).toBe(EXTRACTIVE);
    expect(reported).toEqual([
      [PRIMARY, 1],
      [SECONDARY, 2],
    ]);
  });

  it('stops at the caller abort instead of falling back', async () => {
    server.script(CHAT, behaviours.hang());
    const controller = new AbortController();
    const attempts: FailedAttempt[] = [];
    const pending = chain().open({
      ...request,
      signal: controller.signal,
      onFailedAttempt: async attempt => {
        attempts.push(attempt);
      },
    });
    while (server.requestsTo(CHAT).length === 0) {
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    controller.abort(new Error('client left'));
    await expect(pending).rejects.toThrow('client left');
    expect(server.requestsTo(CHAT)).toHaveLength(1);
    expect(recorded).toEqual([]);
    // The primary had the prompt: its call is reported, estimated.
    expect(attempts).toEqual([
      {
        model: PRIMARY,
        usage: {
          promptTokens: countPromptTokens(request.messages),
          completionTokens: 0,
          estimated: true,
        },
      },
    ]);
  });

  it('keeps answering when the recorder throws', async () => {
    const failing: ChatModel = {
      id: 'failing',
      stream: async () => {
        throw new ChatModelError('server_error', 'down');
      },
    };
    const { answer, attempts } = await openReporting(
      new ChatModelChain({
        models: [failing],
        recorder: {
          record: () => {
            throw new Error('metrics broken');
          },
        },
        logger,
      }),
    );
    expect(answer.model).toBe(EXTRACTIVE);
    expect(answer.fallbacks).toEqual([
      {
        from: 'failing',
        to: EXTRACTIVE,
        reason: 'server_error',
        message: 'down',
      },
    ]);
    // A module's own ChatModelError: billed unless it says otherwise.
    expect(attempts).toEqual([
      {
        model: 'failing',
        usage: {
          promptTokens: countPromptTokens(request.messages),
          completionTokens: 0,
          estimated: true,
        },
      },
    ]);
  });
});
