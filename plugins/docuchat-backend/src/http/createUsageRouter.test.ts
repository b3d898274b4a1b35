import { mockCredentials, TestDatabaseId } from '@backstage/backend-test-utils';
import request from 'supertest';
import { DatabaseTenantStore } from '../database/DatabaseTenantStore';
import { DatabaseUsageLedger } from '../usage/DatabaseUsageLedger';
import { applyDatabaseMigrations } from '../database/migrations';
import { UsageEntry } from '../usage/UsageLedger';
import { createRouterTestApp } from '../__testUtils__/routerTestApp';
import { ADMIN, ALICE, as, BOB } from '../__testUtils__/testUsers';
import { createUsageRouter } from './createUsageRouter';
import { UsagePricing } from '../usage/UsagePricing';
import { createEveryTestDatabase } from '../database/__testUtils__/testDatabases';

const asService = mockCredentials.service.header();

const GPT = 'openai:gpt-4o-mini';
const EMBEDDING = 'openai:text-embedding-3-small:64';
const LOCAL = 'local:extractive';

jest.setTimeout(60_000);

let counter = 0;
function row(
  tenantId: string,
  model: string,
  occurredAt: string,
  promptTokens: number,
  completionTokens: number,
): UsageEntry {
  counter += 1;
  return {
    requestId: `usage-${counter}`,
    tenantId,
    model,
    operation: model === EMBEDDING ? 'embedding' : 'chat',
    promptTokens,
    completionTokens,
    occurredAt: new Date(occurredAt),
  };
}

const SEEDED = [
  row('acme', GPT, '2026-11-01T08:15:00Z', 1000, 200),
  row('acme', GPT, '2026-11-01T08:45:00Z', 3, 1),
  row('acme', EMBEDDING, '2026-11-01T09:00:00Z', 1_234_567, 0),
  row('acme', LOCAL, '2026-11-02T23:59:59.999Z', 500, 100),
  // Just outside [2026-11-01, 2026-11-03).
  row('acme', GPT, '2026-10-31T23:59:59.999Z', 10_000, 0),
  row('acme', GPT, '2026-11-03T00:00:00Z', 10_000, 0),
  row('globex', GPT, '2026-11-01T10:00:00Z', 777, 77),
];

const GPT_PRICE = {
  promptRialsPer1kTokens: 150,
  completionRialsPer1kTokens: 600,
};

/** acme's priced lines over [2026-11-01, 2026-11-03), worked out by hand. */
const ACME_MODELS = [
  {
    model: LOCAL,
    promptTokens: 500,
    completionTokens: 100,
    calls: 1,
    costRials: 0,
    costTomans: 0,
    price: { promptRialsPer1kTokens: 0, completionRialsPer1kTokens: 0 },
  },
  {
    // (1003 × 150 + 201 × 600) / 1000 = 271.05
    model: GPT,
    promptTokens: 1003,
    completionTokens: 201,
    calls: 2,
    costRials: 271,
    costTomans: 27.1,
    price: GPT_PRICE,
  },
  {
    // 1,234,567 × 200 / 1000 = 246,913.4
    model: EMBEDDING,
    promptTokens: 1_234_567,
    completionTokens: 0,
    calls: 1,
    costRials: 246_913,
    costTomans: 24_691.3,
    price: { promptRialsPer1kTokens: 200, completionRialsPer1kTokens: 200 },
  },
];
const ACME_TOTAL = {
  promptTokens: 1_236_070,
  completionTokens: 301,
  tokens: 1_236_371,
  calls: 4,
  costRials: 247_184,
  costTomans: 24_718.4,
};
// (777 × 150 + 77 × 600) / 1000 = 162.75
const GLOBEX_TOTAL = {
  promptTokens: 777,
  completionTokens: 77,
  tokens: 854,
  calls: 1,
  costRials: 163,
  costTomans: 16.3,
};
const ZERO_TOTAL = {
  promptTokens: 0,
  completionTokens: 0,
  tokens: 0,
  calls: 0,
  costRials: 0,
  costTomans: 0,
};

describe('usage API', () => {
  const databases = createEveryTestDatabase();

  async function start(databaseId: TestDatabaseId, timeZone = 'UTC') {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    const tenants = new DatabaseTenantStore(knex);
    await tenants.create({ id: 'acme', displayName: 'Acme', ownerRef: ALICE });
    await tenants.create({
      id: 'globex',
      displayName: 'Globex',
      ownerRef: BOB,
    });
    const ledger = new DatabaseUsageLedger(knex);
    for (const entry of SEEDED) await ledger.record(entry);

    const pricing = new UsagePricing({
      models: [{ model: GPT, ...GPT_PRICE }],
    });
    const app = createRouterTestApp(tenants, services =>
      createUsageRouter({ ...services, ledger, pricing, timeZone }),
    );
    return { app, ledger };
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('answers a tenant its daily series and priced totals', async () => {
      const { app } = await start(databaseId);
      const res = await request(app)
        .get('/tenants/acme/usage')
        .query({ from: '2026-11-01', to: '2026-11-03' })
        .set('Authorization', as(ALICE));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        tenantId: 'acme',
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-03T00:00:00.000Z',
        granularity: 'day',
        timeZone: 'UTC',
        series: [
          {
            bucketStart: '2026-11-01T00:00:00.000Z',
            model: GPT,
            promptTokens: 1003,
            completionTokens: 201,
          },
          {
            bucketStart: '2026-11-01T00:00:00.000Z',
            model: EMBEDDING,
            promptTokens: 1_234_567,
            completionTokens: 0,
          },
          {
            bucketStart: '2026-11-02T00:00:00.000Z',
            model: LOCAL,
            promptTokens: 500,
            completionTokens: 100,
          },
        ],
        models: ACME_MODELS,
        total: ACME_TOTAL,
      });
    });

    it('buckets by hour and agrees with the totals', async () => {
      const { app } = await start(databaseId);
      const res = await request(app)
        .get('/tenants/acme/usage')
        .query({ from: '2026-11-01', to: '2026-11-03', granularity: 'hour' })
        .set('Authorization', as(ALICE));
      expect(res.status).toBe(200);
      expect(res.body.granularity).toBe('hour');
      expect(res.body.series).toEqual([
        {
          bucketStart: '2026-11-01T08:00:00.000Z',
          model: GPT,
          promptTokens: 1003,
          completionTokens: 201,
        },
        {
          bucketStart: '2026-11-01T09:00:00.000Z',
          model: EMBEDDING,
          promptTokens: 1_234_567,
          completionTokens: 0,
        },
        {
          bucketStart: '2026-11-02T23:00:00.000Z',
          model: LOCAL,
          promptTokens: 500,
          completionTokens: 100,
        },
      ]);
      expect(res.body.models).toEqual(ACME_MODELS);
      expect(res.body.total).toEqual(ACME_TOTAL);

      // Timestamps with an offset cut inside buckets: [08:30Z, 09:00Z).
      const cut = await request(app)
        .get('/tenants/acme/usage')
        .query({
          from: '2026-11-01T12:00:00+03:30',
          to: '2026-11-01T09:00:00Z',
          granularity: 'hour',
        })
        .set('Authorization', as(ALICE));
      expect(cut.status).toBe(200);
      expect(cut.body.series).toEqual([
        {
          bucketStart: '2026-11-01T08:00:00.000Z',
          model: GPT,
          promptTokens: 3,
          completionTokens: 1,
        },
      ]);
      // (3 × 150 + 1 × 600) / 1000 = 1.05
      expect(cut.body.total).toEqual({
        promptTokens: 3,
        completionTokens: 1,
        tokens: 4,
        calls: 1,
        costRials: 1,
        costTomans: 0.1,
      });
    });

    it('buckets by the billing timezone by default, so a day is a billing day', async () => {
      const { app } = await start(databaseId, 'Asia/Tehran');
      const res = await request(app)
        .get('/tenants/acme/usage')
        .query({ from: '2026-11-01', to: '2026-11-03' })
        .set('Authorization', as(ALICE));
      expect(res.status).toBe(200);
      // Tehran's 1 and 2 November are [31 Oct 20:30Z, 2 Nov 20:30Z): the row
      // at 31 Oct 23:59Z is in, the one at 2 Nov 23:59Z is not.
      expect(res.body).toMatchObject({
        from: '2026-10-31T20:30:00.000Z',
        to: '2026-11-02T20:30:00.000Z',
        timeZone: 'Asia/Tehran',
        series: [
          {
            bucketStart: '2026-10-31T20:30:00.000Z',
            model: GPT,
            promptTokens: 11_003,
            completionTokens: 201,
          },
          {
            bucketStart: '2026-10-31T20:30:00.000Z',
            model: EMBEDDING,
            promptTokens: 1_234_567,
            completionTokens: 0,
          },
        ],
      });
      expect(res.body.total.tokens).toBe(11_003 + 201 + 1_234_567);

      // Tehran hours start at half past UTC hours.
      const hourly = await request(app)
        .get('/tenants/acme/usage')
        .query({ from: '2026-11-01', to: '2026-11-02', granularity: 'hour' })
        .set('Authorization', as(ALICE));
      expect(
        hourly.body.series.map((p: any) => [p.bucketStart, p.promptTokens]),
      ).toEqual([
        ['2026-10-31T23:30:00.000Z', 10_000],
        ['2026-11-01T07:30:00.000Z', 1000],
        ['2026-11-01T08:30:00.000Z', 3],
        ['2026-11-01T08:30:00.000Z', 1_234_567],
      ]);

      // A query may name another zone; an unknown one is a 400.
      const utc = await request(app)
        .get('/tenants/acme/usage')
        .query({ from: '2026-11-01', to: '2026-11-03', tz: 'UTC' })
        .set('Authorization', as(ALICE));
      expect(utc.body.from).toBe('2026-11-01T00:00:00.000Z');
      expect(utc.body.total).toEqual(ACME_TOTAL);
      const bad = await request(app)
        .get('/tenants/acme/usage')
        .query({ tz: 'Mars/Olympus' })
        .set('Authorization', as(ALICE));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/IANA time zone/);
    });

    it('keeps a day whole across a daylight-saving change', async () => {
      const { app, ledger } = await start(databaseId, 'Europe/Berlin');
      // Berlin leaves summer time at 01:00Z on 25 October 2026: that day
      // starts at 24 Oct 22:00Z (+02:00) and ends at 25 Oct 23:00Z (+01:00).
      await ledger.record(row('acme', GPT, '2026-10-24T22:30:00Z', 5, 0));
      await ledger.record(row('acme', GPT, '2026-10-25T22:30:00Z', 7, 0));
      await ledger.record(row('acme', GPT, '2026-10-25T23:30:00Z', 11, 0));
      const res = await request(app)
        .get('/tenants/acme/usage')
        .query({ from: '2026-10-24', to: '2026-10-27' })
        .set('Authorization', as(ALICE));
      expect(res.status).toBe(200);
      expect(
        res.body.series.map((p: any) => [p.bucketStart, p.promptTokens]),
      ).toEqual([
        ['2026-10-24T22:00:00.000Z', 12],
        ['2026-10-25T23:00:00.000Z', 11],
      ]);
    });

    it('answers an empty range with zero totals and no series', async () => {
      const { app } = await start(databaseId);
      const res = await request(app)
        .get('/tenants/acme/usage')
        .query({ from: '2026-12-01', to: '2026-12-02', granularity: 'hour' })
        .set('Authorization', as(ALICE));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        tenantId: 'acme',
        from: '2026-12-01T00:00:00.000Z',
        to: '2026-12-02T00:00:00.000Z',
        granularity: 'hour',
        timeZone: 'UTC',
        series: [],
        models: [],
        total: ZERO_TOTAL,
      });
    });

    it('defaults to the last 30 days, today included', async () => {
      const { app, ledger } = await start(databaseId);
      await ledger.record({
        ...row('acme', 'openai:gpt-4o', '2026-01-01T00:00:00Z', 2000, 0),
        occurredAt: new Date(),
      });
      const res = await request(app)
        .get('/tenants/acme/usage')
        .set('Authorization', as(ALICE));
      expect(res.status).toBe(200);
      const to = Date.parse(res.body.to);
      expect(to % 86_400_000).toBe(0);
      expect(to).toBeGreaterThan(Date.now());
      expect(to - Date.parse(res.body.from)).toBe(30 * 86_400_000);
      expect(res.body.granularity).toBe('day');
      expect(res.body.models).toContainEqual(
        expect.objectContaining({
          model: 'openai:gpt-4o',
          promptTokens: 2000,
          calls: 1,
          costRials: 400,
        }),
      );
      const explicit = await request(app)
        .get('/tenants/acme/usage')
        .query({ from: res.body.from, to: res.body.to })
        .set('Authorization', as(ALICE));
      expect(explicit.body).toEqual(res.body);
    });

    it.each([
      [{ from: '2026-02-30' }, /from: must be a date like 2026-11-01/],
      [{ from: 'last week' }, /from: must be a date/],
      [{ from: '2026-11-01T08:00:00' }, /from: must be a date/],
      [{ from: '2026-11-03', to: '2026-11-01' }, /from: must be before to/],
      [{ from: '2026-11-01', to: '2026-11-01' }, /from: must be before to/],
      [{ granularity: 'week' }, /granularity: must be 'day' or 'hour'/],
      [
        { from: '2026-01-01', to: '2027-01-03' },
        /at most 366 days with granularity day/,
      ],
      [
        { from: '2026-11-01', to: '2026-12-03', granularity: 'hour' },
        /at most 31 days with granularity hour/,
      ],
    ])('refuses %j with 400', async (query, message) => {
      const { app } = await start(databaseId);
      const res = await request(app)
        .get('/tenants/acme/usage')
        .query(query)
        .set('Authorization', as(ALICE));
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual({
        name: 'InputError',
        message: expect.stringMatching(message),
      });
      expect(res.body.error.message).toMatch(/^Invalid usage query: /);
    });

    it("hides other tenants' usage behind 404", async () => {
      const { app } = await start(databaseId);
      const query = { from: '2026-11-01', to: '2026-11-03' };
      for (const [user, tenant] of [
        [ALICE, 'globex'],
        [BOB, 'acme'],
        [ALICE, 'initech'],
      ]) {
        const res = await request(app)
          .get(`/tenants/${tenant}/usage`)
          .query(query)
          .set('Authorization', as(user));
        expect(res.status).toBe(404);
        expect(res.body.error).toEqual({
          name: 'NotFoundError',
          message: `Tenant ${tenant} not found`,
        });
        expect(JSON.stringify(res.body)).not.toMatch(/promptTokens|costRials/);
      }
      // Not even a 400 tells a stranger that the tenant exists.
      const bad = await request(app)
        .get('/tenants/globex/usage')
        .query({ from: 'nonsense' })
        .set('Authorization', as(ALICE));
      expect(bad.status).toBe(404);

      const bob = await request(app)
        .get('/tenants/globex/usage')
        .query(query)
        .set('Authorization', as(BOB));
      expect(bob.status).toBe(200);
      expect(bob.body.models.map((m: { model: string }) => m.model)).toEqual([
        GPT,
      ]);
      expect(bob.body.total).toEqual(GLOBEX_TOTAL);

      const admin = await request(app)
        .get('/tenants/globex/usage')
        .query(query)
        .set('Authorization', as(ADMIN));
      expect(admin.body.total).toEqual(GLOBEX_TOTAL);

      const anonymous = await request(app)
        .get('/tenants/acme/usage')
        .query(query);
      expect(anonymous.status).toBe(401);
    });

    it('sums every tenant for operators only', async () => {
      const { app } = await start(databaseId);
      const query = { from: '2026-11-01', to: '2026-11-03' };
      const expected = {
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-03T00:00:00.000Z',
        timeZone: 'UTC',
        tenants: [
          { tenantId: 'acme', models: ACME_MODELS, total: ACME_TOTAL },
          {
            tenantId: 'globex',
            models: [
              {
                model: GPT,
                promptTokens: 777,
                completionTokens: 77,
                calls: 1,
                costRials: 163,
                costTomans: 16.3,
                price: GPT_PRICE,
              },
            ],
            total: GLOBEX_TOTAL,
          },
        ],
        total: {
          promptTokens: 1_236_847,
          completionTokens: 378,
          tokens: 1_237_225,
          calls: 5,
          costRials: 247_347,
          costTomans: 24_734.7,
        },
      };
      const admin = await request(app)
        .get('/usage')
        .query(query)
        .set('Authorization', as(ADMIN));
      expect(admin.status).toBe(200);
      expect(admin.body).toEqual(expected);

      // A service principal without a user is not an operator unless
      // docuchat.serviceAccess lists it (none here).
      const service = await request(app)
        .get('/usage')
        .query(query)
        .set('Authorization', asService);
      expect(service.status).toBe(403);

      for (const user of [ALICE, BOB]) {
        const res = await request(app)
          .get('/usage')
          .query(query)
          .set('Authorization', as(user));
        expect(res.status).toBe(403);
        expect(res.body.error.name).toBe('NotAllowedError');
        expect(JSON.stringify(res.body)).not.toMatch(/promptTokens|costRials/);
      }

      const empty = await request(app)
        .get('/usage')
        .query({ from: '2026-12-01', to: '2026-12-02' })
        .set('Authorization', as(ADMIN));
      expect(empty.body).toEqual({
        from: '2026-12-01T00:00:00.000Z',
        to: '2026-12-02T00:00:00.000Z',
        timeZone: 'UTC',
        tenants: [],
        total: ZERO_TOTAL,
      });

      for (const bad of [
        { granularity: 'day' },
        { from: '2026-11-31' },
        { from: '2025-01-01', to: '2026-11-01' },
      ]) {
        const res = await request(app)
          .get('/usage')
          .query(bad)
          .set('Authorization', as(ADMIN));
        expect(res.status).toBe(400);
        expect(res.body.error.name).toBe('InputError');
      }
    });
  });
});
