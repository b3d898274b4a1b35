import {
  Invoice,
  InvoiceLine,
} from '@docuchat/backstage-plugin-docuchat-common';
import { Knex } from 'knex';
import { fromDbTime } from './dialect';

/*
 * Rows of the invoice tables as the invoice stores read them: shared by
 * the invoice store (invoices and lines) and the outbox (payment links,
 * verification and e-mail leases), which hand out the same invoices.
 */

export const INVOICES = 'docuchat_invoices';
export const LINES = 'docuchat_invoice_lines';

/** Sums arrive as numbers (SQLite) or numeric strings (PostgreSQL). */
export const toNumber = (value: unknown) => Number(value ?? 0);

export const optionalTime = (value: any) =>
  value === null || value === undefined ? undefined : fromDbTime(value);

export function toLine(row: any): InvoiceLine {
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

export function toInvoice(row: any): Invoice {
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

/** The lines of these invoices, by invoice id, in the order written. */
export async function linesOf(
  db: Knex,
  ids: string[],
): Promise<Map<string, InvoiceLine[]>> {
  const byInvoice = new Map<string, InvoiceLine[]>();
  for (const batch of chunks(ids, 500)) {
    const rows = await db(LINES).whereIn('invoice_id', batch).orderBy('id');
    for (const row of rows) {
      const list = byInvoice.get(row.invoice_id) ?? [];
      list.push(toLine(row));
      byInvoice.set(row.invoice_id, list);
    }
  }
  return byInvoice;
}

/** Batches of `size`: one statement per few hundred ids, not per id. */
export function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    result.push(items.slice(i, i + size));
  return result;
}
