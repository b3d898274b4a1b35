import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  BILLING_MAX_RUN_DAYS,
  BillingDriftReport,
  BillingRun,
} from '@docuchat/backstage-plugin-docuchat-common';
import { PaymentGateway } from '@docuchat/backstage-plugin-docuchat-node';
import { randomUUID } from 'node:crypto';
import { BillingRunStore } from '../database/BillingRunStore';
import { InvoiceStore } from '../database/InvoiceStore';
import { TenantStore } from '../database/TenantStore';
import { UsagePricing } from '../usage/UsagePricing';
import {
  billingDayOf,
  billingDayRange,
  billingDaysBetween,
  latestClosedDay,
  nextBillingDay,
} from '../usage/billingDays';
import { InvoiceIssuer, IssuedInvoices } from './InvoiceIssuer';
import { InvoiceNotifier } from './InvoiceNotifier';
import { PaymentService } from './PaymentService';

/** What a run needs from Prometheus: the drift of the billed days. */
export interface DriftReporter {
  report(days: string[]): Promise<BillingDriftReport>;
}

/** Counters a run updates (Prometheus). */
export interface BillingRunCounters {
  countBillingRun(outcome: BillingRun['outcome']): void;
  countBilledRials(rials: number): void;
}

export interface BillingRunnerOptions {
  invoices: InvoiceStore;
  runs: BillingRunStore;
  issuer: InvoiceIssuer;
  tenants: TenantStore;
  pricing: UsagePricing;
  gateway: PaymentGateway;
  payments: PaymentService;
  notifier: InvoiceNotifier;
  logger: LoggerService;
  timeZone: string;
  settleDelayMs: number;
  startDate?: string;
  expireAfterMs: number;
  drift?: DriftReporter;
  counters?: BillingRunCounters;
  now?: () => Date;
}

/**
 * One billing run: expire old unpaid invoices, re-issue voided periods,
 * bill each day in order (one transaction per day, see
 * InvoiceIssuer.billDay), then finish what earlier runs left: payment
 * links, verifications that timed out, emails. Every step after billing
 * picks its work from the database, so a run killed at any point is
 * finished by the next one without doing anything twice.
 */
export class BillingRunner {
  constructor(private readonly options: BillingRunnerOptions) {}

  private now() {
    return this.options.now?.() ?? new Date();
  }

  /** The days a scheduled run bills: every closed day not billed yet. */
  async dueDays(): Promise<string[]> {
    const { runs, timeZone, settleDelayMs } = this.options;
    const latest = latestClosedDay(this.now(), timeZone, settleDelayMs);
    const first =
      this.options.startDate ??
      billingDayOf(await runs.installedAt(), timeZone);
    const last = await runs.lastBilledDay();
    const from = last && last >= first ? nextBillingDay(last) : first;
    return from <= latest ? billingDaysBetween(from, latest) : [];
  }

  /** Checks a requested range: closed days only, at most 31 of them. */
  requireRunnableDays(from: string, to: string): string[] {
    const days = billingDaysBetween(from, to);
    if (days.length > BILLING_MAX_RUN_DAYS) {
      throw new InputError(
        `A run bills at most ${BILLING_MAX_RUN_DAYS} days; ${from}..${to} is ${days.length}`,
      );
    }
    const latest = latestClosedDay(
      this.now(),
      this.options.timeZone,
      this.options.settleDelayMs,
    );
    if (to > latest) {
      throw new InputError(
        `${to} cannot be billed yet: the latest closed billing day is ${latest} (a day closes at its end in ${this.options.timeZone} plus the settle delay)`,
      );
    }
    return days;
  }

  async run(request: {
    trigger: BillingRun['trigger'];
    days?: string[];
    requestedBy?: string;
    /** Filled with each step's milliseconds (benchmark). */
    timings?: Record<string, number>;
  }): Promise<BillingRun> {
    const timings = request.timings ?? {};
    const { invoices, runs, issuer, logger } = this.options;
    const days = request.days ?? (await this.dueDays());
    const id = randomUUID();
    const startedAt = this.now();
    const today = billingDayOf(startedAt, this.options.timeZone);
    await runs.startRun({
      id,
      trigger: request.trigger,
      requestedBy: request.requestedBy,
      from: days[0] ?? today,
      to: days[days.length - 1] ?? today,
      now: startedAt,
    });
    const errors: string[] = [];
    const totals = {
      daysBilled: 0,
      invoicesIssued: 0,
      invoicesCarried: 0,
      billedRials: 0,
    };
    const count = (issued: IssuedInvoices) => {
      for (const invoice of issued.invoices) {
        if (invoice.status === 'issued') totals.invoicesIssued++;
        else totals.invoicesCarried++;
      }
      totals.billedRials += issued.billedRials;
    };
    let failed = false;
    const billed: string[] = [];
    try {
      await invoices.expireUnpaid(
        new Date(this.now().getTime() - this.options.expireAfterMs),
        this.now(),
      );
      const common = {
        runId: id,
        pricing: this.options.pricing,
        minimumAmountRials: this.options.gateway.minimumAmountRials,
        settleDelayMs: this.options.settleDelayMs,
        timeZone: this.options.timeZone,
      };
      count(await issuer.reissueVoided({ ...common, now: this.now() }));
      for (const day of days) {
        const issued = await issuer.billDay({
          ...common,
          day,
          ...billingDayRange(day, this.options.timeZone),
          now: this.now(),
          timings,
        });
        if (issued.billed) {
          totals.daysBilled++;
          billed.push(day);
        }
        count(issued);
        await this.options.notifier.issued(issued.invoices);
      }
    } catch (error) {
      failed = true;
      errors.push(`billing: ${(error as Error).message}`);
      logger.error(`Billing run ${id} failed`, error as Error);
    }
    // Links and emails of this run's invoices and of any earlier run's.
    const payments = await this.options.payments.finishPending(errors, timings);
    let drift: BillingDriftReport | undefined;
    if (this.options.drift && billed.length > 0) {
      // Never billed from: with Prometheus down the report says so and
      // the run still succeeds on the ledger alone.
      drift = await this.options.drift.report(billed);
    }
    let outcome: BillingRun['outcome'] = 'succeeded';
    if (failed) outcome = 'failed';
    else if (errors.length > 0) outcome = 'partial';
    const result = {
      outcome,
      finishedAt: this.now().toISOString(),
      ...totals,
      linksCreated: payments.linksCreated,
      emailsSent: payments.emailsSent,
      errors,
      drift,
    };
    await runs.finishRun(id, result);
    this.options.counters?.countBillingRun(outcome);
    this.options.counters?.countBilledRials(totals.billedRials);
    logger.info(
      `Billing run ${id} ${outcome}: ${totals.daysBilled} days, ${totals.invoicesIssued} invoices issued, ${totals.invoicesCarried} carried, ${totals.billedRials} Rials, ${payments.linksCreated} links, ${payments.emailsSent} emails`,
    );
    return (await runs.getRun(id))!;
  }
}
