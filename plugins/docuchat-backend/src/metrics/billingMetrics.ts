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

/**
 * Billing's metrics (names fixed by the monitoring alerts). The counters
 * count this replica's runs; the gauges describe billing's state and are
 * read from the database at scrape time, so every replica reports the
 * same values and a restart resets nothing.
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
      const counts = await state.countByStatus();
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
      const at = await state.lastSuccessfulRunAt();
      this.set(at ? at.getTime() / 1000 : 0);
    },
  });
  // eslint-disable-next-line no-new -- held by the registry (registers)
  new Gauge({
    name: 'docuchat_billing_drift_tokens',
    help: 'Ledger tokens minus Prometheus tokens of the latest reconciled billing day, per tenant.',
    labelNames: ['tenant'],
    registers,
    async collect() {
      this.reset();
      const report = await state.latestDrift();
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
