import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DatabaseBillingRunStore } from '../../database/DatabaseBillingRunStore';
import { DatabaseInvoiceOutboxStore } from '../../database/DatabaseInvoiceOutboxStore';
import { DatabaseInvoiceStore } from '../../database/DatabaseInvoiceStore';
import { DatabaseTenantStore } from '../../database/DatabaseTenantStore';
import { DatabaseUsageLedger } from '../../usage/DatabaseUsageLedger';
import { UsagePricing } from '../../usage/UsagePricing';
import { BillingRunner, DriftReporter } from '../BillingRunner';
import { InvoiceIssuer } from '../InvoiceIssuer';
import { InvoiceMailer } from '../InvoiceMailer';
import { InvoiceNotifier } from '../InvoiceNotifier';
import { PaymentService } from '../PaymentService';
import { ZibalGateway } from '../ZibalGateway';
import { billingDayOf, previousBillingDay } from '../../usage/billingDays';

export const TEHRAN = 'Asia/Tehran';

/** A day that closed a while ago: three days before today in Tehran. */
export function closedDay(daysAgo = 3): string {
  let day = billingDayOf(new Date(), TEHRAN);
  for (let i = 0; i < daysAgo; i++) day = previousBillingDay(day);
  return day;
}

/**
 * The billing stack as plugin.ts builds it, on `knex`, with the real Zibal
 * client against `zibalUrl` and the real mailer against an SMTP server.
 */
export function createBillingStack(
  knex: Knex,
  options: {
    zibalUrl: string;
    smtp: { host: string; port: number };
    pricing?: UsagePricing;
    zibalTimeoutMs?: number;
    drift?: DriftReporter;
    now?: () => Date;
    startDate?: string;
    logger?: LoggerService;
  },
) {
  const logger = options.logger ?? mockServices.logger.mock();
  const store = new DatabaseInvoiceStore(knex);
  const runs = new DatabaseBillingRunStore(knex);
  const tenants = new DatabaseTenantStore(knex);
  const ledger = new DatabaseUsageLedger(knex);
  const issuer = new InvoiceIssuer({ ledger, invoices: store, runs });
  const pricing = options.pricing ?? new UsagePricing();
  const gateway = new ZibalGateway({
    baseUrl: options.zibalUrl,
    merchant: 'zibal',
    timeoutMs: options.zibalTimeoutMs ?? 2000,
  });
  const mailer = new InvoiceMailer('DocuChat <billing@docuchat.test>', {
    host: options.smtp.host,
    port: options.smtp.port,
    secure: false,
  });
  const notifier = new InvoiceNotifier({ tenants, logger });
  const payments = new PaymentService({
    invoices: store,
    outbox: new DatabaseInvoiceOutboxStore(knex),
    tenants,
    gateway,
    mailer,
    notifier,
    logger,
    callbackUrl: 'http://localhost:7007/api/docuchat/billing/zibal/callback',
    portalUrl: 'http://localhost:3000',
    linkTtlMs: 7 * 86_400_000,
    now: options.now,
  });
  const runner = new BillingRunner({
    invoices: store,
    runs,
    issuer,
    tenants,
    pricing,
    gateway,
    payments,
    notifier,
    logger,
    timeZone: TEHRAN,
    settleDelayMs: 3_600_000,
    expireAfterMs: 30 * 86_400_000,
    startDate: options.startDate,
    drift: options.drift,
    now: options.now,
  });
  return {
    /** The invoice store. */
    store,
    runs,
    issuer,
    tenants,
    ledger,
    pricing,
    gateway,
    mailer,
    payments,
    runner,
    logger,
  };
}
