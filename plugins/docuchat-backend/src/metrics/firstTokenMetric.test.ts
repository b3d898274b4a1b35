import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ALICE,
  as,
  startDocuchatTestBackend,
  waitUntilReady,
} from '../__testUtils__/docuchatTestBackend';
import {
  chatCompletionsRoute,
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import { valueOf } from './__testUtils__/samples';

jest.setTimeout(60_000);

// The model waits this long before each streamed chunk: the first token
// cannot reach the asker sooner.
const CHUNK_DELAY_MS = 150;

describe('docuchat_ask_first_token_seconds', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let openAi: OpenAiTestServer;
  let server: any;

  beforeAll(async () => {
    openAi = await startOpenAiTestServer({
      routes: {
        'POST /v1/chat/completions': chatCompletionsRoute({
          chunkDelayMs: CHUNK_DELAY_MS,
        }),
      },
    });
    server = await startDocuchatTestBackend({
      knex: await databases.init('SQLITE_3'),
      openAiBaseURL: openAi.baseURL,
      docuchat: {
        metrics: { public: true },
        cache: { answers: { ttlSeconds: 0 } },
      },
    });
    const upload = await request(server)
      .post('/api/docuchat/tenants/acme/documents')
      .set('Authorization', as(ALICE))
      .send({ title: 'Backups', text: 'Backups are kept for thirty days.' })
      .expect(202);
    await waitUntilReady(server, 'acme', upload.body.id, ALICE);
  });
  afterAll(() => openAi?.close());

  const scrape = async () =>
    (await request(server).get('/api/docuchat/metrics').expect(200)).text;
  const firstTokens = (body: string, suffix: string, le?: string) =>
    valueOf(body, `docuchat_ask_first_token_seconds_${suffix}`, {
      ...(le && { le }),
    });

  it('times the first token of streamed answers only, from the question on', async () => {
    const before = await scrape();
    expect(firstTokens(before, 'count')).toBe(0);

    const ask = (stream: boolean) =>
      request(server)
        .post('/api/docuchat/tenants/acme/ask')
        .set('Authorization', as(ALICE))
        .send({ question: 'How long are backups kept?', stream })
        .expect(200);
    await ask(false);
    expect(firstTokens(await scrape(), 'count')).toBe(0);

    const started = Date.now();
    const streamed = await ask(true);
    const whole = (Date.now() - started) / 1000;
    expect(streamed.text).toContain('event: token');

    const after = await scrape();
    expect(firstTokens(after, 'count')).toBe(1);
    const seconds = firstTokens(after, 'sum')!;
    // At least the model's first pause; less than the whole answer, which
    // streamed several chunks after it.
    expect(seconds).toBeGreaterThanOrEqual(CHUNK_DELAY_MS / 1000 - 0.01);
    expect(seconds).toBeLessThan(whole);
    // The SLO's latency target is a bucket of its own.
    expect(firstTokens(after, 'bucket', '2')).toBe(1);
  });

  it('gives http_request_duration_seconds a bucket exactly at the 2 s target', async () => {
    const body = await scrape();
    expect(body).toMatch(/^http_request_duration_seconds_bucket\{le="2",/m);
  });
});
