import {
  BillingDriftEntry,
  BillingDriftReport,
} from '@docuchat/backstage-plugin-docuchat-common';
import { billingDayRange } from '../usage/billingDays';
import { UsageLedger } from '../usage/UsageLedger';
import { DriftReporter } from './BillingRunner';

/** How far before a day's start a sample still serves as the baseline. */
const BASELINE_LOOKBACK_SECONDS = 600;

/**
 * The exact increase of one counter series over [start, end] from its raw
 * samples: deltas between samples, a drop counted as a restart from zero
 * (the new value is all new). The baseline is the last sample before
 * `start`; a series without one was born in the window and counts from
 * zero. Unlike PromQL's increase(), nothing is extrapolated.
 */
export function counterIncrease(
  samples: Array<[number, number]>,
  start: number,
): number {
  let previous: number | undefined;
  let total = 0;
  for (const [time, value] of samples) {
    if (time <= start) {
      previous = value;
      continue;
    }
    if (previous === undefined) total += value;
    else total += value >= previous ? value - previous : value;
    previous = value;
  }
  return total;
}

/**
 * Compares each billed day's tokens per tenant in the ledger (every settled
 * row, billable or not, as the counters count them) with Prometheus's
 * `openai_tokens_total`. Reported, never billed from.
 */
export class PrometheusDriftReporter implements DriftReporter {
  constructor(
    private readonly options: {
      url: string;
      timeoutMs: number;
      ledger: UsageLedger;
      timeZone: string;
    },
  ) {}

  async report(days: string[]): Promise<BillingDriftReport> {
    const entries: BillingDriftEntry[] = [];
    try {
      for (const day of days) {
        const { start, end } = billingDayRange(day, this.options.timeZone);
        const ledger = await this.ledgerTokens(start, end);
        const prometheus = await this.prometheusTokens(start, end);
        for (const tenantId of new Set([
          ...ledger.keys(),
          ...prometheus.keys(),
        ])) {
          const ledgerTokens = ledger.get(tenantId) ?? 0;
          const prometheusTokens = prometheus.get(tenantId) ?? 0;
          entries.push({
            day,
            tenantId,
            ledgerTokens,
            prometheusTokens,
            driftTokens: ledgerTokens - prometheusTokens,
          });
        }
      }
    } catch (error) {
      return {
        prometheus: 'unavailable',
        message: `Prometheus at ${this.options.url} could not be read (${
          (error as Error).message
        }); the run billed from the ledger alone`,
        entries,
      };
    }
    return { prometheus: 'ok', entries };
  }

  private async ledgerTokens(from: Date, to: Date) {
    const byTenant = new Map<string, number>();
    for (const sums of await this.options.ledger.settledSums({ from, to })) {
      byTenant.set(
        sums.tenantId,
        (byTenant.get(sums.tenantId) ?? 0) +
          sums.promptTokens +
          sums.completionTokens,
      );
    }
    return byTenant;
  }

  private async prometheusTokens(start: Date, end: Date) {
    const seconds =
      Math.round((end.getTime() - start.getTime()) / 1000) +
      BASELINE_LOOKBACK_SECONDS;
    const params = new URLSearchParams({
      query: `openai_tokens_total[${seconds}s]`,
      time: String(end.getTime() / 1000),
    });
    const response = await fetch(`${this.options.url}/api/v1/query?${params}`, {
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const body: any = await response.json().catch(() => undefined);
    if (!response.ok || body?.status !== 'success') {
      throw new Error(`HTTP ${response.status} ${body?.error ?? ''}`.trim());
    }
    const byTenant = new Map<string, number>();
    const startSeconds = start.getTime() / 1000;
    for (const series of body.data.result as Array<{
      metric: Record<string, string>;
      values: Array<[number, string]>;
    }>) {
      const tenant = series.metric.tenant;
      if (!tenant) continue;
      const increase = counterIncrease(
        series.values.map(([time, value]) => [time, Number(value)]),
        startSeconds,
      );
      byTenant.set(tenant, (byTenant.get(tenant) ?? 0) + Math.round(increase));
    }
    return byTenant;
  }
}
