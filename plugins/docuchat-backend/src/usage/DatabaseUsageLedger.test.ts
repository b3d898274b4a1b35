import { TestDatabaseId } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { DatabaseUsageLedger } from './DatabaseUsageLedger';
import { UsageEntry } from './UsageLedger';
import { dialectOf, toDbTime } from '../database/dialect';
import { asStoreTransaction } from '../database/StoreTransaction';
import { WriteBatch } from '../database/WriteBatch';
import {
  createEveryTestDatabase,
  migratedDatabaseWithTenants,
} from '../database/__testUtils__/testDatabases';

const MIGRATION = '20261125030000_usage_ledger.js';
const SETTLEMENT = '20261202000000_usage_settlement.js';
const SOURCE_MARK = '20261207010000_usage_source.js';
const migrationsDir = resolvePackagePath(
  '@docuchat/backstage-plugin-docuchat-backend',
  'migrations',
);

jest.setTimeout(60_000);

let counter = 0;
function entry(overrides: Partial<UsageEntry> = {}): UsageEntry {
  counter += 1;
  return {
    requestId: `req-${counter}`,
    tenantId: 'acme',
    model: 'gpt-4o-mini',
    operation: 'chat',
    promptTokens: 100,
    completionTokens: 20,
    occurredAt: new Date('2026-11-25T12:00:00.000Z'),
    ...overrides,
  };
}

describe('DatabaseUsageLedger', () => {
  const databases = createEveryTestDatabase();

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await migratedDatabaseWithTenants(databases, databaseId, [
      'acme',
      'globex',
    ]);
    return { knex, ledger: new DatabaseUsageLedger(knex) };
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('migrates the ledger table up and down', async () => {
      const knex = await migratedDatabaseWithTenants(databases, databaseId, [
        'acme',
      ]);
      expect(await knex.schema.hasTable('docuchat_usage')).toBe(true);
      const row = {
        request_id: 'r1',
        tenant_id: 'acme',
        model: 'm',
        operation: 'chat',
        prompt_tokens: 1,
        completion_tokens: 2,
        occurred_at: new Date('2026-11-25T00:00:00Z'),
      };
      await knex('docuchat_usage').insert(row);
      // better-sqlite3 raises its errors from the first test file's realm, so
      // `toThrow()` (an instanceof Error check) misses them in later files.
      // The constraints hold without the ledger class in front of them.
      await expect(knex('docuchat_usage').insert(row)).rejects.toHaveProperty(
        'message',
      );
      await expect(
        knex('docuchat_usage').insert({
          ...row,
          request_id: 'r2',
          tenant_id: 'nobody',
        }),
      ).rejects.toHaveProperty('message');
      await expect(
        knex('docuchat_usage').insert({
          ...row,
          request_id: 'r3',
          prompt_tokens: -1,
        }),
      ).rejects.toHaveProperty('message');
      await expect(
        knex('docuchat_usage').insert({
          ...row,
          request_id: 'r4',
          operation: 'image',
        }),
      ).rejects.toHaveProperty('message');
      await expect(
        knex('docuchat_usage').insert({
          ...row,
          request_id: 'r5',
          occurred_at: null,
        }),
      ).rejects.toHaveProperty('message');
      const [stored] = await knex('docuchat_usage').select(
        'estimated',
        'user_ref',
      );
      expect(Boolean(stored.estimated)).toBe(false);
      expect(stored.user_ref).toBeNull();

      // Later migrations of the ledger go down first and up after it.
      await knex.migrate.down({ directory: migrationsDir, name: SOURCE_MARK });
      expect(await knex.schema.hasColumn('docuchat_usage', 'source_id')).toBe(
        false,
      );
      await knex.migrate.down({ directory: migrationsDir, name: SETTLEMENT });
      expect(await knex.schema.hasColumn('docuchat_usage', 'status')).toBe(
        false,
      );
      await knex.migrate.down({ directory: migrationsDir, name: MIGRATION });
      expect(await knex.schema.hasTable('docuchat_usage')).toBe(false);
      expect(await knex.schema.hasTable('docuchat_tenants')).toBe(true);
      await knex.migrate.up({ directory: migrationsDir, name: MIGRATION });
      expect(await knex.schema.hasTable('docuchat_usage')).toBe(true);
      await knex.migrate.up({ directory: migrationsDir, name: SETTLEMENT });
      expect(await knex.schema.hasColumn('docuchat_usage', 'status')).toBe(
        true,
      );
      await knex.migrate.up({ directory: migrationsDir, name: SOURCE_MARK });
      await knex.migrate.rollback({ directory: migrationsDir }, true);
      expect(await knex.schema.hasTable('docuchat_usage')).toBe(false);
    });

    it('records an entry and reads it back', async () => {
      const { ledger } = await setUp(databaseId);
      const e = entry({
        operation: 'embedding',
        model: 'text-embedding-3-small',
        promptTokens: 512,
        completionTokens: 0,
        estimated: true,
        occurredAt: new Date('2026-11-25T10:11:12.345Z'),
        userRef: 'user:default/jane',
        documentId: 'doc-1',
        conversationId: 'conv-1',
      });
      expect(await ledger.record(e)).toBe(true);
      expect(await ledger.get(e.requestId)).toEqual({
        requestId: e.requestId,
        tenantId: 'acme',
        model: 'text-embedding-3-small',
        operation: 'embedding',
        promptTokens: 512,
        completionTokens: 0,
        estimated: true,
        occurredAt: '2026-11-25T10:11:12.345Z',
        userRef: 'user:default/jane',
        documentId: 'doc-1',
        conversationId: 'conv-1',
        status: 'settled',
        settledAt: expect.any(String),
        billable: true,
        demo: false,
      });
      const minimal = entry();
      delete minimal.occurredAt;
      const before = Date.now();
      expect(await ledger.record(minimal)).toBe(true);
      const read = await ledger.get(minimal.requestId);
      expect(read).toMatchObject({ estimated: false, userRef: undefined });
      expect(Date.parse(read!.occurredAt)).toBeGreaterThanOrEqual(before);
      expect(await ledger.get('missing')).toBeUndefined();
    });

    it('writes a retried request id once', async () => {
      const { knex, ledger } = await setUp(databaseId);
      const e = entry();
      expect(await ledger.record(e)).toBe(true);
      expect(await ledger.record({ ...e, promptTokens: 999 })).toBe(false);
      const rows = await knex('docuchat_usage').where({
        request_id: e.requestId,
      });
      expect(rows).toHaveLength(1);
      expect(rows[0].prompt_tokens).toBe(100); // the first write wins
    });

    it('writes concurrent identical records once', async () => {
      const { knex, ledger } = await setUp(databaseId);
      const e = entry();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => ledger.record({ ...e })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const [{ n }] = await knex('docuchat_usage').count({ n: '*' });
      expect(Number(n)).toBe(1);
    });

    it('rejects invalid entries with clear errors', async () => {
      const { knex, ledger } = await setUp(databaseId);
      const cases: Array<
        [Partial<UsageEntry> | Record<string, unknown>, RegExp]
      > = [
        [{ promptTokens: -1 }, /promptTokens must be an integer/],
        [{ completionTokens: 1.5 }, /completionTokens must be an integer/],
        [{ promptTokens: Number.NaN }, /promptTokens/],
        [{ promptTokens: '10' as any }, /promptTokens/],
        [{ completionTokens: 2 ** 31 }, /completionTokens/],
        [
          { operation: 'image' as any },
          /operation must be one of chat, embedding/,
        ],
        [{ requestId: '' }, /requestId must be a non-empty string/],
        [{ requestId: 'x'.repeat(256) }, /requestId must be at most 255/],
        [{ tenantId: undefined as any }, /tenantId/],
        [{ model: '' }, /model/],
        [{ estimated: 'yes' as any }, /estimated must be a boolean/],
        [{ occurredAt: new Date('nope') }, /occurredAt must be a valid Date/],
        [
          { occurredAt: '2026-01-01' as any },
          /occurredAt must be a valid Date/,
        ],
        [{ occurredAt: new Date(-1) }, /occurredAt must not be before 1970/],
        [{ userRef: 42 as any }, /userRef/],
      ];
      for (const [overrides, message] of cases) {
        await expect(
          ledger.record(entry(overrides as any)),
        ).rejects.toMatchObject({
          name: 'InputError',
          message: expect.stringMatching(message),
        });
      }
      await expect(
        ledger.record(entry({ tenantId: 'nobody' })),
      ).rejects.toMatchObject({
        name: 'NotFoundError',
        message: 'Tenant nobody not found',
      });
      const range = {
        from: new Date('2026-11-02'),
        to: new Date('2026-11-01'),
      };
      await expect(ledger.sumByTenant(range)).rejects.toThrow(
        /from must not be after to/,
      );
      await expect(
        ledger.series({
          ...range,
          from: new Date('x'),
          tenantId: 'acme',
          granularity: 'day',
        }),
      ).rejects.toThrow(/from must be a valid Date/);
      await expect(
        ledger.series({
          from: new Date('2026-11-01'),
          to: new Date('2026-11-02'),
          tenantId: 'acme',
          granularity: 'week' as any,
        }),
      ).rejects.toThrow(/granularity must be 'day' or 'hour'/);
      const [{ n }] = await knex('docuchat_usage').count({ n: '*' });
      expect(Number(n)).toBe(0);
    });

    it('sums per tenant and model, never mixing tenants', async () => {
      const { ledger } = await setUp(databaseId);
      const day = (h: string) => new Date(`2026-11-25T${h}Z`);
      await ledger.record(
        entry({
          promptTokens: 100,
          completionTokens: 20,
          occurredAt: day('00:00:00'),
        }),
      );
      await ledger.record(
        entry({
          promptTokens: 7,
          completionTokens: 3,
          occurredAt: day('23:59:59.999'),
        }),
      );
      await ledger.record(
        entry({
          model: 'text-embedding-3-small',
          operation: 'embedding',
          promptTokens: 2000,
          completionTokens: 0,
          occurredAt: day('08:00:00'),
        }),
      );
      await ledger.record(
        entry({
          tenantId: 'globex',
          promptTokens: 5,
          completionTokens: 1,
          occurredAt: day('09:00:00'),
        }),
      );
      // Outside [from, to): the day before and the next midnight.
      await ledger.record(
        entry({
          promptTokens: 1000,
          occurredAt: new Date('2026-11-24T23:59:59.999Z'),
        }),
      );
      await ledger.record(
        entry({
          promptTokens: 1000,
          occurredAt: new Date('2026-11-26T00:00:00.000Z'),
        }),
      );

      const range = {
        from: new Date('2026-11-25T00:00:00Z'),
        to: new Date('2026-11-26T00:00:00Z'),
      };
      expect(await ledger.sumByTenant(range)).toEqual([
        {
          tenantId: 'acme',
          model: 'gpt-4o-mini',
          promptTokens: 107,
          completionTokens: 23,
          calls: 2,
        },
        {
          tenantId: 'acme',
          model: 'text-embedding-3-small',
          promptTokens: 2000,
          completionTokens: 0,
          calls: 1,
        },
        {
          tenantId: 'globex',
          model: 'gpt-4o-mini',
          promptTokens: 5,
          completionTokens: 1,
          calls: 1,
        },
      ]);
      expect(
        await ledger.sumByTenant({ ...range, tenantId: 'globex' }),
      ).toEqual([
        {
          tenantId: 'globex',
          model: 'gpt-4o-mini',
          promptTokens: 5,
          completionTokens: 1,
          calls: 1,
        },
      ]);
      expect(
        await ledger.sumByTenant({ ...range, tenantId: 'initech' }),
      ).toEqual([]);
      expect(
        await ledger.sumByTenant({ from: range.from, to: range.from }),
      ).toEqual([]);

      expect(await ledger.totals()).toEqual([
        {
          tenantId: 'acme',
          model: 'gpt-4o-mini',
          promptTokens: 2107,
          completionTokens: 63,
          calls: 4,
        },
        {
          tenantId: 'acme',
          model: 'text-embedding-3-small',
          promptTokens: 2000,
          completionTokens: 0,
          calls: 1,
        },
        {
          tenantId: 'globex',
          model: 'gpt-4o-mini',
          promptTokens: 5,
          completionTokens: 1,
          calls: 1,
        },
      ]);
      expect(await ledger.totals({ tenantId: 'globex' })).toEqual([
        {
          tenantId: 'globex',
          model: 'gpt-4o-mini',
          promptTokens: 5,
          completionTokens: 1,
          calls: 1,
        },
      ]);
    });

    it('sums beyond 32-bit integers exactly', async () => {
      const { ledger } = await setUp(databaseId);
      const max = 2147483647;
      await ledger.record(entry({ promptTokens: max, completionTokens: max }));
      await ledger.record(entry({ promptTokens: max, completionTokens: 1 }));
      expect(await ledger.totals()).toEqual([
        {
          tenantId: 'acme',
          model: 'gpt-4o-mini',
          promptTokens: 2 * max,
          completionTokens: max + 1,
          calls: 2,
        },
      ]);
    });

    it('buckets by UTC day and hour at the boundaries', async () => {
      const { ledger } = await setUp(databaseId);
      const at = (iso: string, promptTokens: number, model = 'gpt-4o-mini') =>
        ledger.record(
          entry({
            occurredAt: new Date(iso),
            promptTokens,
            completionTokens: 1,
            model,
          }),
        );
      await at('2026-11-24T23:59:59.000Z', 1);
      await at('2026-11-24T23:59:59.999Z', 2);
      await at('2026-11-25T00:00:00.000Z', 4);
      await at('2026-11-25T00:59:59.999Z', 8);
      await at('2026-11-25T01:00:00.000Z', 16);
      await at('2026-11-25T01:30:00.000Z', 32, 'gpt-4o');
      await at('2026-11-25T23:59:59.999Z', 64);
      await ledger.record(
        entry({
          tenantId: 'globex',
          occurredAt: new Date('2026-11-25T00:00:00Z'),
          promptTokens: 5000,
        }),
      );

      const from = new Date('2026-11-24T00:00:00Z');
      const to = new Date('2026-11-27T00:00:00Z');
      expect(
        await ledger.series({ tenantId: 'acme', from, to, granularity: 'day' }),
      ).toEqual([
        {
          bucketStart: '2026-11-24T00:00:00.000Z',
          model: 'gpt-4o-mini',
          promptTokens: 3,
          completionTokens: 2,
        },
        {
          bucketStart: '2026-11-25T00:00:00.000Z',
          model: 'gpt-4o',
          promptTokens: 32,
          completionTokens: 1,
        },
        {
          bucketStart: '2026-11-25T00:00:00.000Z',
          model: 'gpt-4o-mini',
          promptTokens: 92,
          completionTokens: 4,
        },
      ]);
      expect(
        await ledger.series({
          tenantId: 'acme',
          from,
          to,
          granularity: 'hour',
        }),
      ).toEqual([
        {
          bucketStart: '2026-11-24T23:00:00.000Z',
          model: 'gpt-4o-mini',
          promptTokens: 3,
          completionTokens: 2,
        },
        {
          bucketStart: '2026-11-25T00:00:00.000Z',
          model: 'gpt-4o-mini',
          promptTokens: 12,
          completionTokens: 2,
        },
        {
          bucketStart: '2026-11-25T01:00:00.000Z',
          model: 'gpt-4o',
          promptTokens: 32,
          completionTokens: 1,
        },
        {
          bucketStart: '2026-11-25T01:00:00.000Z',
          model: 'gpt-4o-mini',
          promptTokens: 16,
          completionTokens: 1,
        },
        {
          bucketStart: '2026-11-25T23:00:00.000Z',
          model: 'gpt-4o-mini',
          promptTokens: 64,
          completionTokens: 1,
        },
      ]);
      // The range is half-open and cuts inside buckets: [23:59:59.999, 00:59:59.999).
      expect(
        await ledger.series({
          tenantId: 'acme',
          from: new Date('2026-11-24T23:59:59.999Z'),
          to: new Date('2026-11-25T00:59:59.999Z'),
          granularity: 'hour',
        }),
      ).toEqual([
        {
          bucketStart: '2026-11-24T23:00:00.000Z',
          model: 'gpt-4o-mini',
          promptTokens: 2,
          completionTokens: 1,
        },
        {
          bucketStart: '2026-11-25T00:00:00.000Z',
          model: 'gpt-4o-mini',
          promptTokens: 4,
          completionTokens: 1,
        },
      ]);
      // Empty ranges give empty series, not zero-filled ones.
      expect(
        await ledger.series({
          tenantId: 'acme',
          from,
          to: from,
          granularity: 'day',
        }),
      ).toEqual([]);
      expect(
        await ledger.series({
          tenantId: 'acme',
          from: new Date('2026-12-01T00:00:00Z'),
          to: new Date('2026-12-31T00:00:00Z'),
          granularity: 'hour',
        }),
      ).toEqual([]);
      expect(
        await ledger.series({
          tenantId: 'initech',
          from,
          to,
          granularity: 'day',
        }),
      ).toEqual([]);
    });

    it('stores occurred_at as UTC epoch milliseconds on SQLite, timestamptz on PostgreSQL', async () => {
      const { knex, ledger } = await setUp(databaseId);
      await ledger.record(
        entry({ occurredAt: new Date('2026-11-25T00:00:00.000Z') }),
      );
      const [row] = await knex('docuchat_usage').select('occurred_at');
      expect(row.occurred_at).toEqual(
        databaseId === 'SQLITE_3'
          ? Date.parse('2026-11-25T00:00:00.000Z')
          : new Date('2026-11-25T00:00:00.000Z'),
      );
    });

    if (databaseId !== 'SQLITE_3') {
      it('buckets in UTC whatever the session time zone', async () => {
        const { knex, ledger } = await setUp(databaseId);
        await ledger.record(
          entry({ occurredAt: new Date('2026-11-25T00:00:00.000Z') }),
        );
        const series = await knex.transaction(async trx => {
          // Tehran is UTC+03:30: local midnight differs from UTC midnight.
          await trx.raw("SET LOCAL TIME ZONE 'Asia/Tehran'");
          return new DatabaseUsageLedger(trx as unknown as Knex).series({
            tenantId: 'acme',
            from: new Date('2026-11-24T00:00:00Z'),
            to: new Date('2026-11-26T00:00:00Z'),
            granularity: 'day',
          });
        });
        expect(series).toEqual([
          {
            bucketStart: '2026-11-25T00:00:00.000Z',
            model: 'gpt-4o-mini',
            promptTokens: 100,
            completionTokens: 20,
          },
        ]);
      });
    }
  });
});

describe('DatabaseUsageLedger settlement', () => {
  const databases = createEveryTestDatabase();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function setUp() {
      const knex = await migratedDatabaseWithTenants(databases, databaseId, [
        'acme',
      ]);
      return { knex, ledger: new DatabaseUsageLedger(knex) };
    }

    it('writes a pending row before the call and settles it once', async () => {
      const { ledger } = await setUp();
      const started = entry({ promptTokens: 90, estimated: true });
      expect(await ledger.begin({ ...started, completionTokens: 0 })).toBe(
        true,
      );
      expect(await ledger.get(started.requestId)).toMatchObject({
        status: 'pending',
        settledAt: undefined,
        promptTokens: 90,
        completionTokens: 0,
        estimated: true,
        billable: true,
        demo: false,
      });
      // A second begin of the same call writes nothing.
      expect(await ledger.begin(started)).toBe(false);

      const final = {
        promptTokens: 95,
        completionTokens: 30,
        estimated: false,
      };
      expect(await ledger.settle(started.requestId, final)).toBe(true);
      const settled = await ledger.get(started.requestId);
      expect(settled).toMatchObject({ status: 'settled', ...final });
      expect(Date.parse(settled!.settledAt!)).not.toBeNaN();

      // Settled once: a late settle (or the sweep) changes nothing.
      expect(
        await ledger.settle(started.requestId, { ...final, promptTokens: 1 }),
      ).toBe(false);
      expect(await ledger.settleAbandoned(new Date('2100-01-01'))).toEqual([]);
      expect(await ledger.get(started.requestId)).toMatchObject(final);
    });

    it("begins a question's calls together, settles them together, and discards those never made", async () => {
      const { knex, ledger } = await setUp();
      const embedding = entry({ operation: 'embedding', estimated: true });
      const chat = entry({ completionTokens: 0, estimated: true });
      const unused = entry({ completionTokens: 0, estimated: true });
      const queries: string[] = [];
      const listen = (q: { sql: string }) => queries.push(q.sql);

      // With another store's write, in one batch.
      knex.on('query', listen);
      const batch = new WriteBatch(knex);
      const begun = ledger.beginAll([embedding, chat, unused], batch);
      const window = batch.add(
        [
          knex('docuchat_rate_windows')
            .insert({ key: 'ask:acme', window_start: 0, count: 1 })
            .returning('count'),
        ],
        ([[row]]) => Number(row.count),
      );
      await batch.run();
      knex.removeListener('query', listen);
      expect(await begun).toEqual([true, true, true]);
      expect(await window).toBe(1);
      // PostgreSQL: one statement; SQLite: BEGIN, two inserts, COMMIT.
      expect(queries).toHaveLength(databaseId.startsWith('POSTGRES') ? 1 : 4);
      expect(await ledger.beginAll([chat, entry()])).toEqual([false, true]);

      expect(
        await ledger.settleAll([
          {
            requestId: embedding.requestId,
            promptTokens: 7,
            completionTokens: 0,
            estimated: false,
          },
          {
            requestId: chat.requestId,
            model: 'local:extractive',
            promptTokens: 0,
            completionTokens: 0,
            estimated: false,
          },
          {
            requestId: 'never-begun',
            promptTokens: 1,
            completionTokens: 1,
            estimated: false,
          },
        ]),
      ).toEqual([true, true, false]);
      expect(await ledger.get(embedding.requestId)).toMatchObject({
        status: 'settled',
        model: 'gpt-4o-mini',
        promptTokens: 7,
      });
      expect(await ledger.get(chat.requestId)).toMatchObject({
        status: 'settled',
        model: 'local:extractive',
        promptTokens: 0,
      });

      // Only pending rows go; settled ones stay.
      expect(
        await ledger.discard([unused.requestId, embedding.requestId]),
      ).toBe(1);
      expect(await ledger.get(unused.requestId)).toBeUndefined();
      expect(await ledger.get(embedding.requestId)).toBeDefined();
    });

    it('settles abandoned pending rows as estimated, older ones only', async () => {
      const { ledger } = await setUp();
      const old = entry({ occurredAt: new Date('2026-11-25T10:00:00Z') });
      const recent = entry({ occurredAt: new Date('2026-11-25T11:59:00Z') });
      await ledger.begin(old);
      await ledger.begin(recent);
      const swept = await ledger.settleAbandoned(
        new Date('2026-11-25T11:00:00Z'),
      );
      expect(swept.map(row => row.requestId)).toEqual([old.requestId]);
      expect(swept[0]).toMatchObject({
        status: 'settled',
        estimated: true,
        promptTokens: old.promptTokens,
        completionTokens: old.completionTokens,
      });
      expect((await ledger.get(recent.requestId))?.status).toBe('pending');
    });

    it('records settled rows directly, with the billable and demo marks', async () => {
      const { ledger } = await setUp();
      const maintenance = entry({ operation: 'embedding', billable: false });
      const demo = entry({ demo: true });
      await ledger.record(maintenance);
      await ledger.record(demo);
      expect(await ledger.get(maintenance.requestId)).toMatchObject({
        status: 'settled',
        billable: false,
        demo: false,
      });
      expect(await ledger.get(demo.requestId)).toMatchObject({
        billable: true,
        demo: true,
      });
      await expect(
        ledger.record(entry({ billable: 'no' as any })),
      ).rejects.toThrow('billable must be a boolean');
      await expect(
        ledger.settle('nope', {
          promptTokens: -1,
          completionTokens: 0,
          estimated: false,
        }),
      ).rejects.toThrow('promptTokens must be an integer');
    });

    it('sums settled rows for billing, inside a transaction, and finds late arrivals', async () => {
      const { knex, ledger } = await setUp();
      const range = {
        from: new Date('2026-11-25T00:00:00Z'),
        to: new Date('2026-11-26T00:00:00Z'),
      };
      await ledger.record(entry({ promptTokens: 100, completionTokens: 10 }));
      await ledger.record(
        entry({ promptTokens: 7, completionTokens: 0, billable: false }),
      );
      await ledger.begin(entry({ promptTokens: 1000 }));
      const sums = (options: { billableOnly?: boolean }) =>
        ledger.settledSums({ ...range, ...options }).then(rows =>
          rows.map(({ promptTokens, completionTokens, calls }) => ({
            promptTokens,
            completionTokens,
            calls,
          })),
        );
      // Pending rows are not final: neither billing nor the drift reads them.
      expect(await sums({})).toEqual([
        { promptTokens: 107, completionTokens: 10, calls: 2 },
      ]);
      expect(await sums({ billableOnly: true })).toEqual([
        { promptTokens: 100, completionTokens: 10, calls: 1 },
      ]);

      const settledSince = new Date(Date.now() - 60_000);
      const late = entry({ occurredAt: new Date('2026-11-24T23:00:00Z') });
      const time = (date: Date) => toDbTime(dialectOf(knex, 'test'), date);
      await knex.transaction(async trx => {
        const tx = asStoreTransaction(trx);
        // Written in the transaction, read back through it before commit.
        await trx('docuchat_usage').insert({
          request_id: late.requestId,
          tenant_id: 'acme',
          model: late.model,
          operation: 'chat',
          prompt_tokens: 5,
          completion_tokens: 5,
          occurred_at: time(late.occurredAt!),
          status: 'settled',
          settled_at: time(new Date()),
        });
        expect(
          await ledger.lateArrivals(
            { settledSince, occurredBefore: range.from },
            tx,
          ),
        ).toEqual([{ tenantId: 'acme', occurredAt: late.occurredAt }]);
      });
      expect(
        await ledger.lateArrivals({
          settledSince,
          occurredBefore: new Date('2026-11-24T00:00:00Z'),
        }),
      ).toEqual([]);
    });

    it('refuses an unknown status in the database itself', async () => {
      const { knex } = await setUp();
      await expect(
        knex('docuchat_usage').insert({
          request_id: 'bad-status',
          tenant_id: 'acme',
          model: 'm',
          operation: 'chat',
          prompt_tokens: 1,
          completion_tokens: 1,
          occurred_at: new Date('2026-11-25T00:00:00Z'),
          status: 'billed',
        }),
      ).rejects.toHaveProperty('message');
    });
  });
});
