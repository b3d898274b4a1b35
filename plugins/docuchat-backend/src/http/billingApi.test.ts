import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { DatabaseUsageLedger } from '../usage/DatabaseUsageLedger';
import { applyDatabaseMigrations } from '../database/migrations';
import {
  ADMIN,
  ALICE,
  as,
  BOB,
  startDocuchatTestBackend,
} from '../__testUtils__/docuchatTestBackend';
import {
  startSmtpTestServer,
  SmtpTestServer,
  startZibalTestServer,
  ZibalTestServer,
} from '@internal/docuchat-test-utils';
import { closedDay, TEHRAN } from '../billing/__testUtils__/billingStack';
import {
  RecordedEvent,
  recordingAuditor,
} from '../__testUtils__/recordingAuditor';
import { Knex } from 'knex';
import { billingDayRange, nextBillingDay } from '../usage/billingDays';

jest.setTimeout(60_000);

describe('billing API', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let zibal: ZibalTestServer;
  let smtp: SmtpTestServer;
  let server: any;
  let knex: Knex;
  const events: RecordedEvent[] = [];
  const day = closedDay();

  beforeAll(async () => {
    zibal = await startZibalTestServer();
    smtp = await startSmtpTestServer();
    knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    server = await startDocuchatTestBackend({
      knex,
      openAiBaseURL: 'http://127.0.0.1:9/v1',
      features: [recordingAuditor(events).factory],
      docuchat: {
        billing: {
          enabled: false,
          zibal: { baseUrl: zibal.baseUrl, timeoutMs: 2000 },
          email: {
            from: 'billing@docuchat.test',
            smtp: { host: smtp.host, port: smtp.port },
          },
        },
      },
    });
    await knex('docuchat_tenants').update({
      contact_email: 'owner@example.test',
    });
    const ledger = new DatabaseUsageLedger(knex);
    const start = billingDayRange(day, TEHRAN).start;
    for (const [tenantId, tokens] of [
      ['acme', 20_000],
      ['globex', 30_000],
    ] as const) {
      await ledger.record({
        requestId: `${tenantId}-1`,
        tenantId,
        model: 'openai:gpt-4o-mini',
        operation: 'chat',
        promptTokens: tokens,
        completionTokens: 0,
        occurredAt: start,
      });
    }
  });
  afterAll(async () => {
    await zibal.close();
    await smtp.close();
  });

  const post = (path: string, user?: string) => {
    const req = request(server).post(`/api/docuchat${path}`);
    return user ? req.set('Authorization', as(user)) : req;
  };
  const get = (path: string, user?: string) => {
    const req = request(server).get(`/api/docuchat${path}`);
    return user ? req.set('Authorization', as(user)) : req;
  };

  it('lets operators run billing and nobody else', async () => {
    expect((await post('/billing/runs', ALICE).send({ day })).status).toBe(403);
    const service = await request(server)
      .post('/api/docuchat/billing/runs')
      .set('Authorization', mockCredentials.service.header())
      .send({ day });
    expect(service.status).toBe(403);

    const run = await post('/billing/runs', ADMIN).send({ day });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({
      trigger: 'manual',
      requestedBy: ADMIN,
      from: day,
      to: day,
      outcome: 'succeeded',
      invoicesIssued: 2,
      billedRials: 10_000,
      linksCreated: 2,
      emailsSent: 2,
    });
    const rerun = await post('/billing/runs', ADMIN).send({
      from: day,
      to: day,
    });
    expect(rerun.body).toMatchObject({ invoicesIssued: 0, daysBilled: 0 });
    expect(events.filter(e => e.eventId === 'billing-run')).toEqual([
      expect.objectContaining({
        fromRequest: true,
        meta: { from: day, to: day },
        outcome: 'success',
        outcomeMeta: { runId: run.body.id, outcome: 'succeeded' },
      }),
      expect.objectContaining({
        outcome: 'success',
        outcomeMeta: { runId: rerun.body.id, outcome: 'succeeded' },
      }),
    ]);

    const runs = await get('/billing/runs', ADMIN);
    expect(runs.body.items.map((r: any) => r.id)).toEqual([
      rerun.body.id,
      run.body.id,
    ]);
    expect((await get('/billing/runs', ALICE)).status).toBe(403);
  });

  it('refuses bad run requests with 400', async () => {
    const cases = [
      [{}, /Invalid billing run/],
      [{ day: '2026-02-30' }, /YYYY-MM-DD/],
      [{ from: '2026-01-01', to: '2026-03-01' }, /at most 31 days/],
      [{ day: nextBillingDay(closedDay(-2)) }, /cannot be billed yet/],
      [{ day, extra: 1 }, /Invalid billing run/],
    ] as const;
    for (const [body, message] of cases) {
      const res = await post('/billing/runs', ADMIN).send(body);
      expect([res.status, res.body.error?.message]).toEqual([
        400,
        expect.stringMatching(message),
      ]);
    }
  });

  it('shows tenants their own invoices only', async () => {
    const list = await get('/tenants/acme/invoices', ALICE);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        tenantId: 'acme',
        period: day,
        status: 'issued',
        amountRials: 4000,
        // With lines, so the invoices card shows the tokens.
        lines: [
          expect.objectContaining({ promptTokens: 20_000, amountRials: 4000 }),
        ],
      }),
    ]);
    const id = list.body.items[0].id;
    const one = await get(`/tenants/acme/invoices/${id}`, ALICE);
    expect(one.body).toMatchObject({
      id,
      lines: [
        {
          kind: 'usage',
          model: 'openai:gpt-4o-mini',
          promptTokens: 20_000,
          amountRials: 4000,
        },
      ],
      payment: { state: 'link' },
    });
    expect((await get('/tenants/acme/invoices', BOB)).status).toBe(404);
    expect((await get(`/tenants/acme/invoices/${id}`, BOB)).status).toBe(404);
    expect((await get(`/tenants/globex/invoices/${id}`, BOB)).status).toBe(404);
    expect((await get('/tenants/acme/invoices?limit=0', ALICE)).status).toBe(
      400,
    );
    // The pay button: the current link while it is fresh.
    const pay = await post(`/tenants/acme/invoices/${id}/payment`, ALICE);
    expect(pay.body.payment.url).toBe(one.body.payment.url);
    expect(
      (await post(`/tenants/acme/invoices/${id}/payment`, BOB)).status,
    ).toBe(404);
  });

  it('lists invoices with totals for operators, voids with a reason, and takes callbacks without credentials', async () => {
    expect((await get('/invoices', ALICE)).status).toBe(403);
    const all = await get(
      `/invoices?status=issued&from=${day}&to=${day}`,
      ADMIN,
    );
    expect(all.body.totals).toEqual({
      count: 2,
      amountRials: 10_000,
      byStatus: { issued: { count: 2, amountRials: 10_000 } },
    });
    expect((await get('/invoices?status=lost', ADMIN)).status).toBe(400);

    const globex = all.body.items.find((i: any) => i.tenantId === 'globex');
    expect(
      (await post(`/invoices/${globex.id}/void`, ADMIN).send({})).status,
    ).toBe(400);
    expect(
      (
        await post(`/invoices/${globex.id}/void`, BOB).send({
          reason: 'duplicate',
        })
      ).status,
    ).toBe(403);
    const voided = await post(`/invoices/${globex.id}/void`, ADMIN).send({
      reason: 'wrong mobile',
    });
    expect(voided.body).toMatchObject({
      status: 'void',
      void: { reason: 'wrong mobile', by: ADMIN },
    });
    expect(
      (
        await post(`/invoices/${globex.id}/void`, ADMIN).send({
          reason: 'again',
        })
      ).status,
    ).toBe(409);
    expect(
      events
        .filter(e => e.eventId === 'invoice-void')
        .map(e => [e.severityLevel, e.meta, e.outcome]),
    ).toEqual([
      ['high', { invoiceId: globex.id, reason: 'wrong mobile' }, 'success'],
      ['high', { invoiceId: globex.id, reason: 'again' }, 'fail'],
    ]);

    const acme = all.body.items.find((i: any) => i.tenantId === 'acme');
    zibal.pay(acme.payment.trackId);
    const callback = await get(
      `/billing/zibal/callback?trackId=${acme.payment.trackId}&success=1&orderId=${acme.id}&status=2`,
    );
    expect(callback.status).toBe(303);
    expect(callback.headers.location).toBe(
      `http://localhost:3000/docuchat/tenants/acme/invoices/${acme.id}`,
    );
    expect(
      (await get(`/tenants/acme/invoices/${acme.id}`, ALICE)).body.status,
    ).toBe('paid');
    expect(
      (await post(`/tenants/acme/invoices/${acme.id}/payment`, ALICE)).status,
    ).toBe(409);
    const forged = await get('/billing/zibal/callback?trackId=1&success=1');
    expect(forged.status).toBe(303);
  });

  it('answers a failed run with its report (500) and audits it as a failure', async () => {
    const failing = closedDay(6);
    // The billed days' table is gone: billing the day cannot even start.
    await knex.schema.renameTable('docuchat_billing_days', 'billing_days_away');
    let run;
    try {
      run = await post('/billing/runs', ADMIN).send({ day: failing });
    } finally {
      await knex.schema.renameTable(
        'billing_days_away',
        'docuchat_billing_days',
      );
    }
    expect(run.status).toBe(500);
    expect(run.body).toMatchObject({ outcome: 'failed', daysBilled: 0 });
    expect(events.filter(e => e.eventId === 'billing-run').pop()).toEqual(
      expect.objectContaining({
        meta: { from: failing, to: failing },
        outcome: 'fail',
        outcomeMeta: { runId: run.body.id, outcome: 'failed' },
        error: expect.stringMatching(/^Billing run .* failed: billing: /),
      }),
    );
  });
});
