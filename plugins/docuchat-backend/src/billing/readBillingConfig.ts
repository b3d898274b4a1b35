import { Config } from '@backstage/config';
import { isBillingDay } from '@docuchat/backstage-plugin-docuchat-common';
import { readNumber } from '../config/readNumber';
import { readBillingTimeZone } from '../usage/billingDays';
import { SmtpSettings } from './InvoiceMailer';

const DAY_MS = 86_400_000;

/** `docuchat.billing` with its defaults (see config.d.ts). */
export interface BillingConfig {
  enabled: boolean;
  timeZone: string;
  /** Cron, evaluated in the process's time zone (UTC in the chart). */
  cron: string;
  settleDelayMs: number;
  /** First billable day; default the day billing was installed. */
  startDate?: string;
  linkTtlMs: number;
  expireAfterMs: number;
  /** Where the payer comes back: the backend's callback URL. */
  callbackUrl: string;
  /** The portal's base URL, for the invoice page. */
  portalUrl: string;
  zibal: { baseUrl: string; merchant: string; timeoutMs: number };
  email: { from: string; smtp?: SmtpSettings };
  prometheus?: { url: string; timeoutMs: number };
}

function positive(config: Config | undefined, key: string, fallback: number) {
  return readNumber(config, key, {
    where: 'docuchat.billing',
    fallback,
    min: 0,
  });
}

/** Reads `docuchat.billing`; invalid values stop the backend at start-up. */
export function readBillingConfig(config: Config): BillingConfig {
  const billing = config.getOptionalConfig('docuchat.billing');
  const backendUrl = (
    config.getOptionalString('backend.baseUrl') ?? 'http://localhost:7007'
  ).replace(/\/+$/, '');
  const portalUrl = (
    config.getOptionalString('app.baseUrl') ?? 'http://localhost:3000'
  ).replace(/\/+$/, '');
  const startDate = billing?.getOptionalString('startDate');
  if (startDate !== undefined && !isBillingDay(startDate)) {
    throw new Error(
      `docuchat.billing.startDate must be YYYY-MM-DD, got ${startDate}`,
    );
  }
  const smtp = billing?.getOptionalConfig('email.smtp');
  const prometheusUrl = billing?.getOptionalString('prometheus.url');
  return {
    enabled: billing?.getOptionalBoolean('enabled') ?? true,
    timeZone: readBillingTimeZone(config),
    cron: billing?.getOptionalString('schedule.cron') ?? '30 23 * * *',
    settleDelayMs: positive(billing, 'settleDelayMinutes', 60) * 60_000,
    startDate,
    linkTtlMs: positive(billing, 'linkTtlDays', 7) * DAY_MS,
    expireAfterMs: positive(billing, 'expireAfterDays', 30) * DAY_MS,
    callbackUrl: `${backendUrl}/api/docuchat/billing/zibal/callback`,
    portalUrl,
    zibal: {
      baseUrl:
        billing?.getOptionalString('zibal.baseUrl') ??
        'https://gateway.zibal.ir',
      merchant: billing?.getOptionalString('zibal.merchant') ?? 'zibal',
      timeoutMs: positive(billing, 'zibal.timeoutMs', 10_000),
    },
    email: {
      from:
        billing?.getOptionalString('email.from') ??
        'DocuChat <billing@localhost>',
      smtp: smtp?.has('host')
        ? {
            host: smtp.getString('host'),
            port: smtp.getOptionalNumber('port') ?? 587,
            secure: smtp.getOptionalBoolean('secure') ?? false,
            user: smtp.getOptionalString('user'),
            password: smtp.getOptionalString('password'),
          }
        : undefined,
    },
    prometheus: prometheusUrl
      ? {
          url: prometheusUrl.replace(/\/+$/, ''),
          timeoutMs: positive(billing, 'prometheus.timeoutMs', 10_000),
        }
      : undefined,
  };
}
