import { TestDatabases } from '@backstage/backend-test-utils';
import { existsSync } from 'node:fs';
import { Registry } from 'prom-client';
import { migratedDatabaseWithTenants } from '../database/__testUtils__/testDatabases';
import {
  PROMETHEUS_BINARY,
  startPrometheusServer,
  startSmtpTestServer,
  SmtpTestServer,
  startZibalTestServer,
  ZibalTestServer,
} from '@internal/docuchat-test-utils';
import { registerBillingMetrics } from '../metrics/billingMetrics';
import {
  closedDay,
  createBillingStack,
  TEHRAN,
} from './__testUtils__/billingStack';
import { billingDayRange } from '../usage/billingDays';
import { billingState } from './createBilling';
import { DatabaseUsageLedger } from '../usage/DatabaseUsageLedger';
import {
  counterIncrease,
  PrometheusDriftReporter,
} from './PrometheusDriftReporter';

jest.setTimeout(120_000);

const STEP_MS = 300_000;

describe('reconciliation with Prometheus', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
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

  it('counts a restart as a new start from zero, without extrapolating', () => {
    expect(
      counterIncrease(
        [
          [0, 50],
          [10, 70],
          [20, 100],
          [30, 5],
          [40, 25],
        ],
        5,
      ),
    ).toBe(20 + 30 + 5 + 20);
    // Born inside the window: its first value is all new.
    expect(
      counterIncrease(
        [
          [10, 40],
          [20, 60],
        ],
        5,
      ),
    ).toBe(60);
  });

  // Debian's prometheus is installed by scripts/test-all.sh in CI.
  const describeWithPrometheus = existsSync(PROMETHEUS_BINARY)
    ? describe
    : describe.skip;
  describeWithPrometheus('a real Prometheus', () => {
    it('records the drift per tenant from a real Prometheus, across a backend restart', async () => {
      const knex = await migratedDatabaseWithTenants(databases, 'SQLITE_3', [
        'acme',
        'globex',
      ]);
      await knex('docuchat_tenants').update({
        contact_email: 'billing@example.test',
      });
      const stack = createBillingStack(knex, { zibalUrl: zibal.baseUrl, smtp });
      const day = closedDay();
      const { start, end } = billingDayRange(day, TEHRAN);
      const restartAt = start.getTime() + 12.5 * 3_600_000 + 60_000;
      // What the backend did: calls through the day; the counters (one
      // process, then another after a restart at noon) and the ledger.
      const calls = [
        ...Array.from({ length: 24 }, (_, i) => ({
          tenant: 'acme',
          at: start.getTime() + i * 3_600_000 + 1_000,
          tokens: 1000 + i,
        })),
        ...Array.from({ length: 10 }, (_, i) => ({
          tenant: 'globex',
          at: start.getTime() + i * 7_200_000 + 2_000,
          tokens: 700,
        })),
        // Counted, then the process died before the next scrape: the ledger has it, Prometheus not.
        { tenant: 'globex', at: restartAt - 30_000, tokens: 555, lost: true },
      ];
      for (const [i, call] of calls.entries()) {
        await stack.ledger.record({
          requestId: `c${i}`,
          tenantId: call.tenant,
          model: 'openai:gpt-4o-mini',
          operation: 'chat',
          promptTokens: call.tokens,
          completionTokens: 0,
          occurredAt: new Date(call.at),
        });
      }
      // The scrapes: every 5 minutes from before the day to its end.
      const lines = ['# TYPE openai_tokens counter'];
      for (const tenant of ['acme', 'globex']) {
        for (
          let t = start.getTime() - 2 * STEP_MS;
          t <= end.getTime();
          t += STEP_MS
        ) {
          const sinceProcessStart = t < restartAt ? -Infinity : restartAt;
          const value = calls
            .filter(
              c =>
                c.tenant === tenant &&
                c.at <= t &&
                c.at > sinceProcessStart &&
                !('lost' in c && t >= restartAt),
            )
            .reduce((sum, c) => sum + c.tokens, 0);
          lines.push(
            `openai_tokens_total{tenant="${tenant}",direction="prompt",model="openai:gpt-4o-mini"} ${value} ${
              t / 1000
            }`,
          );
        }
      }
      lines.push('# EOF', '');
      const prometheus = await startPrometheusServer({
        jobs: [],
        scrapeInterval: '15s',
        backfill: lines.join('\n'),
      });
      try {
        const reporter = new PrometheusDriftReporter({
          url: prometheus.baseURL,
          timeoutMs: 5000,
          ledger: new DatabaseUsageLedger(knex),
          timeZone: TEHRAN,
        });
        const billing = createBillingStack(knex, {
          zibalUrl: zibal.baseUrl,
          smtp,
          drift: reporter,
        });
        const run = await billing.runner.run({
          trigger: 'manual',
          days: [day],
        });
        const acmeTokens = calls
          .filter(c => c.tenant === 'acme')
          .reduce((s, c) => s + c.tokens, 0);
        expect(run.drift).toEqual({
          prometheus: 'ok',
          entries: [
            {
              day,
              tenantId: 'acme',
              ledgerTokens: acmeTokens,
              prometheusTokens: acmeTokens,
              driftTokens: 0,
            },
            {
              day,
              tenantId: 'globex',
              ledgerTokens: 7555,
              prometheusTokens: 7000,
              driftTokens: 555,
            },
          ],
        });
        // The gauge reads the latest report from the database.
        const registry = new Registry();
        registerBillingMetrics(
          registry,
          billingState(billing.store, billing.runs),
        );
        const text = await registry.metrics();
        expect(text).toContain(
          'docuchat_billing_drift_tokens{tenant="globex"} 555',
        );
        expect(text).toContain(
          'docuchat_billing_drift_tokens{tenant="acme"} 0',
        );
        expect(text).toContain('docuchat_invoices{status="issued"} 2');
        expect(text).toMatch(
          /docuchat_billing_last_success_timestamp_seconds \d{10}/,
        );
        billing.mailer.close();
      } finally {
        await prometheus.stop();
        stack.mailer.close();
      }
    });
  });

  it('bills from the ledger and says so when Prometheus is down', async () => {
    const knex = await migratedDatabaseWithTenants(databases, 'SQLITE_3', [
      'acme',
    ]);
    await knex('docuchat_tenants').update({
      contact_email: 'billing@acme.test',
    });
    const reporter = new PrometheusDriftReporter({
      url: 'http://127.0.0.1:9',
      timeoutMs: 1000,
      ledger: new DatabaseUsageLedger(knex),
      timeZone: TEHRAN,
    });
    const stack = createBillingStack(knex, {
      zibalUrl: zibal.baseUrl,
      smtp,
      drift: reporter,
    });
    const day = closedDay();
    await stack.ledger.record({
      requestId: 'x',
      tenantId: 'acme',
      model: 'openai:gpt-4o-mini',
      operation: 'chat',
      promptTokens: 10_000,
      completionTokens: 0,
      occurredAt: billingDayRange(day, TEHRAN).start,
    });
    const run = await stack.runner.run({ trigger: 'manual', days: [day] });
    expect(run).toMatchObject({
      outcome: 'succeeded',
      invoicesIssued: 1,
      drift: {
        prometheus: 'unavailable',
        message: expect.stringMatching(/billed from the ledger alone/),
      },
    });
    stack.mailer.close();
  });
});
