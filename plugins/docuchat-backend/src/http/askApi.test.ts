import { Knex } from 'knex';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import {
  ALICE,
  as,
  BOB,
  startDocuchatTestBackend,
  waitUntilReady,
} from '../__testUtils__/docuchatTestBackend';
import {
  behaviours,
  DEFAULT_CHAT_ANSWER,
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import { createEveryTestDatabase } from '../database/__testUtils__/testDatabases';

const CHAT = 'POST /v1/chat/completions';

jest.setTimeout(60_000);

interface SseEvent {
  event: string;
  data: any;
}

/** Parses a complete `text/event-stream` body. */
function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter(block => block.trim() !== '')
    .map(block => {
      const lines = block.split('\n');
      const event = lines.find(l => l.startsWith('event: '))!.slice(7);
      const data = lines.find(l => l.startsWith('data: '))!.slice(6);
      return { event, data: JSON.parse(data) };
    });
}

const runbook = [
  '# Rotating secrets',
  'The rotate-secrets runbook replaces the OpenAI key and the Zibal merchant key every ninety days.',
  '# Backups',
  'Nightly backups of PostgreSQL are kept for thirty days in object storage.',
].join('\n\n');

describe('ask API', () => {
  const databases = createEveryTestDatabase();
  let openAi: OpenAiTestServer;

  beforeAll(async () => {
    openAi = await startOpenAiTestServer();
  });
  afterAll(() => openAi.close());

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let server: any;
    let knex: Knex;
    let acmeDocument: string;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      server = await startDocuchatTestBackend({
        knex,
        openAiBaseURL: openAi.baseURL,
        docuchat: {
          chat: {
            models: [
              { model: 'gpt-primary', firstTokenTimeoutMs: 2000 },
              { model: 'gpt-secondary', firstTokenTimeoutMs: 2000 },
            ],
          },
          // Every question here must reach the model; caching has its own test.
          cache: { answers: { ttlSeconds: 0 } },
        },
      });
      const acme = await request(server)
        .post('/api/docuchat/tenants/acme/documents')
        .set('Authorization', as(ALICE))
        .send({
          title: 'Runbooks',
          text: runbook,
          contentType: 'text/markdown',
        });
      acmeDocument = acme.body.id;
      await waitUntilReady(server, 'acme', acmeDocument, ALICE);
      const globex = await request(server)
        .post('/api/docuchat/tenants/globex/documents')
        .set('Authorization', as(BOB))
        .send({
          title: 'Globex secrets',
          text: 'The Globex quartermaster rotates the zeppelin passphrase weekly.',
        });
      await waitUntilReady(server, 'globex', globex.body.id, BOB);
    });

    const ask = (body: object, user = ALICE, tenant = 'acme') =>
      request(server)
        .post(`/api/docuchat/tenants/${tenant}/ask`)
        .set('Authorization', as(user))
        .send(body);

    const ledgerRows = (requestId: string) =>
      knex('docuchat_usage')
        .where('request_id', 'like', `${requestId}:%`)
        .orderBy('request_id');

    it('streams citations, tokens, usage and done, and meters both calls', async () => {
      openAi.script(
        CHAT,
        behaviours.chatAnswer({
          text: 'Backups are kept for thirty days [2].',
          usage: { prompt_tokens: 1234, completion_tokens: 56 },
        }),
      );
      const before = openAi.requestsTo(CHAT).length;
      const res = await ask({
        question: 'How long are backups kept?',
        requestId: `sse-${databaseId}`,
      });

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
      const events = parseSse(res.text);
      const names = events.map(e => e.event);
      expect(names[0]).toBe('citations');
      expect(names[1]).toBe('meta');
      expect(names.slice(-2)).toEqual(['usage', 'done']);
      expect(names.filter(n => n === 'token').length).toBeGreaterThan(1);

      const tokens = events
        .filter(e => e.event === 'token')
        .map(e => e.data.text)
        .join('');
      const done = events.at(-1)!.data;
      expect(done).toMatchObject({
        requestId: `sse-${databaseId}`,
        answer: 'Backups are kept for thirty days [2].',
        model: 'openai:gpt-primary',
        fallbacks: [],
        cached: false,
      });
      expect(tokens).toBe(done.answer);
      expect(done.citations.length).toBeGreaterThan(0);
      expect(done.citations[0]).toMatchObject({
        n: 1,
        documentId: acmeDocument,
        documentTitle: 'Runbooks',
      });

      // The prompt numbers the sources and tells the model to cite them.
      const [sent] = openAi.requestsTo(CHAT).slice(before);
      expect(sent.body.stream_options).toEqual({ include_usage: true });
      expect(sent.body.messages[0].content).toContain('[1] Runbooks');
      expect(sent.body.messages[0].content).toMatch(
        /only from the numbered sources/,
      );
      expect(sent.body.messages.at(-1)).toEqual({
        role: 'user',
        content: 'How long are backups kept?',
      });

      // One ledger row per model call, with what the server reported.
      const rows = await ledgerRows(`sse-${databaseId}`);
      expect(rows.map(r => [r.request_id, r.operation, r.model])).toEqual([
        [`sse-${databaseId}:chat`, 'chat', 'openai:gpt-primary'],
        [
          `sse-${databaseId}:embedding`,
          'embedding',
          expect.stringContaining('openai:'),
        ],
      ]);
      expect(rows[0]).toMatchObject({
        tenant_id: 'acme',
        prompt_tokens: 1234,
        completion_tokens: 56,
        user_ref: ALICE,
      });
      expect(Boolean(rows[0].estimated)).toBe(false);
      expect(rows[1].prompt_tokens).toBeGreaterThan(0);
      expect(events.find(e => e.event === 'usage')!.data.usage).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            operation: 'chat',
            promptTokens: 1234,
            completionTokens: 56,
            estimated: false,
          }),
        ]),
      );
    });

    it('answers in one JSON body with stream: false', async () => {
      const res = await ask({
        question: 'Who replaces the Zibal merchant key?',
        stream: false,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        answer: DEFAULT_CHAT_ANSWER,
        model: 'openai:gpt-primary',
        citations: [expect.objectContaining({ documentId: acmeDocument })],
      });
      expect(res.body.usage.map((u: any) => u.operation).sort()).toEqual([
        'chat',
        'embedding',
      ]);
    });

    it('falls back to the secondary, then to the extractive answer, recording each step', async () => {
      openAi.script(CHAT, behaviours.rateLimited());
      const second = await ask({
        question: 'How long are backups kept?',
        stream: false,
      });
      expect(second.body).toMatchObject({
        model: 'openai:gpt-secondary',
        fallbacks: [
          {
            from: 'openai:gpt-primary',
            to: 'openai:gpt-secondary',
            reason: 'rate_limit',
          },
        ],
      });

      openAi.script(
        CHAT,
        behaviours.serverError(),
        behaviours.serverError(503),
      );
      const third = await ask({
        question: 'How long are backups kept?',
        stream: false,
        requestId: `extractive-${databaseId}`,
      });
      expect(third.body.model).toBe('local:extractive');
      expect(third.body.fallbacks.map((f: any) => f.reason)).toEqual([
        'server_error',
        'server_error',
      ]);
      expect(third.body.answer).toMatch(/thirty days.*\[\d\]/s);
      expect(third.body.citations.length).toBeGreaterThan(0);
      // One row per call, numbered in call order (`:chat` is the first,
      // `:chat:attempt-n` the n-th): both failed attempts (turned away
      // with an error status, so nothing billed) and the answer. Each
      // model call's row was begun before the call and is settled now.
      const rows = await ledgerRows(`extractive-${databaseId}`);
      expect(
        rows
          .filter(r => r.operation === 'chat')
          .every(r => r.status === 'settled'),
      ).toBe(true);
      expect(
        rows.map(r => [
          r.request_id,
          r.model,
          r.prompt_tokens,
          r.completion_tokens,
          Boolean(r.estimated),
        ]),
      ).toEqual([
        [`extractive-${databaseId}:chat`, 'openai:gpt-primary', 0, 0, false],
        [
          `extractive-${databaseId}:chat:attempt-2`,
          'openai:gpt-secondary',
          0,
          0,
          false,
        ],
        [
          `extractive-${databaseId}:chat:attempt-3`,
          'local:extractive',
          expect.any(Number),
          expect.any(Number),
          false,
        ],
        ...rows
          .filter(r => r.operation === 'embedding')
          .map(r => [
            r.request_id,
            r.model,
            r.prompt_tokens,
            r.completion_tokens,
            Boolean(r.estimated),
          ]),
      ]);
      expect(third.body.usage.map((u: any) => u.model)).toEqual(
        expect.arrayContaining([
          'openai:gpt-primary',
          'openai:gpt-secondary',
          'local:extractive',
        ]),
      );
    });

    it('flags a cut stream estimated and ends with an error event', async () => {
      openAi.script(
        CHAT,
        behaviours.chatAnswer({
          text: 'Backups are kept for thirty days in object storage, nightly.',
          cutAfterChunks: 3,
        }),
      );
      const res = await ask({
        question: 'How long are backups kept?',
        requestId: `cut-${databaseId}`,
      });
      const events = parseSse(res.text);
      expect(events.at(-1)).toMatchObject({
        event: 'error',
        data: { name: 'ServiceUnavailableError' },
      });
      expect(events.some(e => e.event === 'done')).toBe(false);
      const [chat] = await ledgerRows(`cut-${databaseId}`);
      expect(chat.completion_tokens).toBeGreaterThan(0);
      expect(Boolean(chat.estimated)).toBe(true);
      // The conversation the question opened got no turn: it is not kept.
      const meta = events.find(e => e.event === 'meta');
      expect(meta?.data.conversationId).toEqual(expect.any(String));
      const conversations = await request(server)
        .get('/api/docuchat/tenants/acme/conversations')
        .set('Authorization', as(ALICE));
      expect(conversations.status).toBe(200);
      expect(JSON.stringify(conversations.body)).not.toContain(
        meta!.data.conversationId,
      );
      expect(
        await knex('docuchat_conversations').where({
          id: meta!.data.conversationId,
        }),
      ).toEqual([]);
    });

    it('refuses a retried request id without a second row', async () => {
      const body = {
        question: 'How long are backups kept?',
        stream: false,
        requestId: `retry-${databaseId}`,
      };
      expect((await ask(body)).status).toBe(200);
      // The chat row, and an embedding row unless the query vector was cached.
      const recorded = await ledgerRows(`retry-${databaseId}`);
      expect(recorded.map(r => r.operation)).toContain('chat');
      const chatCalls = openAi.requestsTo(CHAT).length;
      const again = await ask(body);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/already answered/);
      expect(openAi.requestsTo(CHAT)).toHaveLength(chatCalls);
      expect(await ledgerRows(`retry-${databaseId}`)).toEqual(recorded);
    });

    it('says so, without a model, when nothing relevant is found', async () => {
      const chatCalls = openAi.requestsTo(CHAT).length;
      const res = await ask({
        question: 'Wie heißt der Quartiermeister?',
        stream: false,
      });
      expect(res.body.model).toBe('local:extractive');
      expect(res.body.citations).toEqual([]);
      expect(res.body.answer).toMatch(/do not answer this question/);
      expect(openAi.requestsTo(CHAT)).toHaveLength(chatCalls);
    });

    it("never cites or bills another tenant's documents", async () => {
      // Only globex's document has these words.
      const res = await ask({
        question:
          'Which passphrase does the quartermaster keep for the zeppelin?',
        stream: false,
        requestId: `isolation-${databaseId}`,
      });
      expect(res.body.citations).toEqual([]);
      const acmeChunks = new Set(
        (await knex('docuchat_chunks').where({ tenant_id: 'acme' })).map(
          c => c.id,
        ),
      );
      const cited = await ask({
        question: 'Which keys does the rotate-secrets runbook replace?',
        stream: false,
      });
      for (const citation of cited.body.citations) {
        expect(acmeChunks.has(citation.chunkId)).toBe(true);
      }

      const bob = await ask(
        {
          question: 'How long are backups kept?',
          requestId: `bob-${databaseId}`,
        },
        BOB,
      );
      expect(bob.status).toBe(404);
      expect(await ledgerRows(`bob-${databaseId}`)).toEqual([]);
      const rows = await knex('docuchat_usage').where({ user_ref: ALICE });
      expect(rows.every(r => r.tenant_id === 'acme')).toBe(true);
    });

    it.each([
      [{}, /question: Required/],
      [{ question: '   ' }, /question: is required/],
      [{ question: 'q', k: 0 }, /k:/],
      [{ question: 'q', requestId: 'x' }, /requestId: must be/],
      [
        {
          question: 'q',
          history: [],
          conversationId: '00000000-0000-4000-8000-000000000000',
        },
        /either history or conversationId/,
      ],
    ])('rejects %j with 400 and writes nothing', async (body, message) => {
      const rows = await knex('docuchat_usage').count({ n: '*' });
      const res = await ask(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(await knex('docuchat_usage').count({ n: '*' })).toEqual(rows);
    });

    it('aborts the model request when the client goes away, and still meters it', async () => {
      openAi.script(
        CHAT,
        behaviours.chatAnswer({
          text: 'word '.repeat(200),
          chunkDelayMs: 50,
        }),
      );
      const before = openAi.requestsTo(CHAT).length;
      const { port } = (server as { address(): AddressInfo }).address();
      const controller = new AbortController();
      const res = await fetch(
        `http://127.0.0.1:${port}/api/docuchat/tenants/acme/ask`,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Authorization: as(ALICE),
          },
          body: JSON.stringify({
            question: 'How long are backups kept?',
            requestId: `gone-${databaseId}`,
          }),
          signal: controller.signal,
        },
      );
      const reader = res.body!.getReader();
      let seen = '';
      while (!seen.includes('event: token')) {
        seen += new TextDecoder().decode((await reader.read()).value);
      }
      controller.abort();

      const [upstream] = openAi.requestsTo(CHAT).slice(before);
      await expect(upstream.closed).resolves.toBe('early');
      let chat: any;
      for (let i = 0; i < 100 && !chat; i++) {
        await new Promise(r => setTimeout(r, 50));
        const rows = await ledgerRows(`gone-${databaseId}`);
        chat = rows.find(r => r.operation === 'chat');
      }
      expect(Boolean(chat.estimated)).toBe(true);
      expect(chat.completion_tokens).toBeLessThan(200);
    });
  });

  it('serves a repeated question from the answer cache until the documents change', async () => {
    const knex = await databases.init('SQLITE_3');
    const server = await startDocuchatTestBackend({
      knex,
      openAiBaseURL: openAi.baseURL,
      docuchat: { chat: { models: [{ model: 'gpt-cached' }] } },
    });
    const upload = await request(server)
      .post('/api/docuchat/tenants/acme/documents')
      .set('Authorization', as(ALICE))
      .send({ title: 'Runbooks', text: runbook, contentType: 'text/markdown' });
    await waitUntilReady(server, 'acme', upload.body.id, ALICE);
    const ask = (requestId: string, tenant = 'acme', user = ALICE) =>
      request(server)
        .post(`/api/docuchat/tenants/${tenant}/ask`)
        .set('Authorization', as(user))
        .send({
          question: 'How long are backups kept?',
          stream: false,
          requestId,
        });

    const first = await ask('cache-first');
    expect(first.body.cached).toBe(false);
    const chatCalls = openAi.requestsTo(CHAT).length;
    const second = await ask('cache-second');
    expect(second.body).toMatchObject({
      cached: true,
      answer: first.body.answer,
      citations: first.body.citations,
      usage: [],
    });
    expect(openAi.requestsTo(CHAT)).toHaveLength(chatCalls);
    expect(
      await knex('docuchat_usage').where('request_id', 'like', 'cache-second%'),
    ).toEqual([]);

    // Globex asks the same words: never acme's cached answer.
    const globexDoc = await request(server)
      .post('/api/docuchat/tenants/globex/documents')
      .set('Authorization', as(BOB))
      .send({ title: 'Globex', text: 'Globex keeps backups for a year.' });
    await waitUntilReady(server, 'globex', globexDoc.body.id, BOB);
    const globex = await ask('cache-globex', 'globex', BOB);
    expect(globex.body.cached).toBe(false);
    expect(globex.body.citations[0].documentId).toBe(globexDoc.body.id);

    // A new document changes acme's revision: the next answer is fresh.
    const more = await request(server)
      .post('/api/docuchat/tenants/acme/documents')
      .set('Authorization', as(ALICE))
      .send({ title: 'More', text: 'Weekly backups are kept for a year.' });
    await waitUntilReady(server, 'acme', more.body.id, ALICE);
    expect((await ask('cache-third')).body.cached).toBe(false);
  });
});
