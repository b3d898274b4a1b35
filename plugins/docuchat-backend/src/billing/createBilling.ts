import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { PaymentGateway } from '@docuchat/backstage-plugin-docuchat-node';
import { Knex } from 'knex';
import { BillingRunStore } from '../database/BillingRunStore';
import { DatabaseBillingRunStore } from '../database/DatabaseBillingRunStore';
import { DatabaseInvoiceOutboxStore } from '../database/DatabaseInvoiceOutboxStore';
import { DatabaseInvoiceStore } from '../database/DatabaseInvoiceStore';
import { BillingState } from '../metrics/billingMetrics';
import { InvoiceStore } from '../database/InvoiceStore';
import { TenantStore } from '../database/TenantStore';
import { UsageLedger } from '../usage/UsageLedger';
import { UsagePricing } from '../usage/UsagePricing';
import { BillingRunCounters, BillingRunner } from './BillingRunner';
import { InvoiceIssuer } from './InvoiceIssuer';
import { InvoiceMailer } from './InvoiceMailer';
import { InvoiceNotifier } from './InvoiceNotifier';
import { LoggingMailer } from './LoggingMailer';
import { PaymentService } from './PaymentService';
import { PrometheusDriftReporter } from './PrometheusDriftReporter';
import { readBillingConfig } from './readBillingConfig';
import { ZibalGateway } from './ZibalGateway';

/** What billing's gauges read at scrape time. */
export function billingState(
  invoices: InvoiceStore,
  runs: BillingRunStore,
): BillingState {
  return {
    countByStatus: () => invoices.countByStatus(),
    lastSuccessfulRunAt: () => runs.lastSuccessfulRunAt(),
    latestDrift: () => runs.latestDrift(),
  };
}

/** Billing as the plugin runs it: stores, gateway, mailer, runner. */
export function createBilling(options: {
  config: Config;
  knex: Knex;
  tenants: TenantStore;
  ledger: UsageLedger;
  pricing: UsagePricing;
  logger: LoggerService;
  notifications?: NotificationService;
  gateway?: PaymentGateway;
  /** Billing's counters and gauges (DocuchatMetrics). */
  metrics?: { registerBilling(state: BillingState): BillingRunCounters };
}) {
  const settings = readBillingConfig(options.config);
  const { knex, tenants, ledger, pricing, logger } = options;
  const invoices = new DatabaseInvoiceStore(knex);
  const runs = new DatabaseBillingRunStore(knex);
  const gateway =
    options.gateway ??
    new ZibalGateway({
      baseUrl: settings.zibal.baseUrl,
      merchant: settings.zibal.merchant,
      timeoutMs: settings.zibal.timeoutMs,
    });
  const mailer = settings.email.smtp
    ? new InvoiceMailer(settings.email.from, settings.email.smtp)
    : new LoggingMailer(logger);
  const notifier = new InvoiceNotifier({
    notifications: options.notifications,
    tenants,
    logger,
  });
  const payments = new PaymentService({
    invoices,
    outbox: new DatabaseInvoiceOutboxStore(knex),
    tenants,
    gateway,
    mailer,
    notifier,
    logger,
    callbackUrl: settings.callbackUrl,
    portalUrl: settings.portalUrl,
    linkTtlMs: settings.linkTtlMs,
  });
  const runner = new BillingRunner({
    invoices,
    runs,
    issuer: new InvoiceIssuer({ ledger, invoices, runs }),
    tenants,
    pricing,
    gateway,
    payments,
    notifier,
    logger,
    timeZone: settings.timeZone,
    settleDelayMs: settings.settleDelayMs,
    startDate: settings.startDate,
    expireAfterMs: settings.expireAfterMs,
    counters: options.metrics?.registerBilling(billingState(invoices, runs)),
    drift: settings.prometheus
      ? new PrometheusDriftReporter({
          ...settings.prometheus,
          ledger,
          timeZone: settings.timeZone,
        })
      : undefined,
  });
  // The SMTP pool keeps connections open; closed when the backend stops.
  const close = () => {
    if (mailer instanceof InvoiceMailer) mailer.close();
  };
  return { settings, invoices, runs, gateway, payments, runner, close };
}

/**
 * The daily run: a scheduled task with scope `global`, so one replica runs
 * it. The cron is in the process's time zone (UTC in the container); the
 * default 23:30 UTC is 03:00 in Tehran, billing the Tehran day that ended
 * three and a half hours before (after the settle delay).
 */
export async function scheduleBilling(options: {
  scheduler: SchedulerService;
  runner: BillingRunner;
  cron: string;
  logger: LoggerService;
}) {
  await options.scheduler.scheduleTask({
    id: 'docuchat-billing',
    frequency: { cron: options.cron },
    timeout: { hours: 2 },
    scope: 'global',
    fn: async () => {
      const run = await options.runner.run({ trigger: 'schedule' });
      if (run.outcome === 'failed') {
        throw new Error(
          `Billing run ${run.id} failed: ${run.errors.join('; ')}`,
        );
      }
    },
  });
}
