import { loggerServiceFactory } from '@backstage/backend-defaults/logger';
import { createConfigSecretEnumerator } from '@backstage/backend-defaults/rootConfig';
import { rootLoggerServiceFactory } from '@backstage/backend-defaults/rootLogger';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Knex } from 'knex';
import request from 'supertest';
import { closedDay, TEHRAN } from '../billing/__testUtils__/billingStack';
import { billingDayRange } from '../usage/billingDays';
import { createEveryTestDatabase } from '../database/__testUtils__/testDatabases';
import { DatabaseUsageLedger } from '../usage/DatabaseUsageLedger';
import {
  behaviours,
  openAiError,
  OpenAiTestServer,
  startOpenAiTestServer,
  SmtpTestServer,
  startSmtpTestServer,
  startZibalTestServer,
  ZibalTestServer,
} from '@internal/docuchat-test-utils';
import {
  ADMIN,
  ALICE,
  as,
  BOB,
  startDocuchatTestBackend,
  waitUntilReady,
} from '../__testUtils__/docuchatTestBackend';

jest.setTimeout(60_000);

const OPENAI_KEY = 'sk-known-openai-key-7f3a9c1e5b';
const WRONG_CHAT_KEY = 'sk-known-wrong-chat-key-2d8e4f6a0c';
const METRICS_TOKEN = 'known-metrics-token-9b7d5f3e1a';
const ZIBAL_MERCHANT = 'known-zibal-merchant-5c1e9a7b3d';
const SMTP_PASSWORD = 'known-smtp-password-8a2f6c4e0b';
const DB_PASSWORD = 'known-database-password-3e7b1d9f5a';
const SECRETS = [
  OPENAI_KEY,
  WRONG_CHAT_KEY,
  METRICS_TOKEN,
  ZIBAL_MERCHANT,
  SMTP_PASSWORD,
  DB_PASSWORD,
];
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

/** Every secret, where config.d.ts (ours and Backstage's) declares it. */
const secretConfig = {
  backend: { database: { connection: { password: DB_PASSWORD } } },
  docuchat: {
    openai: { apiKey: OPENAI_KEY },
    chat: { models: [{ model: 'm', apiKey: WRONG_CHAT_KEY }] },
    metrics: { bearerToken: METRICS_TOKEN },
    billing: {
      zibal: { merchant: ZIBAL_MERCHANT },
      email: {
        smtp: { host: 'smtp', user: 'billing', password: SMTP_PASSWORD },
      },
    },
  },
};

// The production logger (Backstage's root logger, which redacts config values
// marked `@visibility secret`) and a scenario that fails in the ways that
// tend to leak: a model, a payment gateway and a proxy in front of it that
// answer with what they were sent (the key, the merchant) in their errors.
describe('secrets', () => {
  const databases = createEveryTestDatabase();
  let openAi: OpenAiTestServer;
  let zibal: ZibalTestServer;
  let smtp: SmtpTestServer;

  beforeAll(async () => {
    openAi = await startOpenAiTestServer({ apiKey: OPENAI_KEY });
    zibal = await startZibalTestServer({ merchants: [ZIBAL_MERCHANT] });
    smtp = await startSmtpTestServer({
      auth: { user: 'billing', password: SMTP_PASSWORD },
    });
  });
  afterAll(async () => {
    await openAi.close();
    await zibal.close();
    await smtp.close();
  });

  it('are all secrets to the root logger, which redacts them', async () => {
    // The enumerator reads config.d.ts of this package and its dependencies,
    // as the production root logger does at start-up.
    const enumerate = await createConfigSecretEnumerator({
      logger: mockServices.logger.mock(),
    });
    const found = [...enumerate(new ConfigReader(secretConfig))];
    expect(found).toEqual(expect.arrayContaining(SECRETS));
  });

  it.each(databases.eachSupportedId())(
    'never reach logs, error bodies, metrics or responses on %p',
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
      const api = (path: string) => `/api/docuchat${path}`;
      const mailsBefore = smtp.mails.length;
      const zibalCallsBefore = zibal.requests.length;
      let paid: request.Response | undefined;
      let failedVerify: request.Response | undefined;
      try {
        const server = await startDocuchatTestBackend({
          knex,
          openAiBaseURL: openAi.baseURL,
          features: [rootLoggerServiceFactory, loggerServiceFactory],
          config: { backend: secretConfig.backend },
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
            tenants: [
              {
                id: 'acme',
                displayName: 'Acme',
                ownerRef: ALICE,
                contactEmail: 'billing@acme.test',
              },
              {
                id: 'globex',
                displayName: 'Globex',
                ownerRef: BOB,
                contactEmail: 'billing@globex.test',
              },
            ],
            // Runs are started by hand below, not by the schedule.
            billing: {
              enabled: false,
              zibal: {
                baseUrl: zibal.baseUrl,
                merchant: ZIBAL_MERCHANT,
                timeoutMs: 2000,
              },
              email: {
                from: 'billing@docuchat.test',
                smtp: {
                  host: smtp.host,
                  port: smtp.port,
                  user: 'billing',
                  password: SMTP_PASSWORD,
                },
              },
            },
          },
        });

        const doc = keep(
          await request(server)
            .post(api('/tenants/acme/documents'))
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
            .post(api('/tenants/acme/ask'))
            .set('Authorization', as(ALICE))
            .send({ question: 'How long are backups kept?' }),
        );
        // A model that refuses the key outright: the error reaches the caller.
        openAi.script(CHAT, echoKey(401));
        keep(
          await request(server)
            .post(api('/tenants/acme/ask'))
            .set('Authorization', as(ALICE))
            .set('Accept', 'application/json')
            .send({ question: 'Are backups encrypted?' }),
        );

        // Billing a closed day, through the real Zibal client and mailer
        // (which logs in to the SMTP server with the password). A proxy in
        // front of Zibal refuses one link request, echoing the body it was
        // sent: the merchant key.
        const day = closedDay();
        const ledger = new DatabaseUsageLedger(knex);
        for (const [tenantId, tokens] of [
          ['acme', 20_000],
          ['globex', 30_000],
        ] as const) {
          await ledger.record({
            requestId: `${tenantId}-billed-1`,
            tenantId,
            model: 'openai:gpt-4o-mini',
            operation: 'chat',
            promptTokens: tokens,
            completionTokens: 0,
            occurredAt: billingDayRange(day, TEHRAN).start,
          });
        }
        zibal.fault('/v1/request', { kind: 'echo', status: 400 });
        const run = keep(
          await request(server)
            .post(api('/billing/runs'))
            .set('Authorization', as(ADMIN))
            .send({ day }),
        );
        expect(run.body).toMatchObject({ invoicesIssued: 2, linksCreated: 1 });
        const invoices = keep(
          await request(server)
            .get(api(`/invoices?from=${day}&to=${day}`))
            .set('Authorization', as(ADMIN)),
        ).body.items as Array<{
          id: string;
          tenantId: 'acme' | 'globex';
          payment: { trackId?: string };
        }>;
        const owner = { acme: ALICE, globex: BOB };
        // The owner of the invoice without a link presses "pay".
        for (const invoice of invoices.filter(i => !i.payment.trackId)) {
          keep(
            await request(server)
              .post(
                api(
                  `/tenants/${invoice.tenantId}/invoices/${invoice.id}/payment`,
                ),
              )
              .set('Authorization', as(owner[invoice.tenantId])),
          );
        }
        const invoice = async (tenantId: 'acme' | 'globex') => {
          const { id } = invoices.find(i => i.tenantId === tenantId)!;
          return keep(
            await request(server)
              .get(api(`/tenants/${tenantId}/invoices/${id}`))
              .set('Authorization', as(owner[tenantId])),
          ).body;
        };
        const callback = async (query: string) =>
          keep(
            await request(server).get(api(`/billing/zibal/callback?${query}`)),
          );

        // A good callback: paid, verified with Zibal.
        const acme = await invoice('acme');
        zibal.pay(acme.payment.trackId);
        await callback(
          `trackId=${acme.payment.trackId}&success=1&orderId=${acme.id}&status=2`,
        );
        paid = keep(
          await request(server)
            .get(api(`/tenants/acme/invoices/${acme.id}`))
            .set('Authorization', as(ALICE)),
        );
        // Forged callbacks: success claimed for an unpaid payment, an
        // unknown trackId, another invoice's order, no trackId at all.
        const globex = await invoice('globex');
        await callback(
          `trackId=${globex.payment.trackId}&success=1&orderId=${globex.id}&status=2`,
        );
        await callback(`trackId=1&success=1&orderId=${globex.id}`);
        await callback(
          `trackId=${acme.payment.trackId}&success=1&orderId=${globex.id}`,
        );
        await callback('success=1&status=1');
        // A failing callback: paid again on a fresh link, but verify meets
        // the echoing proxy; the error is kept on the invoice for its owner.
        const retry = keep(
          await request(server)
            .post(api(`/tenants/globex/invoices/${globex.id}/payment`))
            .set('Authorization', as(BOB)),
        ).body;
        zibal.pay(retry.payment.trackId);
        zibal.fault('/v1/verify', { kind: 'echo', status: 502 });
        await callback(
          `trackId=${retry.payment.trackId}&success=1&orderId=${globex.id}&status=2`,
        );
        failedVerify = keep(
          await request(server)
            .get(api(`/tenants/globex/invoices/${globex.id}`))
            .set('Authorization', as(BOB)),
        );

        keep(
          await request(server)
            .get(api('/metrics'))
            .set('Authorization', `Bearer ${METRICS_TOKEN}`),
        );
        keep(
          await request(server)
            .get(api('/metrics'))
            .set('Authorization', 'Bearer wrong-token-0123456789'),
        );
        keep(
          await request(server)
            .get(api('/tenants/acme'))
            .set('Authorization', as(ALICE)),
        );
      } finally {
        zibal.clearFaults();
        output.restore();
      }

      // The scenario ran: the models were called, Zibal was sent the
      // merchant, the mailer logged in, the payment was taken, the echo came
      // back, and something was logged.
      expect(openAi.requestsTo(CHAT).length).toBeGreaterThanOrEqual(2);
      expect(
        zibal.requests
          .slice(zibalCallsBefore)
          .filter(r => r.body.merchant === ZIBAL_MERCHANT).length,
      ).toBeGreaterThanOrEqual(5);
      expect(smtp.mails.length).toBeGreaterThan(mailsBefore);
      expect(paid?.body.status).toBe('paid');
      expect(failedVerify?.body.payment.error).toMatch(/verify failed.*502/);
      expect(output.text()).toMatch(/gpt-wrong-key|gpt-broken/);
      expect(output.text()).toMatch(/Payment callback/);
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
