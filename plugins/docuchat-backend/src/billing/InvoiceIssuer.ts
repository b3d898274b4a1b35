import {
  InvoiceLine,
  InvoiceStatus,
} from '@docuchat/backstage-plugin-docuchat-common';
import { randomUUID } from 'node:crypto';
import { BillingRunStore } from '../database/BillingRunStore';
import { InvoiceStore, NewInvoice } from '../database/InvoiceStore';
import { StoreTransaction } from '../database/StoreTransaction';
import { billingDayOf, billingDayRange } from '../usage/billingDays';
import { UsageLedger } from '../usage/UsageLedger';
import { UsagePricing } from '../usage/UsagePricing';
import { carriedLine, unbilledLines, usageLine } from './invoiceLines';

/** What billing one day (or re-issuing void periods) wrote. */
export interface IssuedInvoices {
  /** False when the day was billed before: nothing was written. */
  billed: boolean;
  invoices: Array<{
    id: string;
    tenantId: string;
    status: InvoiceStatus;
    amountRials: number;
  }>;
  /** New usage and adjustment amounts (carried amounts not counted again). */
  billedRials: number;
}

/** The rules every issue follows. */
export interface IssueOptions {
  runId: string;
  pricing: UsagePricing;
  /** Below it an invoice is `carried` into the next instead of issued. */
  minimumAmountRials: number;
  /** Late rows are looked for among rows settled since the last check minus this. */
  settleDelayMs: number;
  timeZone: string;
  now: Date;
}

/** How one day is billed: its range in the billing timezone, the rules. */
export interface BillDayOptions extends IssueOptions {
  day: string;
  start: Date;
  end: Date;
  /** Filled with the milliseconds of `aggregate` and `write` (benchmark). */
  timings?: Record<string, number>;
}

const NOTHING: IssuedInvoices = { billed: false, invoices: [], billedRials: 0 };

/**
 * Turns the usage ledger into invoices. Each call is one transaction under
 * the billing lock (InvoiceStore.inBillingTransaction): the ledger is read,
 * lines are priced, invoices and the billed day are written together, so a
 * day is billed once however many backends try, and a run killed halfway
 * wrote all of a day or nothing.
 */
export class InvoiceIssuer {
  constructor(
    private readonly stores: {
      ledger: UsageLedger;
      invoices: InvoiceStore;
      runs: BillingRunStore;
    },
  ) {}

  /** Bills one day: its usage, plus usage of billed days that settled late. */
  async billDay(options: BillDayOptions): Promise<IssuedInvoices> {
    const { ledger, invoices, runs } = this.stores;
    return invoices.inBillingTransaction(async tx => {
      if (await runs.isBilled(options.day, tx)) return NOTHING;
      const started = performance.now();
      const usage = await ledger.settledSums(
        { from: options.start, to: options.end, billableOnly: true },
        tx,
      );
      const late = await this.lateLines(tx, options);
      const aggregated = performance.now();
      const linesByTenant = new Map<string, InvoiceLine[]>();
      const add = (tenantId: string, line: InvoiceLine) => {
        const lines = linesByTenant.get(tenantId) ?? [];
        lines.push(line);
        linesByTenant.set(tenantId, lines);
      };
      for (const sums of usage) {
        add(sums.tenantId, usageLine(options.day, sums, options.pricing));
      }
      for (const { tenantId, line } of late) add(tenantId, line);

      const result = await this.issue(tx, options.day, linesByTenant, options);
      await runs.markBilled(tx, {
        day: options.day,
        runId: options.runId,
        now: options.now,
      });
      if (options.timings) {
        options.timings.aggregate = aggregated - started;
        options.timings.write = performance.now() - aggregated;
      }
      return { ...result, billed: true };
    });
  }

  /** Issues a new invoice for each period whose invoice was voided. */
  async reissueVoided(options: IssueOptions): Promise<IssuedInvoices> {
    const { invoices } = this.stores;
    return invoices.inBillingTransaction(async tx => {
      let total = NOTHING;
      for (const { tenantId, period } of await invoices.voidedPeriods(tx)) {
        // The void invoice's days: its period and those of its adjustments.
        const days = await invoices.voidedUsageDays(tx, tenantId, period);
        const lines: InvoiceLine[] = [];
        for (const day of new Set([period, ...days])) {
          lines.push(...(await this.unbilled(tx, tenantId, day, options)));
        }
        const written = await this.issue(
          tx,
          period,
          new Map([[tenantId, lines]]),
          options,
        );
        total = {
          billed: total.billed || written.invoices.length > 0,
          invoices: [...total.invoices, ...written.invoices],
          billedRials: total.billedRials + written.billedRials,
        };
      }
      return total;
    });
  }

  /**
   * Adjustment lines for usage that settled after its day was billed. Only
   * (tenant, day) pairs with a row settled since the last check (minus the
   * settle delay: a settle's timestamp is taken before it commits) are
   * looked at; for those the ledger's sum is compared with the billed sum,
   * so whatever the candidates, a token is billed at most once.
   */
  private async lateLines(tx: StoreTransaction, options: BillDayOptions) {
    const { ledger, runs } = this.stores;
    const last = await runs.lastBilledAt(tx);
    if (!last) return [];
    const candidates = await ledger.lateArrivals(
      {
        settledSince: new Date(last.getTime() - options.settleDelayMs),
        occurredBefore: options.start,
      },
      tx,
    );
    const pairs = new Map<string, { tenantId: string; day: string }>();
    for (const { tenantId, occurredAt } of candidates) {
      const day = billingDayOf(occurredAt, options.timeZone);
      pairs.set(`${tenantId}\u0000${day}`, { tenantId, day });
    }
    const billed = await runs.billedAmong(tx, [
      ...new Set([...pairs.values()].map(pair => pair.day)),
    ]);
    const late: Array<{ tenantId: string; line: InvoiceLine }> = [];
    for (const { tenantId, day } of pairs.values()) {
      if (!billed.has(day)) continue; // its own billing will count it
      for (const line of await this.unbilled(tx, tenantId, day, options)) {
        late.push({ tenantId, line: { ...line, kind: 'adjustment' } });
      }
    }
    return late;
  }

  /** What the ledger holds of a tenant's day that no live invoice billed. */
  private async unbilled(
    tx: StoreTransaction,
    tenantId: string,
    day: string,
    options: IssueOptions,
  ): Promise<InvoiceLine[]> {
    const { start, end } = billingDayRange(day, options.timeZone);
    const current = await this.stores.ledger.settledSums(
      { from: start, to: end, tenantId, billableOnly: true },
      tx,
    );
    const billed = await this.stores.invoices.billedLines(tx, tenantId, day);
    return unbilledLines(day, current, billed, options.pricing);
  }

  /**
   * One invoice per tenant with lines: its usage and adjustment lines plus
   * a carried line for each earlier carried or expired invoice not carried
   * yet. Below the gateway minimum the invoice is itself `carried`.
   */
  private async issue(
    tx: StoreTransaction,
    period: string,
    linesByTenant: Map<string, InvoiceLine[]>,
    options: IssueOptions,
  ): Promise<Omit<IssuedInvoices, 'billed'>> {
    const tenants = [...linesByTenant.keys()].filter(tenantId =>
      linesByTenant.get(tenantId)!.some(line => line.amountRials > 0),
    );
    if (tenants.length === 0) return { invoices: [], billedRials: 0 };
    const carried = new Map<string, InvoiceLine[]>();
    for (const source of await this.stores.invoices.uncarried(tx, tenants)) {
      const lines = carried.get(source.tenantId) ?? [];
      lines.push(carriedLine(source));
      carried.set(source.tenantId, lines);
    }
    const written: NewInvoice[] = [];
    let billedRials = 0;
    for (const tenantId of tenants) {
      const lines = [
        ...linesByTenant.get(tenantId)!,
        ...(carried.get(tenantId) ?? []),
      ];
      const amountRials = lines.reduce(
        (sum, line) => sum + line.amountRials,
        0,
      );
      for (const line of lines) {
        if (line.kind !== 'carried') billedRials += line.amountRials;
      }
      written.push({
        id: randomUUID(),
        tenantId,
        period,
        status: amountRials < options.minimumAmountRials ? 'carried' : 'issued',
        amountRials,
        runId: options.runId,
        createdAt: options.now,
        lines,
      });
    }
    await this.stores.invoices.insert(tx, written);
    return {
      invoices: written.map(({ id, tenantId, status, amountRials }) => ({
        id,
        tenantId,
        status,
        amountRials,
      })),
      billedRials,
    };
  }
}
