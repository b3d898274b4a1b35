import {
  BillingDriftReport,
  BillingRunOutcome,
  INVOICE_STATUSES,
} from '@docuchat/backstage-plugin-docuchat-common';
import { Counter, Gauge, Registry } from 'prom-client';

/** Where the billing gauges read their state at scrape time. */
export interface BillingState {
  countByStatus(): Promise<Record<string, number>>;
  lastSuccessfulRunAt(): Promise<Date | undefined>;
  latestDrift(): Promise<BillingDriftReport | undefined>;
}

/** How long a scrape waits for billing's state before going on without it. */
export const SCRAPE_READ_TIMEOUT_MS = 2_000;

/**
 * Reads billing's state for a scrape, or undefined when the database fails
 * or takes longer than SCRAPE_READ_TIMEOUT_MS. A gauge that gets undefined
 * keeps what it read last: the scrape must not fail with the database, or
 * every counter on the page (the 5xx of the outage among them) goes dark
 * exactly while the alerts need it.
 */
async function readForScrape<T>(
  read: () => Promise<T>,
): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      read(),
      new Promise<undefined>(resolve => {
        timer = setTimeout(() => resolve(undefined), SCRAPE_READ_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Billing's metrics (names fixed by the monitoring alerts). The counters
 * count this replica's runs; the gauges describe billing's state and are
 * read from the database at scrape time, so every replica reports the
 * same values and a restart resets nothing. While the database is away
 * they keep their last values and the scrape still answers.
 */
export function registerBillingMetrics(
  registry: Registry,
  state: BillingState,
) {
  const registers = [registry];
  const runs = new Counter({
    name: 'docuchat_billing_runs_total',
    help: 'Billing runs on this replica, by outcome (succeeded, partial, failed).',
    labelNames: ['outcome'],
    registers,
  });
  const billedRials = new Counter({
    name: 'docuchat_billed_rials_total',
    help: 'Rials of usage and adjustment lines written to invoices by this replica (carried amounts counted once).',
    registers,
  });
  // eslint-disable-next-line no-new -- held by the registry (registers)
  new Gauge({
    name: 'docuchat_invoices',
    help: 'Invoices in the database, by status.',
    labelNames: ['status'],
    registers,
    async collect() {
      const counts = await readForScrape(() => state.countByStatus());
      if (!counts) return;
      for (const status of INVOICE_STATUSES) {
        this.set({ status }, counts[status] ?? 0);
      }
    },
  });
  // eslint-disable-next-line no-new -- held by the registry (registers)
  new Gauge({
    name: 'docuchat_billing_last_success_timestamp_seconds',
    help: 'When the last billing run that succeeded finished (0: never).',
    registers,
    async collect() {
      const read = await readForScrape(async () => ({
        at: await state.lastSuccessfulRunAt(),
      }));
      if (!read) return;
      this.set(read.at ? read.at.getTime() / 1000 : 0);
    },
  });
  // eslint-disable-next-line no-new -- held by the registry (registers)
  new Gauge({
    name: 'docuchat_billing_drift_tokens',
    help: 'Ledger tokens minus Prometheus tokens of the latest reconciled billing day, per tenant.',
    labelNames: ['tenant'],
    registers,
    async collect() {
      const read = await readForScrape(async () => ({
        report: await state.latestDrift(),
      }));
      if (!read) return;
      const { report } = read;
      this.reset();
      const latest = new Map<string, { day: string; drift: number }>();
      for (const entry of report?.entries ?? []) {
        const seen = latest.get(entry.tenantId);
        if (!seen || seen.day < entry.day) {
          latest.set(entry.tenantId, {
            day: entry.day,
            drift: entry.driftTokens,
          });
        }
      }
      for (const [tenant, { drift }] of latest) this.set({ tenant }, drift);
    },
  });
  return {
    countBillingRun(outcome: BillingRunOutcome) {
      runs.inc({ outcome });
    },
    countBilledRials(rials: number) {
      if (rials > 0) billedRials.inc(rials);
    },
  };
}
