import { Knex } from 'knex';
import request from 'supertest';
import { createEveryTestDatabase } from '../database/__testUtils__/testDatabases';
import { DatabaseUsageLedger } from '../usage/DatabaseUsageLedger';
import {
  ALICE,
  as,
  BOB,
  startDocuchatTestBackend,
} from '../__testUtils__/docuchatTestBackend';
import {
  OpenAiTestServer,
  startOpenAiTestServer,
} from '@internal/docuchat-test-utils';
import { billingDayOf, billingDayRange } from '../usage/billingDays';

jest.setTimeout(60_000);

// Two backend instances on one database, as two replicas behind a load
// balancer: a limit must hold for both together.
describe('limits across replicas', () => {
  const databases = createEveryTestDatabase();
  let openAi: OpenAiTestServer;

  beforeAll(async () => {
    openAi = await startOpenAiTestServer();
  });
  afterAll(() => openAi.close());

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let replicas: any[];

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      const options = {
        knex,
        openAiBaseURL: openAi.baseURL,
        docuchat: {
          limits: { asksPerTenantPerMinute: 3, maxBodyKilobytes: 4 },
          billing: { timezone: 'Asia/Tehran' },
          cache: { answers: { ttlSeconds: 0 } },
          tenants: [
            { id: 'acme', displayName: 'Acme', ownerRef: ALICE },
            {
              id: 'globex',
              displayName: 'Globex',
              ownerRef: BOB,
              dailyTokenBudget: 1000,
            },
          ],
        },
      };
      replicas = [
        await startDocuchatTestBackend(options),
        await startDocuchatTestBackend(options),
      ];
    });

    const ask = (replica: any, tenant: string, user: string) =>
      request(replica)
        .post(`/api/docuchat/tenants/${tenant}/ask`)
        .set('Authorization', as(user))
        .set('Accept', 'application/json')
        .send({ question: 'What is in the handbook?' });

    it('counts asks per tenant per minute on both replicas together', async () => {
      // Stay inside one minute window: waiting past its end would reset it.
      const msIntoMinute = Date.now() % 60_000;
      if (msIntoMinute > 50_000) {
        await new Promise(r => setTimeout(r, 60_500 - msIntoMinute));
      }
      const statuses = [
        (await ask(replicas[0], 'acme', ALICE)).status,
        (await ask(replicas[1], 'acme', ALICE)).status,
        (await ask(replicas[0], 'acme', ALICE)).status,
      ];
      expect(statuses).toEqual([200, 200, 200]);
      for (const replica of replicas) {
        const res = await ask(replica, 'acme', ALICE);
        expect(res.status).toBe(429);
        const retryAfter = Number(res.headers['retry-after']);
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect(res.body.error.message).toBe(
          'Tenant acme may ask 3 questions per minute; try again later',
        );
      }
      // Another tenant has its own window.
      expect((await ask(replicas[1], 'globex', BOB)).status).toBe(200);
    });

    it("stops a tenant at its daily token budget, counting the billing day's rows only", async () => {
      const ledger = new DatabaseUsageLedger(knex);
      const now = new Date();
      const day = billingDayRange(
        billingDayOf(now, 'Asia/Tehran'),
        'Asia/Tehran',
      );
      const row = (id: string, tokens: number, occurredAt: Date) =>
        ledger.record({
          requestId: `${databaseId}-${id}`,
          tenantId: 'globex',
          model: 'openai:gpt-4o-mini',
          operation: 'chat',
          promptTokens: tokens,
          completionTokens: 0,
          occurredAt,
        });
      // Yesterday (in Tehran) does not count against today's budget.
      await row('yesterday', 50_000, new Date(day.start.getTime() - 60_000));
      const before = await request(replicas[0])
        .get('/api/docuchat/tenants/globex/search?q=handbook')
        .set('Authorization', as(BOB));
      expect(before.status).toBe(200);

      await row('today', 1000, now);
      for (const replica of replicas) {
        const res = await ask(replica, 'globex', BOB);
        expect(res.status).toBe(429);
        expect(res.body.error.message).toMatch(
          /^Tenant globex has used \d+ tokens of its daily budget of 1000 tokens/,
        );
        const retryAfter = Number(res.headers['retry-after']);
        expect(
          Math.abs(retryAfter - (day.end.getTime() - Date.now()) / 1000),
        ).toBeLessThan(5);
        const search = await request(replica)
          .get('/api/docuchat/tenants/globex/search?q=handbook')
          .set('Authorization', as(BOB));
        expect(search.status).toBe(429);
      }
      // Other tenants are not affected.
      expect(
        (
          await request(replicas[1])
            .get('/api/docuchat/tenants/acme/search?q=handbook')
            .set('Authorization', as(ALICE))
        ).status,
      ).toBe(200);
    });

    it('answers 413 to a body over docuchat.limits.maxBodyKilobytes', async () => {
      const res = await request(replicas[0])
        .post('/api/docuchat/tenants/acme/ask')
        .set('Authorization', as(ALICE))
        .send({ question: 'x'.repeat(5000) });
      expect(res.status).toBe(413);
      expect(res.body.error.message).toBe(
        'The request body exceeds the limit of 4096 bytes for this route',
      );
      // Document uploads keep their own, larger limit.
      const upload = await request(replicas[0])
        .post('/api/docuchat/tenants/acme/documents')
        .set('Authorization', as(ALICE))
        .send({ title: 'Big', text: 'word '.repeat(2000) });
      expect(upload.status).toBe(202);
    });

    it('answers 400 to malformed JSON', async () => {
      const res = await request(replicas[1])
        .post('/api/docuchat/tenants/acme/ask')
        .set('Authorization', as(ALICE))
        .set('Content-Type', 'application/json')
        .send('{"question": ');
      expect(res.status).toBe(400);
    });
  });
});
