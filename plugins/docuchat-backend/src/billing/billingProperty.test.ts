import { TestDatabases } from '@backstage/backend-test-utils';
import { migratedDatabaseWithTenants } from '../database/__testUtils__/testDatabases';
import { seededRandom } from '../demo/seededRandom';
import {
  startSmtpTestServer,
  SmtpTestServer,
  startZibalTestServer,
  ZibalTestServer,
} from '@internal/docuchat-test-utils';
import { UsagePricing } from '../usage/UsagePricing';
import {
  closedDay,
  createBillingStack,
  TEHRAN,
} from './__testUtils__/billingStack';
import {
  billingDayOf,
  billingDayRange,
  billingDaysBetween,
} from '../usage/billingDays';

jest.setTimeout(120_000);

const MODELS = [
  'openai:gpt-4o-mini',
  'openai:gpt-4.1',
  'openai:text-embedding-3-small',
  'local:extractive',
];
const pricing = new UsagePricing({
  models: [
    {
      model: 'openai:gpt-4.1',
      promptRialsPer1kTokens: 333,
      completionRialsPer1kTokens: 1_337,
    },
    {
      model: 'openai:text-embedding-3-small',
      promptRialsPer1kTokens: 7,
      completionRialsPer1kTokens: 0,
    },
  ],
});

describe('billing over random ledgers', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_17'] });
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

  it.each(databases.eachSupportedId())(
    'keeps the money rules, on %p',
    async databaseId => {
      for (const seed of [1, 2, 3]) {
        const random = seededRandom(seed);
        const tenants = ['t0', 't1', 't2', 't3', 't4'];
        const knex = await migratedDatabaseWithTenants(
          databases,
          databaseId,
          tenants,
        );
        const stack = createBillingStack(knex, {
          zibalUrl: zibal.baseUrl,
          smtp,
          pricing,
        });
        const first = closedDay(12);
        const days = billingDaysBetween(first, closedDay(3));
        /** Every ledger row, to compute the expected money independently. */
        const rows: Array<{
          tenantId: string;
          model: string;
          prompt: number;
          completion: number;
          at: Date;
        }> = [];
        let n = 0;
        const record = async (tenantId: string, at: Date) => {
          // Mostly small calls: many days fall under the 1,000-Rial floor.
          const prompt = Math.floor(random() ** 3 * 20_000);
          const completion = Math.floor(random() ** 3 * 5_000);
          const model = MODELS[Math.floor(random() * MODELS.length)];
          rows.push({ tenantId, model, prompt, completion, at });
          await stack.ledger.record({
            requestId: `${seed}-${n++}`,
            tenantId,
            model,
            operation: 'chat',
            promptTokens: prompt,
            completionTokens: completion,
            occurredAt: at,
          });
        };
        for (const day of days.slice(0, -2)) {
          const { start } = billingDayRange(day, TEHRAN);
          for (const tenantId of tenants) {
            const calls = Math.floor(random() * 4);
            for (let i = 0; i < calls; i++)
              await record(
                tenantId,
                new Date(start.getTime() + Math.floor(random() * 86_400_000)),
              );
          }
        }
        await stack.runner.run({ trigger: 'manual', days: days.slice(0, -2) });
        // Late rows for billed days, then the remaining days.
        for (let i = 0; i < 6; i++) {
          const day = days[Math.floor(random() * (days.length - 2))];
          await record(
            tenants[Math.floor(random() * tenants.length)],
            new Date(billingDayRange(day, TEHRAN).start.getTime() + 1000 * i),
          );
        }
        for (const day of days.slice(-2)) {
          for (const tenantId of tenants)
            await record(
              tenantId,
              new Date(billingDayRange(day, TEHRAN).start.getTime() + 60_000),
            );
        }
        await stack.runner.run({ trigger: 'manual', days: days.slice(-2) });
        await stack.runner.run({ trigger: 'manual', days });

        // Expected: UsagePricing's cost per (tenant, billing day, model).
        const sums = new Map<
          string,
          { model: string; promptTokens: number; completionTokens: number }
        >();
        for (const row of rows) {
          const key = `${row.tenantId}|${billingDayOf(row.at, TEHRAN)}|${
            row.model
          }`;
          const sum = sums.get(key) ?? {
            model: row.model,
            promptTokens: 0,
            completionTokens: 0,
          };
          sum.promptTokens += row.prompt;
          sum.completionTokens += row.completion;
          sums.set(key, sum);
        }
        const expected = [...sums.values()].reduce(
          (total, sum) => total + pricing.costRials(sum),
          0,
        );

        const invoices = await knex('docuchat_invoices');
        let billed = 0;
        const carriedSources = new Map<string, number>();
        /** Every broken rule, so one expect shows them all. */
        const violations: string[] = [];
        for (const row of invoices) {
          const invoice = (await stack.store.get(row.id))!;
          const sum = invoice.lines!.reduce((s, l) => s + l.amountRials, 0);
          if (invoice.amountRials !== sum)
            violations.push(
              `${row.id}: total ${invoice.amountRials} ≠ lines ${sum}`,
            );
          if (invoice.amountRials < 0) violations.push(`${row.id}: negative`);
          if (
            ['issued', 'paid'].includes(invoice.status) &&
            invoice.amountRials < 1000
          )
            violations.push(`${row.id}: payable under the floor`);
          if (invoice.status === 'carried' && invoice.amountRials >= 1000)
            violations.push(`${row.id}: carried over the floor`);
          for (const line of invoice.lines!) {
            if (line.amountRials < 0)
              violations.push(`${row.id}: negative line`);
            if (line.kind === 'carried') {
              if (carriedSources.has(line.sourceInvoiceId!))
                violations.push(`${line.sourceInvoiceId} carried twice`);
              carriedSources.set(line.sourceInvoiceId!, line.amountRials);
            } else billed += line.amountRials;
          }
        }
        // Each carried invoice went into exactly one later invoice, whole, or
        // is its tenant's newest and still waits.
        for (const row of invoices.filter(i => i.status === 'carried')) {
          const carried = carriedSources.get(row.id);
          if (
            row.carried_into
              ? carried !== Number(row.amount_rials)
              : carried !== undefined
          ) {
            violations.push(
              `${row.id}: carried ${carried} of ${row.amount_rials} into ${row.carried_into}`,
            );
          }
        }
        expect(violations).toEqual([]);
        expect(billed).toBe(expected);
        expect(invoices.some(i => i.status === 'carried')).toBe(true);
        expect(invoices.some(i => i.status === 'issued')).toBe(true);
        stack.mailer.close();
      }
    },
  );
});
