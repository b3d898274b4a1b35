import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { DatabaseUsageLedger } from '../usage/DatabaseUsageLedger';
import { DEMO_TENANTS } from './seedDemo';
import { BillingRunner } from '../billing/BillingRunner';
import {
  billingDaysBetween,
  latestClosedDay,
  previousBillingDay,
} from '../usage/billingDays';
import { seedDemoUsage } from './seedDemoUsage';

const DEMO_DAYS = 30;

/**
 * The demo's billing history: 30 days of usage for the demo tenants, billed
 * at start-up so a newcomer sees invoices (payable, carried, and their
 * payment links, pending where Zibal cannot be reached).
 */
export async function seedDemoBilling(options: {
  knex: Knex;
  runner: BillingRunner;
  timeZone: string;
  settleDelayMs: number;
  logger: LoggerService;
}) {
  const last = latestClosedDay(
    new Date(),
    options.timeZone,
    options.settleDelayMs,
  );
  let first = last;
  for (let i = 1; i < DEMO_DAYS; i++) first = previousBillingDay(first);
  const days = billingDaysBetween(first, last);
  const written = await seedDemoUsage({
    ledger: new DatabaseUsageLedger(options.knex),
    tenantIds: DEMO_TENANTS.map(tenant => tenant.id),
    days,
    timeZone: options.timeZone,
  });
  const run = await options.runner.run({ trigger: 'demo', days });
  options.logger.info(
    `Demo billing: ${written} usage rows, run ${run.id} ${run.outcome}: ${run.invoicesIssued} invoices issued, ${run.invoicesCarried} carried`,
  );
}
