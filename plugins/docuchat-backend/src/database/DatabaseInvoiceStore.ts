import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Invoice,
  InvoiceStatus,
} from '@docuchat/backstage-plugin-docuchat-common';
import { Knex } from 'knex';
import { Dialect, dialectOf, toDbTime } from './dialect';
import {
  BilledLineSums,
  InvoiceQuery,
  InvoiceStore,
  NewInvoice,
  UncarriedInvoice,
} from './InvoiceStore';
import {
  chunks,
  INVOICES,
  LINES,
  linesOf,
  toInvoice,
  toNumber,
} from './invoiceRows';
import {
  asStoreTransaction,
  knexIn,
  StoreTransaction,
} from './StoreTransaction';

/** pg_advisory_xact_lock key of billing ("DCBILL" in ASCII). */
const BILLING_LOCK = 0x4443_4249_4c4c;
/** Invoices an operator may void, or that a payment can still settle. */
const PAYABLE: InvoiceStatus[] = ['issued', 'failed'];

/**
 * Invoices and their lines in the plugin's database. The billing lock is
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

  async inBillingTransaction<T>(
    fn: (tx: StoreTransaction) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction(async trx => {
      if (this.dialect === 'pg') {
        await trx.raw('select pg_advisory_xact_lock(?)', [BILLING_LOCK]);
      }
      return fn(asStoreTransaction(trx));
    });
  }

  async voidedPeriods(tx: StoreTransaction) {
    const trx = knexIn(this.db, tx);
    const rows: Array<{ tenant_id: string; period: string }> = await trx(
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
    return rows.map(row => ({ tenantId: row.tenant_id, period: row.period }));
  }

  async voidedUsageDays(
    tx: StoreTransaction,
    tenantId: string,
    period: string,
  ) {
    return (
      await knexIn(this.db, tx)(`${LINES} as l`)
        .join(`${INVOICES} as i`, 'i.id', 'l.invoice_id')
        .distinct('l.usage_day')
        .where({ 'i.tenant_id': tenantId, 'i.period': period })
        .where('i.status', 'void')
        .whereNotNull('l.usage_day')
    ).map((row: any) => row.usage_day as string);
  }

  async billedLines(
    tx: StoreTransaction,
    tenantId: string,
    day: string,
  ): Promise<BilledLineSums[]> {
    const rows = await knexIn(this.db, tx)(`${LINES} as l`)
      .join(`${INVOICES} as i`, 'i.id', 'l.invoice_id')
      .select('l.model', 'l.prompt_rials_per_1k', 'l.completion_rials_per_1k')
      .sum({ prompt_tokens: 'l.prompt_tokens' })
      .sum({ completion_tokens: 'l.completion_tokens' })
      .sum({ amount_rials: 'l.amount_rials' })
      .where({ 'l.tenant_id': tenantId, 'l.usage_day': day })
      .whereIn('l.kind', ['usage', 'adjustment'])
      .whereNot('i.status', 'void')
      .groupBy('l.model', 'l.prompt_rials_per_1k', 'l.completion_rials_per_1k');
    return rows.map((row: any) => ({
      model: row.model,
      promptRialsPer1kTokens: toNumber(row.prompt_rials_per_1k),
      completionRialsPer1kTokens: toNumber(row.completion_rials_per_1k),
      promptTokens: toNumber(row.prompt_tokens),
      completionTokens: toNumber(row.completion_tokens),
      amountRials: toNumber(row.amount_rials),
    }));
  }

  async uncarried(
    tx: StoreTransaction,
    tenantIds: string[],
  ): Promise<UncarriedInvoice[]> {
    const result: UncarriedInvoice[] = [];
    for (const batch of chunks(tenantIds, 500)) {
      const rows = await knexIn(this.db, tx)(INVOICES)
        .select('id', 'tenant_id', 'amount_rials')
        .whereIn('tenant_id', batch)
        .whereIn('status', ['carried', 'expired'])
        .whereNull('carried_into')
        .orderBy('created_at');
      for (const row of rows) {
        result.push({
          id: row.id,
          tenantId: row.tenant_id,
          amountRials: toNumber(row.amount_rials),
        });
      }
    }
    return result;
  }

  async insert(tx: StoreTransaction, invoices: NewInvoice[]): Promise<void> {
    const trx = knexIn(this.db, tx) as Knex.Transaction;
    const invoiceRows = invoices.map(invoice => ({
      id: invoice.id,
      tenant_id: invoice.tenantId,
      period: invoice.period,
      status: invoice.status,
      amount_rials: invoice.amountRials,
      run_id: invoice.runId,
      created_at: this.time(invoice.createdAt),
    }));
    const lineRows = invoices.flatMap(invoice =>
      invoice.lines.map(line => ({
        invoice_id: invoice.id,
        tenant_id: invoice.tenantId,
        kind: line.kind,
        usage_day: line.usageDay ?? null,
        model: line.model ?? null,
        prompt_tokens: line.promptTokens,
        completion_tokens: line.completionTokens,
        prompt_rials_per_1k: line.promptRialsPer1kTokens,
        completion_rials_per_1k: line.completionRialsPer1kTokens,
        amount_rials: line.amountRials,
        source_invoice_id: line.sourceInvoiceId ?? null,
      })),
    );
    // Multi-row inserts: one statement per few hundred rows, not per row.
    await trx.batchInsert(INVOICES, invoiceRows, 500).transacting(trx);
    await trx.batchInsert(LINES, lineRows, 500).transacting(trx);
    for (const invoice of invoices) {
      for (const line of invoice.lines) {
        if (line.kind !== 'carried' || !line.sourceInvoiceId) continue;
        await trx(INVOICES)
          .where({ id: line.sourceInvoiceId })
          .whereNull('carried_into')
          .update({ carried_into: invoice.id });
      }
    }
  }

  async expireUnpaid(before: Date, now: Date): Promise<number> {
    return this.db(INVOICES)
      .whereIn('status', PAYABLE)
      .where('created_at', '<', this.time(before))
      .update({ status: 'expired', expired_at: this.time(now) });
  }

  async get(id: string): Promise<Invoice | undefined> {
    const row = await this.db(INVOICES).where({ id }).first();
    if (!row) return undefined;
    const lines = await linesOf(this.db, [id]);
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
    const lines = await linesOf(
      this.db,
      rows.map((row: any) => row.id),
    );
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
    await this.inBillingTransaction(async tx => {
      const trx = knexIn(this.db, tx);
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
}
