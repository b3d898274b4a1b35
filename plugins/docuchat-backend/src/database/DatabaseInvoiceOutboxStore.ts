import { Knex } from 'knex';
import { dbTimeWriter } from './dialect';
import {
  InvoiceOutboxStore,
  InvoiceWork,
  PaidDetails,
} from './InvoiceOutboxStore';
import { chunks, INVOICES, linesOf, toNumber } from './invoiceRows';

/** Invoices a payment can still settle. */
const PAYABLE = ['issued', 'failed'];

/**
 * The outbox in the invoice rows themselves: a claim is a
 * `*_claimed_until` column set by a conditional update, so of two backends
 * only one claims a row, and an expired lease frees it again.
 */
export class DatabaseInvoiceOutboxStore implements InvoiceOutboxStore {
  private readonly time: (date: Date) => Date | number;

  constructor(private readonly db: Knex) {
    this.time = dbTimeWriter(db, 'The invoice outbox');
  }

  private async work(rows: any[]): Promise<InvoiceWork[]> {
    if (rows.length === 0) return [];
    const lines = await linesOf(
      this.db,
      rows.map(row => row.id),
    );
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
    return this.claim({
      ...options,
      lease: 'payment_claimed_until',
      ready: query =>
        query.where(q =>
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
        ),
    });
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
    return this.claim({
      ...options,
      lease: 'email_claimed_until',
      ready: query =>
        query
          .where('status', 'issued')
          .whereNotNull('track_id')
          .whereNull('email_sent_at'),
    });
  }

  /**
   * Claims the invoices that are `ready` and whose `lease` is free (unset
   * or expired), oldest first, for `leaseMs`; their work. The update
   * repeats the conditions, so of two backends only one claims a row.
   */
  private async claim(options: {
    now: Date;
    leaseMs: number;
    lease: 'payment_claimed_until' | 'email_claimed_until';
    ready: (query: Knex.QueryBuilder) => Knex.QueryBuilder;
    invoiceId?: string;
    limit?: number;
  }): Promise<InvoiceWork[]> {
    const { lease } = options;
    const now = this.time(options.now);
    const claimable = (query: Knex.QueryBuilder) =>
      options
        .ready(query)
        .where(free => free.whereNull(lease).orWhere(lease, '<', now));
    const query = claimable(this.db(INVOICES).select('id'))
      .orderBy('created_at')
      .limit(options.limit ?? 10_000);
    if (options.invoiceId) query.where('id', options.invoiceId);
    const ids = (await query).map((row: any) => row.id as string);
    const until = this.time(new Date(options.now.getTime() + options.leaseMs));
    const claimed: string[] = [];
    for (const batch of chunks(ids, 500)) {
      const updated = await claimable(
        this.db(INVOICES).whereIn('id', batch as any),
      )
        .update({ [lease]: until })
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
}
