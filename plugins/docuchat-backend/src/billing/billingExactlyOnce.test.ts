import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex, knex as createKnex } from 'knex';
import {
  createEveryTestDatabase,
  databaseIds,
  migratedDatabaseWithTenants,
} from '../database/__testUtils__/testDatabases';
import {
  startSmtpTestServer,
  SmtpTestServer,
  startZibalTestServer,
  ZibalTestServer,
} from '@internal/docuchat-test-utils';
import {
  closedDay,
  createBillingStack,
  TEHRAN,
} from './__testUtils__/billingStack';
import { billingDayRange, nextBillingDay } from '../usage/billingDays';

jest.setTimeout(120_000);

describe('billing exactly once', () => {
  const databases = createEveryTestDatabase();
  let zibal: ZibalTestServer;
  let smtp: SmtpTestServer;

  beforeAll(async () => {
    zibal = await startZibalTestServer();
    smtp = await startSmtpTestServer();
  });
  afterAll(async () => {
    await zibal.close();
    await smtp.close();
  });
  beforeEach(() => {
    zibal.requests.length = 0;
    zibal.clearFaults();
    smtp.mails.length = 0;
  });

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await migratedDatabaseWithTenants(databases, databaseId, [
      'acme',
      'globex',
      'tiny',
    ]);
    await knex('docuchat_tenants')
      .where({ id: 'acme' })
      .update({ contact_email: 'billing@acme.test', mobile: '09121234567' });
    await knex('docuchat_tenants')
      .where({ id: 'globex' })
      .update({ contact_email: 'pay@globex.test' });
    await knex('docuchat_tenants')
      .where({ id: 'tiny' })
      .update({ contact_email: 'tiny@tiny.test' });
    const stack = createBillingStack(knex, {
      zibalUrl: zibal.baseUrl,
      smtp,
    });
    return { knex, ...stack };
  }

  let seq = 0;
  async function use(
    stack: Awaited<ReturnType<typeof setUp>>,
    tenantId: string,
    at: Date,
    prompt: number,
    completion: number,
    model = 'openai:gpt-4o-mini',
  ) {
    await stack.ledger.record({
      requestId: `req-${seq++}`,
      tenantId,
      model,
      operation: 'chat',
      promptTokens: prompt,
      completionTokens: completion,
      occurredAt: at,
    });
  }

  /** Ledger tokens of settled, billable rows of a day per tenant. */
  async function ledgerTokens(knex: Knex, day: string) {
    const { start, end } = billingDayRange(day, TEHRAN);
    const client = knex.client.config.client;
    const time = (d: Date) => (client === 'pg' ? d : d.getTime());
    const rows = await knex('docuchat_usage')
      .select('tenant_id')
      .sum({ tokens: knex.raw('prompt_tokens + completion_tokens') })
      .where('occurred_at', '>=', time(start))
      .where('occurred_at', '<', time(end))
      .where({ status: 'settled', billable: true })
      .groupBy('tenant_id');
    return new Map(rows.map((row: any) => [row.tenant_id, Number(row.tokens)]));
  }

  it.each(databaseIds)(
    'bills a day once, and a rerun creates nothing, on %p',
    async databaseId => {
      const stack = await setUp(databaseId);
      const day = closedDay();
      const { start } = billingDayRange(day, TEHRAN);
      const at = (hours: number) =>
        new Date(start.getTime() + hours * 3_600_000);
      await use(stack, 'acme', at(1), 10_000, 2_000);
      await use(stack, 'acme', at(5), 3_001, 0);
      await use(
        stack,
        'acme',
        at(6),
        500,
        500,
        'openai:text-embedding-3-small',
      );
      await use(stack, 'globex', at(23.9), 6_000, 1_000);
      await use(stack, 'tiny', at(2), 1_000, 1_000); // 400 Rials: carried
      await use(stack, 'globex', at(24.1), 9_999, 0); // the next day

      const run = await stack.runner.run({ trigger: 'manual', days: [day] });
      expect(run).toMatchObject({
        outcome: 'succeeded',
        daysBilled: 1,
        invoicesIssued: 2,
        invoicesCarried: 1,
        linksCreated: 2,
        emailsSent: 2,
        errors: [],
      });

      const invoices = await stack
        .knex('docuchat_invoices')
        .orderBy('tenant_id');
      expect(
        invoices.map(i => [
          i.tenant_id,
          i.period,
          i.status,
          Number(i.amount_rials),
        ]),
      ).toEqual([
        // (13001 + 2000) / 5 = 3000.2 → 3000; 1000 / 5 = 200
        ['acme', day, 'issued', 3200],
        ['globex', day, 'issued', 1400],
        ['tiny', day, 'carried', 400],
      ]);
      const acme = (await stack.store.get(invoices[0].id))!;
      expect(acme.lines).toEqual([
        expect.objectContaining({
          kind: 'usage',
          model: 'openai:gpt-4o-mini',
          promptTokens: 13_001,
          completionTokens: 2_000,
          amountRials: 3000,
          promptRialsPer1kTokens: 200,
        }),
        expect.objectContaining({
          kind: 'usage',
          model: 'openai:text-embedding-3-small',
          promptTokens: 500,
          completionTokens: 500,
          amountRials: 200,
        }),
      ]);
      expect(acme.payment).toMatchObject({
        state: 'link',
        url: expect.stringMatching(
          /^https:\/\/gateway\.zibal\.ir\/start\/\d+$/,
        ),
      });
      const requests = zibal.requests.filter(r => r.route === '/v1/request');
      expect(
        requests
          .map(r => [r.body.orderId, r.body.amount, r.body.mobile])
          .sort(),
      ).toEqual(
        [
          [invoices[0].id, 3200, '09121234567'],
          [invoices[1].id, 1400, undefined],
        ].sort(),
      );
      expect(smtp.mails.map(m => m.to).sort()).toEqual([
        ['billing@acme.test'],
        ['pay@globex.test'],
      ]);

      // The ledger sum equals the billed sum for every tenant.
      expect(await stack.store.billedTokens(day)).toEqual(
        await ledgerTokens(stack.knex, day),
      );

      const rerun = await stack.runner.run({ trigger: 'manual', days: [day] });
      expect(rerun).toMatchObject({
        outcome: 'succeeded',
        daysBilled: 0,
        invoicesIssued: 0,
        invoicesCarried: 0,
        linksCreated: 0,
        emailsSent: 0,
      });
      expect(await stack.knex('docuchat_invoices').count({ n: '*' })).toEqual([
        { n: expect.anything() },
      ]);
      expect(
        Number((await stack.knex('docuchat_invoices').count({ n: '*' }))[0].n),
      ).toBe(3);
      expect(
        zibal.requests.filter(r => r.route === '/v1/request'),
      ).toHaveLength(2);
      expect(smtp.mails).toHaveLength(2);
      await stack.mailer.close();
    },
  );

  it.each(databaseIds)(
    'a run killed after writing invoices is finished by the next, once, on %p',
    async databaseId => {
      const stack = await setUp(databaseId);
      const day = closedDay();
      const { start, end } = billingDayRange(day, TEHRAN);
      await use(stack, 'acme', new Date(start.getTime() + 1000), 50_000, 0);
      await use(stack, 'globex', new Date(start.getTime() + 2000), 20_000, 0);
      // The run's first step alone, as a run killed right after it left it.
      await stack.issuer.billDay({
        day,
        start,
        end,
        runId: 'killed-run',
        pricing: stack.pricing,
        minimumAmountRials: 1000,
        settleDelayMs: 3_600_000,
        timeZone: TEHRAN,
        now: new Date(),
      });
      expect(zibal.requests).toHaveLength(0);

      const next = await stack.runner.run({ trigger: 'schedule', days: [day] });
      expect(next).toMatchObject({
        daysBilled: 0,
        invoicesIssued: 0,
        linksCreated: 2,
        emailsSent: 2,
      });
      const again = await stack.runner.run({
        trigger: 'schedule',
        days: [day],
      });
      expect(again).toMatchObject({
        daysBilled: 0,
        linksCreated: 0,
        emailsSent: 0,
      });
      expect(
        Number((await stack.knex('docuchat_invoices').count({ n: '*' }))[0].n),
      ).toBe(2);
      expect(
        zibal.requests.filter(r => r.route === '/v1/request'),
      ).toHaveLength(2);
      expect(smtp.mails).toHaveLength(2);
      await stack.mailer.close();
    },
  );

  it.each(databaseIds.filter(id => id !== 'SQLITE_3'))(
    'two backends billing the same day at once make one invoice per tenant, on %p',
    async databaseId => {
      const stack = await setUp(databaseId);
      // A second backend: its own connection pool to the same database.
      const other = createKnex({
        client: 'pg',
        connection: stack.knex.client.config.connection,
      });
      try {
        const second = createBillingStack(other, {
          zibalUrl: zibal.baseUrl,
          smtp,
        });
        const day = closedDay();
        const { start } = billingDayRange(day, TEHRAN);
        for (let i = 0; i < 20; i++) {
          await use(
            stack,
            i % 2 ? 'acme' : 'globex',
            new Date(start.getTime() + i * 60_000),
            5_000,
            1_000,
          );
        }
        const runs = await Promise.all([
          stack.runner.run({ trigger: 'manual', days: [day] }),
          second.runner.run({ trigger: 'manual', days: [day] }),
          stack.runner.run({ trigger: 'schedule', days: [day] }),
          second.runner.run({ trigger: 'schedule', days: [day] }),
        ]);
        expect(runs.map(r => r.daysBilled).sort()).toEqual([0, 0, 0, 1]);
        expect(runs.reduce((n, r) => n + r.linksCreated, 0)).toBe(2);
        expect(runs.reduce((n, r) => n + r.emailsSent, 0)).toBe(2);
        const invoices = await stack
          .knex('docuchat_invoices')
          .select('tenant_id');
        expect(invoices.map(i => i.tenant_id).sort()).toEqual([
          'acme',
          'globex',
        ]);
        expect(
          zibal.requests.filter(r => r.route === '/v1/request'),
        ).toHaveLength(2);
        expect(smtp.mails).toHaveLength(2);
        expect(await stack.store.billedTokens(day)).toEqual(
          await ledgerTokens(stack.knex, day),
        );
        await second.mailer.close();
      } finally {
        await other.destroy();
        await stack.mailer.close();
      }
    },
  );

  it.each(databaseIds)(
    'the live invoice of a period is unique in the database, on %p',
    async databaseId => {
      const { knex } = await setUp(databaseId);
      const row = (id: string, status: string) => ({
        id,
        tenant_id: 'acme',
        period: '2026-11-01',
        status,
        amount_rials: 5000,
        run_id: 'r',
        created_at:
          knex.client.config.client === 'pg' ? new Date() : Date.now(),
      });
      await knex('docuchat_invoices').insert(row('a', 'void'));
      await knex('docuchat_invoices').insert(row('b', 'issued'));
      // better-sqlite3 raises its errors from the first test file's realm,
      // so `toThrow()` (an instanceof Error check) misses them when several
      // files share a worker: check the message instead.
      await expect(
        knex('docuchat_invoices').insert(row('c', 'carried')),
      ).rejects.toHaveProperty('message', expect.stringMatching(/unique/i));
      await knex('docuchat_invoices').insert(row('d', 'void'));
    },
  );

  it.each(databaseIds)(
    'midnight in Tehran splits two days, each billed once, on %p',
    async databaseId => {
      const stack = await setUp(databaseId);
      const day = closedDay(4);
      const next = nextBillingDay(day);
      const midnight = billingDayRange(next, TEHRAN).start;
      expect(midnight.toISOString()).toMatch(/T20:30:00\.000Z$/);
      await use(stack, 'acme', new Date(midnight.getTime() - 1000), 10_000, 0); // 20:29:59Z
      await use(stack, 'acme', midnight, 20_000, 0); // 20:30:00Z
      await stack.runner.run({ trigger: 'manual', days: [day, next] });
      await stack.runner.run({ trigger: 'manual', days: [day, next] });
      const invoices = await stack.knex('docuchat_invoices').orderBy('period');
      expect(invoices.map(i => [i.period, Number(i.amount_rials)])).toEqual([
        [day, 2000],
        [next, 4000],
      ]);
      await stack.mailer.close();
    },
  );

  it.each(databaseIds)(
    'late usage goes on the next invoice as an adjustment, on %p',
    async databaseId => {
      const stack = await setUp(databaseId);
      const day = closedDay(4);
      const next = nextBillingDay(day);
      const { start } = billingDayRange(day, TEHRAN);
      await use(stack, 'acme', new Date(start.getTime() + 1000), 10_001, 0); // 2000.2 → 2000
      await stack.runner.run({ trigger: 'manual', days: [day] });
      const first = await stack.knex('docuchat_invoices').first();
      const before = await stack.store.get(first.id);

      // A call of `day` that settles only now, after its day was billed.
      await stack.ledger.begin({
        requestId: 'late',
        tenantId: 'acme',
        model: 'openai:gpt-4o-mini',
        operation: 'chat',
        promptTokens: 1,
        completionTokens: 0,
        occurredAt: new Date(start.getTime() + 5000),
      });
      await stack.ledger.settle('late', {
        promptTokens: 2_499,
        completionTokens: 0,
        estimated: false,
      });
      await stack.runner.run({ trigger: 'manual', days: [day] }); // rerun: nothing
      expect(await stack.store.get(first.id)).toEqual(before);

      await use(stack, 'acme', billingDayRange(next, TEHRAN).start, 5_000, 0);
      await stack.runner.run({ trigger: 'manual', days: [next] });
      expect(await stack.store.get(first.id)).toEqual({
        ...before,
        email: expect.anything(),
        payment: expect.anything(),
      });
      expect((await stack.store.get(first.id))!.lines).toEqual(before!.lines);
      const second = await stack
        .knex('docuchat_invoices')
        .where({ period: next })
        .first();
      const invoice = (await stack.store.get(second.id))!;
      expect(invoice.lines).toEqual([
        expect.objectContaining({
          kind: 'usage',
          usageDay: next,
          promptTokens: 5_000,
          amountRials: 1000,
        }),
        // 12,500 tokens cost 2500 in all; 2000 were billed.
        expect.objectContaining({
          kind: 'adjustment',
          usageDay: day,
          promptTokens: 2_499,
          amountRials: 500,
        }),
      ]);
      expect(invoice.amountRials).toBe(1500);
      expect(await stack.store.billedTokens(day)).toEqual(
        await ledgerTokens(stack.knex, day),
      );
      await stack.mailer.close();
    },
  );

  it.each(databaseIds)(
    'carries totals under the floor into the next invoice, on %p',
    async databaseId => {
      const stack = await setUp(databaseId);
      const d1 = closedDay(5);
      const d2 = nextBillingDay(d1);
      const d3 = nextBillingDay(d2);
      await use(stack, 'tiny', billingDayRange(d1, TEHRAN).start, 2_000, 0); // 400
      await use(stack, 'tiny', billingDayRange(d2, TEHRAN).start, 2_500, 0); // 500 → 900, still carried
      await use(stack, 'tiny', billingDayRange(d3, TEHRAN).start, 502, 0); // 100.4 → 100 → 1000: issued
      await stack.runner.run({ trigger: 'manual', days: [d1, d2, d3] });
      const invoices = await stack.knex('docuchat_invoices').orderBy('period');
      expect(
        invoices.map(i => [i.period, i.status, Number(i.amount_rials)]),
      ).toEqual([
        [d1, 'carried', 400],
        [d2, 'carried', 900],
        [d3, 'issued', 1000],
      ]);
      expect(invoices[0].carried_into).toBe(invoices[1].id);
      expect(invoices[1].carried_into).toBe(invoices[2].id);
      expect(invoices[2].carried_into).toBeNull();
      const last = (await stack.store.get(invoices[2].id))!;
      expect(
        last.lines!.map(l => [l.kind, l.amountRials, l.sourceInvoiceId]),
      ).toEqual([
        ['usage', 100, undefined],
        ['carried', 900, invoices[1].id],
      ]);
      expect(
        zibal.requests
          .filter(r => r.route === '/v1/request')
          .map(r => r.body.amount),
      ).toEqual([1000]);
      await stack.mailer.close();
    },
  );

  it.each(databaseIds)(
    'a voided invoice is issued again for its period by the next run, on %p',
    async databaseId => {
      const stack = await setUp(databaseId);
      const day = closedDay();
      await use(stack, 'acme', billingDayRange(day, TEHRAN).start, 10_000, 0);
      await stack.runner.run({ trigger: 'manual', days: [day] });
      const first = await stack.knex('docuchat_invoices').first();
      await stack.store.voidInvoice(
        first.id,
        'wrong contact',
        'user:default/admin',
        new Date(),
      );
      await expect(
        stack.store.voidInvoice(
          first.id,
          'again',
          'user:default/admin',
          new Date(),
        ),
      ).rejects.toThrow(/void/);
      const run = await stack.runner.run({ trigger: 'manual', days: [day] });
      expect(run).toMatchObject({ invoicesIssued: 1, daysBilled: 0 });
      const invoices = await stack
        .knex('docuchat_invoices')
        .orderBy('created_at');
      expect(
        invoices.map(i => [i.period, i.status, Number(i.amount_rials)]),
      ).toEqual([
        [day, 'void', 2000],
        [day, 'issued', 2000],
      ]);
      expect((await stack.store.get(first.id))!.void).toMatchObject({
        reason: 'wrong contact',
        by: 'user:default/admin',
      });
      await stack.runner.run({ trigger: 'manual', days: [day] });
      expect(
        Number((await stack.knex('docuchat_invoices').count({ n: '*' }))[0].n),
      ).toBe(2);
      await stack.mailer.close();
    },
  );

  it.each(databaseIds)(
    'with the gateway down the invoice stays issued without a link until the next run, on %p',
    async databaseId => {
      const stack = await setUp(databaseId);
      const day = closedDay();
      await use(stack, 'acme', billingDayRange(day, TEHRAN).start, 10_000, 0);
      zibal.fault('/v1/request', { kind: 'down' }, 10);
      const run = await stack.runner.run({ trigger: 'manual', days: [day] });
      expect(run).toMatchObject({
        outcome: 'partial',
        invoicesIssued: 1,
        linksCreated: 0,
        emailsSent: 0,
      });
      expect(run.errors[0]).toMatch(/payment links: 1 failed.*HTTP 502/);
      const [invoice] = await stack.store.listForTenant('acme', {
        limit: 10,
        offset: 0,
      });
      expect(invoice).toMatchObject({
        status: 'issued',
        payment: { state: 'pending', error: expect.stringMatching(/502/) },
      });
      zibal.clearFaults();
      const next = await stack.runner.run({ trigger: 'schedule', days: [] });
      expect(next).toMatchObject({
        outcome: 'succeeded',
        invoicesIssued: 0,
        linksCreated: 1,
        emailsSent: 1,
      });
      await stack.mailer.close();
    },
  );
});
