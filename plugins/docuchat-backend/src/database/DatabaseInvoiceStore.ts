import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  BillingDriftReport,
  BillingRun,
  Invoice,
  InvoiceLine,
  InvoiceStatus,
} from '@docuchat/backstage-plugin-docuchat-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { billingDayOf, billingDayRange } from '../usage/billingDays';
import { costAtPrice, UsagePricing } from '../usage/UsagePricing';
import { Dialect, dialectOf, fromDbTime, toDbTime } from './dialect';
import {
  BillDayOptions,
  InvoiceQuery,
  InvoiceStore,
  InvoiceWork,
  IssuedInvoices,
  PaidDetails,
} from './InvoiceStore';

const INVOICES = 'docuchat_invoices';
const LINES = 'docuchat_invoice_lines';
const DAYS = 'docuchat_billing_days';
const RUNS = 'docuchat_billing_runs';
const USAGE = 'docuchat_usage';
/** pg_advisory_xact_lock key of billing ("DCBILL" in ASCII). */
const BILLING_LOCK = 0x4443_4249_4c4c;
/** Invoices an operator may void, or that a payment can still settle. */
const PAYABLE: InvoiceStatus[] = ['issued', 'failed'];

type LineDraft = Omit<InvoiceLine, 'sourceInvoiceId'> & {
  sourceInvoiceId?: string;
};

interface ModelSums {
  model: string;
  promptTokens: number;
  completionTokens: number;
}

const toNumber = (value: unknown) => Number(value ?? 0);
const optionalTime = (value: any) =>
  value === null || value === undefined ? undefined : fromDbTime(value);

function toLine(row: any): InvoiceLine {
  return {
    kind: row.kind,
    usageDay: row.usage_day ?? undefined,
    model: row.model ?? undefined,
    promptTokens: toNumber(row.prompt_tokens),
    completionTokens: toNumber(row.completion_tokens),
    promptRialsPer1kTokens: toNumber(row.prompt_rials_per_1k),
    completionRialsPer1kTokens: toNumber(row.completion_rials_per_1k),
    amountRials: toNumber(row.amount_rials),
    sourceInvoiceId: row.source_invoice_id ?? undefined,
  };
}

function paymentOf(row: any): Invoice['payment'] {
  const base = {
    url: row.payment_url ?? undefined,
    trackId: row.track_id ?? undefined,
    linkCreatedAt: optionalTime(row.link_created_at),
    error: row.payment_error ?? undefined,
  };
  if (row.status === 'paid') {
    return {
      ...base,
      state: 'paid',
      paidAt: optionalTime(row.paid_at),
      refNumber: row.ref_number ?? undefined,
      cardNumber: row.card_number ?? undefined,
    };
  }
  if (row.status === 'failed') return { ...base, state: 'failed' };
  return { ...base, state: row.track_id ? 'link' : 'pending' };
}

function toInvoice(row: any): Invoice {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    period: row.period,
    status: row.status,
    amountRials: toNumber(row.amount_rials),
    createdAt: fromDbTime(row.created_at),
    carriedInto: row.carried_into ?? undefined,
    payment: paymentOf(row),
    email: {
      sentAt: optionalTime(row.email_sent_at),
      attempts: toNumber(row.email_attempts),
      error: row.email_error ?? undefined,
    },
    void: row.voided_at
      ? {
          reason: row.void_reason,
          by: row.voided_by,
          at: fromDbTime(row.voided_at),
        }
      : undefined,
  };
}

function toRun(row: any): BillingRun {
  return {
    id: row.id,
    trigger: row.trigger,
    requestedBy: row.requested_by ?? undefined,
    from: row.from_day,
    to: row.to_day,
    outcome: row.outcome,
    startedAt: fromDbTime(row.started_at),
    finishedAt: optionalTime(row.finished_at),
    daysBilled: toNumber(row.days_billed),
    invoicesIssued: toNumber(row.invoices_issued),
    invoicesCarried: toNumber(row.invoices_carried),
    billedRials: toNumber(row.billed_rials),
    linksCreated: toNumber(row.links_created),
    emailsSent: toNumber(row.emails_sent),
    errors: JSON.parse(row.errors ?? '[]'),
    drift: row.drift ? JSON.parse(row.drift) : undefined,
  };
}

/**
 * Invoices in the plugin's database. The money-deciding writes (`billDay`,
 * `reissueVoided`) run in one transaction each, under the billing lock:
 * `pg_advisory_xact_lock` on PostgreSQL, so two backends billing the same
 * day at once take turns and the second finds the day billed; on SQLite the
 * one connection already runs transactions one at a time.
 */
export class DatabaseInvoiceStore implements InvoiceStore {
  private readonly dialect: Dialect;

  constructor(private readonly db: Knex) {
    this.dialect = dialectOf(db, 'The invoice store');
  }

  private time(date: Date) {
    return toDbTime(this.dialect, date);
  }

  private async lock(trx: Knex.Transaction) {
    if (this.dialect === 'pg') {
      await trx.raw('select pg_advisory_xact_lock(?)', [BILLING_LOCK]);
    }
  }

  async installedAt(): Promise<Date> {
    const row = await this.db('docuchat_billing_state')
      .where({ id: 1 })
      .first();
    return new Date(fromDbTime(row.installed_at));
  }

  async lastBilledDay(): Promise<string | undefined> {
    const row = await this.db(DAYS).max({ day: 'day' }).first();
    return row?.day ?? undefined;
  }

  async isBilled(day: string): Promise<boolean> {
    return Boolean(await this.db(DAYS).where({ day }).first());
  }

  async billDay(options: BillDayOptions): Promise<IssuedInvoices> {
    return this.db.transaction(async trx => {
      await this.lock(trx);
      if (await trx(DAYS).where({ day: options.day }).first()) {
        return { billed: false, invoices: [], billedRials: 0 };
      }
      const started = performance.now();
      const usage = await this.usageSums(trx, {
        from: options.start,
        to: options.end,
      });
      const late = await this.lateUsage(trx, options);
      const aggregated = performance.now();
      const linesByTenant = new Map<string, LineDraft[]>();
      const add = (tenantId: string, line: LineDraft) => {
        const lines = linesByTenant.get(tenantId) ?? [];
        lines.push(line);
        linesByTenant.set(tenantId, lines);
      };
      for (const row of usage) {
        const price = options.pricing.priceOf(row.model);
        add(row.tenantId, {
          kind: 'usage',
          usageDay: options.day,
          model: row.model,
          promptTokens: row.promptTokens,
          completionTokens: row.completionTokens,
          promptRialsPer1kTokens: price.promptRialsPer1kTokens,
          completionRialsPer1kTokens: price.completionRialsPer1kTokens,
          amountRials: options.pricing.costRials(row),
        });
      }
      for (const { tenantId, line } of late) add(tenantId, line);

      const result = await this.writeInvoices(
        trx,
        options.day,
        linesByTenant,
        options,
      );
      await trx(DAYS).insert({
        day: options.day,
        run_id: options.runId,
        billed_at: this.time(options.now),
      });
      if (options.timings) {
        options.timings.aggregate = aggregated - started;
        options.timings.write = performance.now() - aggregated;
      }
      return { ...result, billed: true };
    });
  }

  async reissueVoided(
    options: Omit<BillDayOptions, 'day' | 'start' | 'end'>,
  ): Promise<IssuedInvoices> {
    return this.db.transaction(async trx => {
      await this.lock(trx);
      const voided: Array<{ tenant_id: string; period: string }> = await trx(
        `${INVOICES} as v`,
      )
        .distinct('v.tenant_id', 'v.period')
        .where('v.status', 'void')
        .whereNotExists(
          trx(`${INVOICES} as live`)
            .select(trx.raw('1'))
            .whereRaw('live.tenant_id = v.tenant_id')
            .whereRaw('live.period = v.period')
            .whereNot('live.status', 'void'),
        );
      let total: IssuedInvoices = {
        billed: false,
        invoices: [],
        billedRials: 0,
      };
      for (const { tenant_id: tenantId, period } of voided) {
        // The void invoice's days: its period and those of its adjustments.
        const days = (
          await trx(`${LINES} as l`)
            .join(`${INVOICES} as i`, 'i.id', 'l.invoice_id')
            .distinct('l.usage_day')
            .where({ 'i.tenant_id': tenantId, 'i.period': period })
            .where('i.status', 'void')
            .whereNotNull('l.usage_day')
        ).map((row: any) => row.usage_day as string);
        const lines: LineDraft[] = [];
        for (const day of new Set([period, ...days])) {
          lines.push(
            ...(await this.unbilledLines(trx, tenantId, day, options)),
          );
        }
        const written = await this.writeInvoices(
          trx,
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

  /** Settled, billable sums per tenant and model of a time range. */
  private async usageSums(
    trx: Knex.Transaction,
    range: { from: Date; to: Date; tenantId?: string },
  ): Promise<Array<ModelSums & { tenantId: string }>> {
    const query = trx(USAGE)
      .select('tenant_id', 'model')
      .sum({ prompt_tokens: 'prompt_tokens' })
      .sum({ completion_tokens: 'completion_tokens' })
      .where('status', 'settled')
      .where('billable', true)
      .where('occurred_at', '>=', this.time(range.from))
      .where('occurred_at', '<', this.time(range.to))
      .groupBy('tenant_id', 'model')
      .orderBy(['tenant_id', 'model']);
    if (range.tenantId) query.where('tenant_id', range.tenantId);
    return (await query).map((row: any) => ({
      tenantId: row.tenant_id,
      model: row.model,
      promptTokens: toNumber(row.prompt_tokens),
      completionTokens: toNumber(row.completion_tokens),
    }));
  }

  /**
   * Adjustment lines for usage that settled after its day was billed. Only
   * (tenant, day) pairs with a row settled since the last check (minus the
   * settle delay: a settle's timestamp is taken before it commits) are
   * looked at; for those the ledger's sum is compared with the billed sum,
   * so whatever the candidates, a token is billed at most once.
   */
  private async lateUsage(trx: Knex.Transaction, options: BillDayOptions) {
    const last = await trx(DAYS).max({ at: 'billed_at' }).first();
    if (!last?.at) return [];
    const since = new Date(
      Date.parse(fromDbTime(last.at)) - options.settleDelayMs,
    );
    const candidates = await trx(USAGE)
      .distinct('tenant_id', 'occurred_at')
      .where('status', 'settled')
      .where('billable', true)
      .where('settled_at', '>=', this.time(since))
      .where('occurred_at', '<', this.time(options.start));
    const billedDays = new Set<string>();
    const pairs = new Map<string, { tenantId: string; day: string }>();
    for (const row of candidates) {
      const day = billingDayOf(
        new Date(fromDbTime(row.occurred_at)),
        options.timeZone,
      );
      pairs.set(`${row.tenant_id}\u0000${day}`, {
        tenantId: row.tenant_id,
        day,
      });
      billedDays.add(day);
    }
    const billed = new Set(
      (
        await trx(DAYS)
          .whereIn('day', [...billedDays])
          .select('day')
      ).map((row: any) => row.day as string),
    );
    const late: Array<{ tenantId: string; line: LineDraft }> = [];
    for (const { tenantId, day } of pairs.values()) {
      if (!billed.has(day)) continue; // its own billing will count it
      for (const line of await this.unbilledLines(
        trx,
        tenantId,
        day,
        options,
      )) {
        late.push({ tenantId, line: { ...line, kind: 'adjustment' } });
      }
    }
    return late;
  }

  /**
   * The ledger's sums of (tenant, day) minus what live invoices billed of
   * them, per model, priced at the price frozen on the earlier lines (so
   * adjustment plus earlier lines equal the whole day's cost, rounding
   * included).
   */
  private async unbilledLines(
    trx: Knex.Transaction,
    tenantId: string,
    day: string,
    options: { pricing: UsagePricing; timeZone: string },
  ): Promise<LineDraft[]> {
    const { start, end } = billingDayRange(day, options.timeZone);
    const current = await this.usageSums(trx, {
      from: start,
      to: end,
      tenantId,
    });
    const billedRows = await trx(`${LINES} as l`)
      .join(`${INVOICES} as i`, 'i.id', 'l.invoice_id')
      .select('l.model', 'l.prompt_rials_per_1k', 'l.completion_rials_per_1k')
      .sum({ prompt_tokens: 'l.prompt_tokens' })
      .sum({ completion_tokens: 'l.completion_tokens' })
      .sum({ amount_rials: 'l.amount_rials' })
      .where({ 'l.tenant_id': tenantId, 'l.usage_day': day })
      .whereIn('l.kind', ['usage', 'adjustment'])
      .whereNot('i.status', 'void')
      .groupBy('l.model', 'l.prompt_rials_per_1k', 'l.completion_rials_per_1k');
    const lines: LineDraft[] = [];
    for (const sums of current) {
      const billed = billedRows.filter((row: any) => row.model === sums.model);
      const billedPrompt = billed.reduce(
        (s, r: any) => s + toNumber(r.prompt_tokens),
        0,
      );
      const billedCompletion = billed.reduce(
        (s, r: any) => s + toNumber(r.completion_tokens),
        0,
      );
      const billedRials = billed.reduce(
        (s, r: any) => s + toNumber(r.amount_rials),
        0,
      );
      const promptTokens = sums.promptTokens - billedPrompt;
      const completionTokens = sums.completionTokens - billedCompletion;
      if (promptTokens <= 0 && completionTokens <= 0) continue;
      const frozen = billed[0] as any;
      const price = frozen
        ? {
            promptRialsPer1kTokens: toNumber(frozen.prompt_rials_per_1k),
            completionRialsPer1kTokens: toNumber(
              frozen.completion_rials_per_1k,
            ),
          }
        : options.pricing.priceOf(sums.model);
      const amount = frozen
        ? costAtPrice(price, sums) - billedRials
        : costAtPrice(price, sums);
      lines.push({
        kind: 'usage',
        usageDay: day,
        model: sums.model,
        promptTokens: Math.max(promptTokens, 0),
        completionTokens: Math.max(completionTokens, 0),
        ...price,
        amountRials: Math.max(amount, 0),
      });
    }
    return lines;
  }

  /**
   * One invoice per tenant with lines: its usage and adjustment lines plus
   * a carried line for each earlier carried or expired invoice not carried
   * yet. Below the gateway minimum the invoice is itself `carried`.
   */
  private async writeInvoices(
    trx: Knex.Transaction,
    period: string,
    linesByTenant: Map<string, LineDraft[]>,
    options: { runId: string; minimumAmountRials: number; now: Date },
  ): Promise<Omit<IssuedInvoices, 'billed'>> {
    const tenants = [...linesByTenant.keys()].filter(tenantId =>
      linesByTenant.get(tenantId)!.some(line => line.amountRials > 0),
    );
    if (tenants.length === 0) return { invoices: [], billedRials: 0 };
    const carriedByTenant = new Map<
      string,
      Array<{ id: string; amount: number }>
    >();
    for (const batch of chunks(tenants, 500)) {
      const rows = await trx(INVOICES)
        .select('id', 'tenant_id', 'amount_rials')
        .whereIn('tenant_id', batch)
        .whereIn('status', ['carried', 'expired'])
        .whereNull('carried_into')
        .orderBy('created_at');
      for (const row of rows) {
        const list = carriedByTenant.get(row.tenant_id) ?? [];
        list.push({ id: row.id, amount: toNumber(row.amount_rials) });
        carriedByTenant.set(row.tenant_id, list);
      }
    }
    const invoiceRows: any[] = [];
    const lineRows: any[] = [];
    const carriedUpdates: Array<{ from: string; into: string }> = [];
    const invoices: IssuedInvoices['invoices'] = [];
    let billedRials = 0;
    for (const tenantId of tenants) {
      const id = randomUUID();
      const lines: LineDraft[] = [...linesByTenant.get(tenantId)!];
      for (const source of carriedByTenant.get(tenantId) ?? []) {
        lines.push({
          kind: 'carried',
          promptTokens: 0,
          completionTokens: 0,
          promptRialsPer1kTokens: 0,
          completionRialsPer1kTokens: 0,
          amountRials: source.amount,
          sourceInvoiceId: source.id,
        });
        carriedUpdates.push({ from: source.id, into: id });
      }
      const amount = lines.reduce((sum, line) => sum + line.amountRials, 0);
      const status: InvoiceStatus =
        amount < options.minimumAmountRials ? 'carried' : 'issued';
      invoiceRows.push({
        id,
        tenant_id: tenantId,
        period,
        status,
        amount_rials: amount,
        run_id: options.runId,
        created_at: this.time(options.now),
      });
      for (const line of lines) {
        lineRows.push({
          invoice_id: id,
          tenant_id: tenantId,
          kind: line.kind,
          usage_day: line.usageDay ?? null,
          model: line.model ?? null,
          prompt_tokens: line.promptTokens,
          completion_tokens: line.completionTokens,
          prompt_rials_per_1k: line.promptRialsPer1kTokens,
          completion_rials_per_1k: line.completionRialsPer1kTokens,
          amount_rials: line.amountRials,
          source_invoice_id: line.sourceInvoiceId ?? null,
        });
        if (line.kind !== 'carried') billedRials += line.amountRials;
      }
      invoices.push({ id, tenantId, status, amountRials: amount });
    }
    // Multi-row inserts: one statement per few hundred rows, not per row.
    await trx.batchInsert(INVOICES, invoiceRows, 500).transacting(trx);
    await trx.batchInsert(LINES, lineRows, 500).transacting(trx);
    for (const update of carriedUpdates) {
      await trx(INVOICES)
        .where({ id: update.from })
        .whereNull('carried_into')
        .update({ carried_into: update.into });
    }
    return { invoices, billedRials };
  }

  async expireUnpaid(before: Date, now: Date): Promise<number> {
    return this.db(INVOICES)
      .whereIn('status', PAYABLE)
      .where('created_at', '<', this.time(before))
      .update({ status: 'expired', expired_at: this.time(now) });
  }

  private async work(rows: any[]): Promise<InvoiceWork[]> {
    if (rows.length === 0) return [];
    const lines = await this.linesOf(rows.map(row => row.id));
    return rows.map(row => ({
      id: row.id,
      tenantId: row.tenant_id,
      period: row.period,
      amountRials: toNumber(row.amount_rials),
      trackId: row.track_id ?? undefined,
      paymentUrl: row.payment_url ?? undefined,
      lines: lines.get(row.id) ?? [],
    }));
  }

  private async linesOf(ids: string[]) {
    const byInvoice = new Map<string, InvoiceLine[]>();
    for (const batch of chunks(ids, 500)) {
      const rows = await this.db(LINES)
        .whereIn('invoice_id', batch)
        .orderBy('id');
      for (const row of rows) {
        const list = byInvoice.get(row.invoice_id) ?? [];
        list.push(toLine(row));
        byInvoice.set(row.invoice_id, list);
      }
    }
    return byInvoice;
  }

  async claimForLinks(options: {
    now: Date;
    linkTtlMs: number;
    leaseMs: number;
    invoiceId?: string;
    limit?: number;
  }): Promise<InvoiceWork[]> {
    const stale = this.time(
      new Date(options.now.getTime() - options.linkTtlMs),
    );
    const now = this.time(options.now);
    const needsLink = (query: Knex.QueryBuilder) =>
      query
        .where(q =>
          q
            .where('status', 'failed')
            .orWhere(issued =>
              issued
                .where('status', 'issued')
                .where(link =>
                  link
                    .whereNull('track_id')
                    .orWhere('link_created_at', '<', stale),
                ),
            ),
        )
        .where(claim =>
          claim
            .whereNull('payment_claimed_until')
            .orWhere('payment_claimed_until', '<', now),
        );
    const query = needsLink(this.db(INVOICES).select('id'))
      .orderBy('created_at')
      .limit(options.limit ?? 10_000);
    if (options.invoiceId) query.where('id', options.invoiceId);
    const ids = (await query).map((row: any) => row.id as string);
    const claimedUntil = this.time(
      new Date(options.now.getTime() + options.leaseMs),
    );
    const claimed: string[] = [];
    for (const batch of chunks(ids, 500)) {
      // The same conditions again: of two backends only one claims a row.
      const updated = await needsLink(
        this.db(INVOICES).whereIn('id', batch as any),
      )
        .update({ payment_claimed_until: claimedUntil })
        .returning('id');
      claimed.push(...updated.map((row: any) => row.id ?? row));
    }
    if (claimed.length === 0) return [];
    const rows: any[] = [];
    for (const batch of chunks(claimed, 500)) {
      rows.push(
        ...(await this.db(INVOICES).whereIn('id', batch).orderBy('created_at')),
      );
    }
    return this.work(rows);
  }

  async recordLink(
    id: string,
    link: { trackId: string; url: string },
    now: Date,
  ) {
    await this.db(INVOICES)
      .where({ id })
      .whereIn('status', PAYABLE)
      .update({
        status: 'issued',
        track_id: link.trackId,
        payment_url: link.url,
        link_created_at: this.time(now),
        payment_error: null,
        payment_claimed_until: null,
      });
  }

  async recordLinkFailure(id: string, error: string) {
    await this.db(INVOICES)
      .where({ id })
      .update({
        payment_error: error.slice(0, 2000),
        payment_claimed_until: null,
      });
  }

  async claimForEmail(options: { now: Date; leaseMs: number; limit?: number }) {
    const now = this.time(options.now);
    const ready = (query: Knex.QueryBuilder) =>
      query
        .where('status', 'issued')
        .whereNotNull('track_id')
        .whereNull('email_sent_at')
        .where(claim =>
          claim
            .whereNull('email_claimed_until')
            .orWhere('email_claimed_until', '<', now),
        );
    const ids = (
      await ready(this.db(INVOICES).select('id'))
        .orderBy('created_at')
        .limit(options.limit ?? 10_000)
    ).map((row: any) => row.id as string);
    const until = this.time(new Date(options.now.getTime() + options.leaseMs));
    const claimed: string[] = [];
    for (const batch of chunks(ids, 500)) {
      const updated = await ready(this.db(INVOICES).whereIn('id', batch as any))
        .update({ email_claimed_until: until })
        .returning('id');
      claimed.push(...updated.map((row: any) => row.id ?? row));
    }
    const rows: any[] = [];
    for (const batch of chunks(claimed, 500)) {
      rows.push(
        ...(await this.db(INVOICES).whereIn('id', batch).orderBy('created_at')),
      );
    }
    return this.work(rows);
  }

  async recordEmailSent(id: string, now: Date) {
    await this.db(INVOICES)
      .where({ id })
      .update({
        email_sent_at: this.time(now),
        email_error: null,
        email_claimed_until: null,
        email_attempts: this.db.raw('email_attempts + 1'),
      });
  }

  async recordEmailFailure(id: string, error: string) {
    await this.db(INVOICES)
      .where({ id })
      .update({
        email_error: error.slice(0, 2000),
        email_claimed_until: null,
        email_attempts: this.db.raw('email_attempts + 1'),
      });
  }

  async claimVerification(id: string, now: Date, leaseMs: number) {
    const updated = await this.db(INVOICES)
      .where({ id })
      .where(claim =>
        claim
          .whereNull('payment_claimed_until')
          .orWhere('payment_claimed_until', '<', this.time(now)),
      )
      .update({
        payment_claimed_until: this.time(new Date(now.getTime() + leaseMs)),
      });
    return updated > 0;
  }

  async releaseVerification(id: string, error?: string) {
    await this.db(INVOICES)
      .where({ id })
      .update({
        payment_claimed_until: null,
        ...(error !== undefined ? { payment_error: error.slice(0, 2000) } : {}),
      });
  }

  async markPaid(id: string, details: PaidDetails) {
    const updated = await this.db(INVOICES)
      .where({ id, track_id: details.trackId })
      .whereIn('status', PAYABLE)
      .update({
        status: 'paid',
        paid_at: this.time(details.paidAt),
        ref_number: details.refNumber ?? null,
        card_number: details.cardNumber ?? null,
        payment_error: null,
        payment_claimed_until: null,
      });
    return updated > 0;
  }

  async markPaymentFailed(id: string, trackId: string, reason: string) {
    const updated = await this.db(INVOICES)
      .where({ id, track_id: trackId })
      .whereIn('status', PAYABLE)
      .update({ status: 'failed', payment_error: reason.slice(0, 2000) });
    return updated > 0;
  }

  async unverifiedPayments() {
    return (
      await this.db(INVOICES)
        .select('id', 'track_id')
        .where('status', 'issued')
        .whereNotNull('track_id')
        .where('payment_error', 'like', 'verify%')
    ).map((row: any) => ({ id: row.id, trackId: row.track_id }));
  }

  async get(id: string): Promise<Invoice | undefined> {
    const row = await this.db(INVOICES).where({ id }).first();
    if (!row) return undefined;
    const lines = await this.linesOf([id]);
    return { ...toInvoice(row), lines: lines.get(id) ?? [] };
  }

  async findByTrackId(trackId: string) {
    const row = await this.db(INVOICES).where({ track_id: trackId }).first();
    return row ? toInvoice(row) : undefined;
  }

  async listForTenant(
    tenantId: string,
    page: { limit: number; offset: number },
  ) {
    const rows = await this.db(INVOICES)
      .where({ tenant_id: tenantId })
      .orderBy([
        { column: 'period', order: 'desc' },
        { column: 'created_at', order: 'desc' },
      ])
      .limit(page.limit)
      .offset(page.offset);
    // With their lines: the invoices card shows each invoice's tokens.
    const lines = await this.linesOf(rows.map((row: any) => row.id));
    return rows.map((row: any) => ({
      ...toInvoice(row),
      lines: lines.get(row.id) ?? [],
    }));
  }

  async query(query: InvoiceQuery) {
    const filtered = () => {
      const q = this.db(INVOICES);
      if (query.tenantId) q.where('tenant_id', query.tenantId);
      if (query.status) q.where('status', query.status);
      if (query.from) q.where('period', '>=', query.from);
      if (query.to) q.where('period', '<=', query.to);
      return q;
    };
    const rows = await filtered()
      .orderBy([
        { column: 'period', order: 'desc' },
        { column: 'tenant_id', order: 'asc' },
      ])
      .limit(query.limit)
      .offset(query.offset);
    const sums = await filtered()
      .select('status')
      .count({ count: '*' })
      .sum({ amount: 'amount_rials' })
      .groupBy('status');
    const byStatus: Record<string, { count: number; amountRials: number }> = {};
    let count = 0;
    let amountRials = 0;
    for (const row of sums as any[]) {
      byStatus[row.status] = {
        count: toNumber(row.count),
        amountRials: toNumber(row.amount),
      };
      count += toNumber(row.count);
      amountRials += toNumber(row.amount);
    }
    return {
      items: rows.map(toInvoice),
      totals: { count, amountRials, byStatus },
    };
  }

  async voidInvoice(id: string, reason: string, by: string, now: Date) {
    await this.db.transaction(async trx => {
      await this.lock(trx);
      const row = await trx(INVOICES).where({ id }).first();
      if (!row) throw new NotFoundError(`Invoice ${id} not found`);
      if (
        !['issued', 'failed', 'carried', 'expired'].includes(row.status) ||
        row.carried_into
      ) {
        throw new ConflictError(
          `Invoice ${id} is ${row.status}${
            row.carried_into ? `, carried into ${row.carried_into}` : ''
          }; only unpaid invoices can be voided`,
        );
      }
      await trx(INVOICES)
        .where({ id })
        .update({
          status: 'void',
          void_reason: reason,
          voided_by: by,
          voided_at: this.time(now),
        });
      // Amounts it carried in are carried again, into the next invoice.
      await trx(INVOICES)
        .where({ carried_into: id })
        .update({ carried_into: null });
    });
    return (await this.get(id))!;
  }

  async countByStatus() {
    const rows = await this.db(INVOICES)
      .select('status')
      .count({ count: '*' })
      .groupBy('status');
    return Object.fromEntries(
      rows.map((row: any) => [row.status, toNumber(row.count)]),
    );
  }

  async billedTokens(day: string) {
    const rows = await this.db(`${LINES} as l`)
      .join(`${INVOICES} as i`, 'i.id', 'l.invoice_id')
      .select('l.tenant_id')
      .sum({ tokens: this.db.raw('l.prompt_tokens + l.completion_tokens') })
      .where('l.usage_day', day)
      .whereNot('i.status', 'void')
      .groupBy('l.tenant_id');
    return new Map(
      rows.map((row: any) => [row.tenant_id as string, toNumber(row.tokens)]),
    );
  }

  async startRun(run: {
    id: string;
    trigger: BillingRun['trigger'];
    requestedBy?: string;
    from: string;
    to: string;
    now: Date;
  }) {
    await this.db(RUNS).insert({
      id: run.id,
      trigger: run.trigger,
      requested_by: run.requestedBy ?? null,
      from_day: run.from,
      to_day: run.to,
      outcome: 'running',
      started_at: this.time(run.now),
    });
  }

  async finishRun(
    id: string,
    result: Omit<
      BillingRun,
      'id' | 'trigger' | 'requestedBy' | 'from' | 'to' | 'startedAt'
    >,
  ) {
    await this.db(RUNS)
      .where({ id })
      .update({
        outcome: result.outcome,
        finished_at: result.finishedAt
          ? this.time(new Date(result.finishedAt))
          : null,
        days_billed: result.daysBilled,
        invoices_issued: result.invoicesIssued,
        invoices_carried: result.invoicesCarried,
        billed_rials: result.billedRials,
        links_created: result.linksCreated,
        emails_sent: result.emailsSent,
        errors: JSON.stringify(result.errors),
        drift: result.drift ? JSON.stringify(result.drift) : null,
      });
  }

  async getRun(id: string) {
    const row = await this.db(RUNS).where({ id }).first();
    return row ? toRun(row) : undefined;
  }

  async listRuns(page: { limit: number; offset: number }) {
    const rows = await this.db(RUNS)
      .orderBy('started_at', 'desc')
      .limit(page.limit)
      .offset(page.offset);
    return rows.map(toRun);
  }

  async lastSuccessfulRunAt() {
    const row = await this.db(RUNS)
      .max({ at: 'finished_at' })
      .where('outcome', 'succeeded')
      .first();
    return row?.at ? new Date(fromDbTime(row.at)) : undefined;
  }

  async latestDrift(): Promise<BillingDriftReport | undefined> {
    const row = await this.db(RUNS)
      .select('drift')
      .whereNotNull('drift')
      .orderBy('started_at', 'desc')
      .first();
    return row?.drift ? JSON.parse(row.drift) : undefined;
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    result.push(items.slice(i, i + size));
  return result;
}
