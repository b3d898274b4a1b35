import { Config } from '@backstage/config';
import { readNumber } from '../config/readNumber';
import { readBillingTimeZone } from '../usage/billingDays';

/** `docuchat.limits` and the billing time zone, validated. */
export interface LimitsConfig {
  /** Largest JSON body of any route but document uploads, in bytes. */
  maxBodyBytes: number;
  /** Questions per tenant per minute, all replicas together; 0: no limit. */
  asksPerTenantPerMinute: number;
  /** Default tokens per tenant per billing day; undefined: no budget. */
  dailyTokenBudget?: number;
  /** IANA zone of the billing day, `docuchat.billing.timezone`. */
  billingTimeZone: string;
}

const KB = 1024;

/** Reads the limits; bad values fail start-up with the key's name. */
export function readLimitsConfig(config: Config): LimitsConfig {
  const limits = config.getOptionalConfig('docuchat.limits');
  const billingTimeZone = readBillingTimeZone(config);
  const maxBodyKilobytes = integerAtLeast(limits, 'maxBodyKilobytes', 1) ?? 64;
  const budget = integerAtLeast(limits, 'dailyTokenBudget', 1);
  return {
    maxBodyBytes: maxBodyKilobytes * KB,
    asksPerTenantPerMinute:
      integerAtLeast(limits, 'asksPerTenantPerMinute', 0) ?? 60,
    dailyTokenBudget: budget,
    billingTimeZone,
  };
}

function integerAtLeast(
  config: Config | undefined,
  key: string,
  min: number,
): number | undefined {
  return readNumber(config, key, {
    where: 'docuchat.limits',
    integer: true,
    min,
  });
}
