import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { PaymentGateway } from '@docuchat/backstage-plugin-docuchat-node';
import { Knex } from 'knex';
import { DatabaseInvoiceStore } from '../database/DatabaseInvoiceStore';
import { TenantStore } from '../database/TenantStore';
import { UsagePricing } from '../usage/UsagePricing';
import { BillingRunCounters, BillingRunner } from './BillingRunner';
import { InvoiceMailer } from './InvoiceMailer';
import { InvoiceNotifier } from './InvoiceNotifier';
import { LoggingMailer } from './LoggingMailer';
import { PaymentService } from './PaymentService';
import { PrometheusDriftReporter } from './PrometheusDriftReporter';
import { readBillingConfig } from './readBillingConfig';
import { ZibalGateway } from './ZibalGateway';

/** Billing as the plugin runs it: store, gateway, mailer, runner. */
export function createBilling(options: {
  config: Config;
  knex: Knex;
  tenants: TenantStore;
  pricing: UsagePricing;
  logger: LoggerService;
  notifications?: NotificationService;
  gateway?: PaymentGateway;
  counters?: BillingRunCounters;
}) {
  const settings = readBillingConfig(options.config);
  const { knex, tenants, pricing, logger } = options;
  const store = new DatabaseInvoiceStore(knex);
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
    store,
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
    store,
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
    counters: options.counters,
    drift: settings.prometheus
      ? new PrometheusDriftReporter({
          ...settings.prometheus,
          knex,
          timeZone: settings.timeZone,
        })
      : undefined,
  });
  // The SMTP pool keeps connections open; closed when the backend stops.
  const close = () => {
    if (mailer instanceof InvoiceMailer) mailer.close();
  };
  return { settings, store, gateway, payments, runner, close };
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
