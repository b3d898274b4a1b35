import { loggerServiceFactory } from '@backstage/backend-defaults/logger';
import { createConfigSecretEnumerator } from '@backstage/backend-defaults/rootConfig';
import { rootLoggerServiceFactory } from '@backstage/backend-defaults/rootLogger';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';
import request from 'supertest';
import { createEveryTestDatabase } from '../database/__testUtils__/testDatabases';
import {
  behaviours,
  openAiError,
  OpenAiTestServer,
  startOpenAiTestServer,
} from '../testing/openAiTestServer';
import {
  ALICE,
  as,
  startDocuchatTestBackend,
  waitUntilReady,
} from './__testUtils__/docuchatTestBackend';

jest.setTimeout(60_000);

const OPENAI_KEY = 'sk-known-openai-key-7f3a9c1e5b';
const WRONG_CHAT_KEY = 'sk-known-wrong-chat-key-2d8e4f6a0c';
const METRICS_TOKEN = 'known-metrics-token-9b7d5f3e1a';
const SECRETS = [OPENAI_KEY, WRONG_CHAT_KEY, METRICS_TOKEN];
const CHAT = 'POST /v1/chat/completions';

/** What reached stdout, stderr and the console while the backend ran. */
function captureOutput() {
  const captured: string[] = [];
  // Winston's console transport writes to console._stdout where it exists.
  const streams = new Set<NodeJS.WritableStream>([
    process.stdout,
    process.stderr,
    ...[(console as any)._stdout, (console as any)._stderr].filter(Boolean),
  ]);
  const spies = [
    ...[...streams].map(stream =>
      jest
        .spyOn(stream, 'write')
        .mockImplementation((chunk: any) => captured.push(String(chunk)) > 0),
    ),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map(method =>
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        captured.push(args.map(String).join(' '));
      }),
    ),
  ];
  return {
    text: () => captured.join('\n'),
    restore: () => spies.forEach(spy => spy.mockRestore()),
  };
}

// The production logger (Backstage's root logger, which redacts config values
// marked `@visibility secret`) and a scenario that fails in the ways that
// tend to leak: a model that answers with the key in its error message.
describe('secrets', () => {
  const databases = createEveryTestDatabase();
  let openAi: OpenAiTestServer;

  beforeAll(async () => {
    openAi = await startOpenAiTestServer({ apiKey: OPENAI_KEY });
  });
  afterAll(() => openAi.close());

  it('are all secrets to the root logger, which redacts them', async () => {
    // The enumerator reads config.d.ts of this package and its dependencies,
    // as the production root logger does at start-up.
    const enumerate = await createConfigSecretEnumerator({
      logger: mockServices.logger.mock(),
    });
    const found = [
      ...enumerate(
        new ConfigReader({
          docuchat: {
            openai: { apiKey: OPENAI_KEY },
            chat: { models: [{ model: 'm', apiKey: WRONG_CHAT_KEY }] },
            metrics: { bearerToken: METRICS_TOKEN },
          },
        }),
      ),
    ];
    expect(found).toEqual(expect.arrayContaining(SECRETS));
  });

  it.each(databases.eachSupportedId())(
    'never reach logs or responses on %p',
    async databaseId => {
      const knex: Knex = await databases.init(databaseId);
      const output = captureOutput();
      const responses: string[] = [];
      const keep = (res: request.Response) => {
        responses.push(
          JSON.stringify(res.headers),
          res.text ?? JSON.stringify(res.body),
        );
        return res;
      };
      try {
        const server = await startDocuchatTestBackend({
          knex,
          openAiBaseURL: openAi.baseURL,
          features: [rootLoggerServiceFactory, loggerServiceFactory],
          docuchat: {
            openai: { apiKey: OPENAI_KEY, baseURL: openAi.baseURL },
            metrics: { bearerToken: METRICS_TOKEN },
            cache: { answers: { ttlSeconds: 0 } },
            chat: {
              models: [
                { model: 'gpt-wrong-key', apiKey: WRONG_CHAT_KEY },
                { model: 'gpt-broken' },
              ],
            },
          },
        });

        const doc = keep(
          await request(server)
            .post('/api/docuchat/tenants/acme/documents')
            .set('Authorization', as(ALICE))
            .send({
              title: 'Runbook',
              text: 'Backups run nightly and are kept for thirty days.',
            }),
        );
        await waitUntilReady(server, 'acme', doc.body.id, ALICE);

        // The servers echo the key they were sent, as careless ones do.
        const echoKey = (status: number) =>
          behaviours.custom(({ res, request: sent }) => {
            res.writeHead(status, { 'content-type': 'application/json' });
            res.end(
              JSON.stringify(
                openAiError(
                  `Incorrect API key provided: ${sent.headers.authorization}`,
                  'invalid_request_error',
                  'invalid_api_key',
                ),
              ),
            );
          });
        // A failing model: the answer falls back to the next one, then the
        // extractive answerer.
        openAi.script(CHAT, echoKey(500), echoKey(500), echoKey(500));
        keep(
          await request(server)
            .post('/api/docuchat/tenants/acme/ask')
            .set('Authorization', as(ALICE))
            .send({ question: 'How long are backups kept?' }),
        );
        // A model that refuses the key outright: the error reaches the caller.
        openAi.script(CHAT, echoKey(401));
        keep(
          await request(server)
            .post('/api/docuchat/tenants/acme/ask')
            .set('Authorization', as(ALICE))
            .set('Accept', 'application/json')
            .send({ question: 'Are backups encrypted?' }),
        );
        keep(
          await request(server)
            .get('/api/docuchat/metrics')
            .set('Authorization', `Bearer ${METRICS_TOKEN}`),
        );
        keep(
          await request(server)
            .get('/api/docuchat/metrics')
            .set('Authorization', 'Bearer wrong-token-0123456789'),
        );
        keep(
          await request(server)
            .get('/api/docuchat/tenants/acme')
            .set('Authorization', as(ALICE)),
        );
      } finally {
        output.restore();
      }

      // The scenario ran: the models were called and something was logged.
      expect(openAi.requestsTo(CHAT).length).toBeGreaterThanOrEqual(2);
      expect(output.text()).toMatch(/gpt-wrong-key|gpt-broken/);
      for (const secret of SECRETS) {
        expect(output.text()).not.toContain(secret);
        for (const body of responses) expect(body).not.toContain(secret);
      }
      // Outside development Backstage's error handler sends no stack traces.
      for (const body of responses)
        expect(body).not.toMatch(/"stack"|\n\s+at /);
    },
  );
});
