/**
 * bench:billing — billing one day of 1,000 tenants and 1,000,000 ledger rows
 * (× BENCH_SCALE; at least 20 tenants and 2,000 rows) on PostgreSQL 17, with
 * the real Zibal client against the local Zibal server and the real mailer
 * against a local SMTP server (issue 11).
 *
 * Prints the first run's steps (ledger aggregation, invoice writing, payment
 * links, emails), a second run of the same day, and a naive peer in the
 * same database: one SUM query per tenant and one INSERT per invoice and
 * line. Targets at full size: first run ≤ 10 s, rerun ≤ 1 s with 0 new
 * invoices, ≥ 5× the naive peer on aggregation plus invoice writing.
 *
 *   yarn bench:billing
 *   BENCH_SCALE=0.02 yarn bench:billing
 */
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../src/database/migrations';
import {
  startSmtpTestServer,
  startZibalTestServer,
} from '@internal/docuchat-test-utils';
import { UsagePricing } from '../src/usage/UsagePricing';
import {
  closedDay,
  createBillingStack,
  TEHRAN,
} from '../src/billing/__testUtils__/billingStack';
import { billingDayRange } from '../src/usage/billingDays';
import { silentLogger } from './lib/benchBackend';
import { fixed, printTable, thousands } from './lib/report';
import { withScratchDatabase } from './lib/scratchDatabase';
import { runBench } from './lib/runBench';
import { benchScale } from './lib/settings';

const MODELS = [
  'openai:gpt-4o-mini',
  'openai:text-embedding-3-small',
  'openai:gpt-4.1',
];

async function seed(knex: Knex, tenants: number, rows: number, day: string) {
  const { start } = billingDayRange(day, TEHRAN);
  await knex.batchInsert(
    'docuchat_tenants',
    Array.from({ length: tenants }, (_, i) => ({
      id: `t${i}`,
      display_name: `Tenant ${i}`,
      owner_ref: `group:default/t${i}`,
      contact_email: `billing@t${i}.test`,
    })),
    500,
  );
  // Server-side rows: spread over the day and the tenants; settled a few
  // seconds after they occurred, as real calls are.
  await knex.raw(
    `insert into docuchat_usage (request_id, tenant_id, model, operation, prompt_tokens, completion_tokens,
       occurred_at, status, settled_at, billable, demo)
     select 'r' || g, 't' || (g % ?), (array[?, ?, ?])[1 + g % 3], 'chat', 100 + g % 900, g % 300,
       ?::timestamptz + ((g * 86.399) || ' milliseconds')::interval * (86400000.0 / ? / 86.399),
       'settled', ?::timestamptz + ((g * 86.399) || ' milliseconds')::interval * (86400000.0 / ? / 86.399) + interval '3 seconds',
       true, false
     from generate_series(0, ? - 1) g`,
    [tenants, ...MODELS, start, rows, start, rows, rows],
  );
  await knex.raw('vacuum analyze docuchat_usage');
}

/** One SUM per tenant, one INSERT per invoice and per line. */
async function naivePeer(
  knex: Knex,
  tenants: number,
  day: string,
  pricing: UsagePricing,
) {
  await knex.raw(
    'create table naive_invoices (id serial primary key, tenant_id text, period text, amount_rials bigint)',
  );
  await knex.raw(
    'create table naive_lines (invoice_id int, model text, prompt_tokens bigint, completion_tokens bigint, amount_rials bigint)',
  );
  const { start, end } = billingDayRange(day, TEHRAN);
  let aggregateMs = 0;
  let writeMs = 0;
  for (let i = 0; i < tenants; i++) {
    let t = performance.now();
    const sums = await knex('docuchat_usage')
      .select('model')
      .sum({ p: 'prompt_tokens' })
      .sum({ c: 'completion_tokens' })
      .where({ tenant_id: `t${i}`, status: 'settled', billable: true })
      .where('occurred_at', '>=', start)
      .where('occurred_at', '<', end)
      .groupBy('model');
    aggregateMs += performance.now() - t;
    t = performance.now();
    const lines = sums.map((s: any) => ({
      model: s.model,
      prompt_tokens: Number(s.p),
      completion_tokens: Number(s.c),
      amount_rials: pricing.costRials({
        model: s.model,
        promptTokens: Number(s.p),
        completionTokens: Number(s.c),
      }),
    }));
    const [{ id }] = await knex('naive_invoices')
      .insert({
        tenant_id: `t${i}`,
        period: day,
        amount_rials: lines.reduce((a, l) => a + l.amount_rials, 0),
      })
      .returning('id');
    for (const line of lines)
      await knex('naive_lines').insert({ invoice_id: id, ...line });
    writeMs += performance.now() - t;
  }
  return { aggregateMs, writeMs };
}

async function main(): Promise<string[]> {
  const scale = benchScale();
  const tenants = Math.max(20, Math.round(1000 * scale));
  const rows = Math.max(2000, Math.round(1_000_000 * scale));
  const zibal = await startZibalTestServer();
  const smtp = await startSmtpTestServer();
  try {
    return await withScratchDatabase('billing', async ({ knex }) => {
      await applyDatabaseMigrations(knex);
      const day = closedDay();
      let t = performance.now();
      await seed(knex, tenants, rows, day);
      console.log(
        `bench:billing — ${thousands(tenants)} tenants, ${thousands(
          rows,
        )} ledger rows on ${day} (Asia/Tehran), PostgreSQL 17; seeded in ${fixed(
          (performance.now() - t) / 1000,
        )} s`,
      );

      const pricing = new UsagePricing({
        models: [
          {
            model: 'openai:gpt-4.1',
            promptRialsPer1kTokens: 400,
            completionRialsPer1kTokens: 1600,
          },
        ],
      });
      const stack = createBillingStack(knex, {
        zibalUrl: zibal.baseUrl,
        smtp,
        pricing,
        logger: silentLogger,
      });
      const first: Record<string, number> = {};
      t = performance.now();
      const run = await stack.runner.run({
        trigger: 'manual',
        days: [day],
        timings: first,
      });
      const firstMs = performance.now() - t;
      const rerunTimings: Record<string, number> = {};
      t = performance.now();
      const rerun = await stack.runner.run({
        trigger: 'manual',
        days: [day],
        timings: rerunTimings,
      });
      const rerunMs = performance.now() - t;
      stack.mailer.close();

      const naive = await naivePeer(knex, tenants, day, pricing);
      const naiveTotal = naive.aggregateMs + naive.writeMs;
      const oursTotal = first.aggregate + first.write;
      const ratio = naiveTotal / oursTotal;
      printTable(
        ['step', 'billing (ms)', 'naive peer (ms)', 'ratio'],
        [
          [
            'ledger aggregation',
            fixed(first.aggregate),
            fixed(naive.aggregateMs),
            `${fixed(naive.aggregateMs / first.aggregate)}×`,
          ],
          [
            'invoice writing',
            fixed(first.write),
            fixed(naive.writeMs),
            `${fixed(naive.writeMs / first.write)}×`,
          ],
          [
            'aggregation + writing',
            fixed(oursTotal),
            fixed(naiveTotal),
            `${fixed(ratio)}×`,
          ],
          ['payment links (Zibal)', fixed(first.links), '', ''],
          ['emails (SMTP)', fixed(first.emails), '', ''],
          ['first run, in all', fixed(firstMs), '', ''],
          ['second run of the day', fixed(rerunMs), '', ''],
        ],
      );
      console.log(
        `first run: ${run.outcome}, ${run.invoicesIssued} issued, ${
          run.invoicesCarried
        } carried, ${thousands(run.billedRials)} Rials, ${
          run.linksCreated
        } links, ${run.emailsSent} emails`,
      );
      console.log(
        `second run: ${rerun.outcome}, ${
          rerun.invoicesIssued + rerun.invoicesCarried
        } new invoices, ${rerun.linksCreated} links, ${
          rerun.emailsSent
        } emails`,
      );
      const problems: string[] = [];
      if (run.outcome !== 'succeeded')
        problems.push(`first run ${run.outcome}: ${run.errors.join('; ')}`);
      if (rerun.invoicesIssued + rerun.invoicesCarried !== 0)
        problems.push('the second run made invoices');
      if (scale >= 1) {
        console.log(
          `targets: first run ${fixed(
            firstMs / 1000,
            2,
          )} s ≤ 10 s, rerun ${fixed(rerunMs / 1000, 2)} s ≤ 1 s, ${fixed(
            ratio,
          )}× ≥ 5× the naive peer`,
        );
        if (firstMs > 10_000) problems.push('first run over 10 s');
        if (rerunMs > 1_000) problems.push('rerun over 1 s');
        if (ratio < 5) problems.push('under 5× the naive peer');
      } else {
        console.log('(small scale: targets apply at BENCH_SCALE=1)');
      }
      return problems;
    });
  } finally {
    await zibal.close();
    await smtp.close();
  }
}

runBench('bench:billing', main);
