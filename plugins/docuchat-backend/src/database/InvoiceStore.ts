import {
  Invoice,
  InvoiceLine,
  InvoiceStatus,
} from '@docuchat/backstage-plugin-docuchat-common';
import { StoreTransaction } from './StoreTransaction';

/** An invoice as billing composed it, written with its lines. */
export interface NewInvoice {
  id: string;
  tenantId: string;
  period: string;
  status: Extract<InvoiceStatus, 'issued' | 'carried'>;
  amountRials: number;
  runId: string;
  createdAt: Date;
  /** A `carried` line with `sourceInvoiceId` marks that invoice carried into this one. */
  lines: InvoiceLine[];
}

/** Live usage and adjustment lines of one tenant's day, per model and price. */
export interface BilledLineSums {
  model: string;
  promptRialsPer1kTokens: number;
  completionRialsPer1kTokens: number;
  promptTokens: number;
  completionTokens: number;
  amountRials: number;
}

/** A carried or expired invoice whose amount no later invoice carries yet. */
export interface UncarriedInvoice {
  id: string;
  tenantId: string;
  amountRials: number;
}

/** Filters of the operators' invoice list. */
export interface InvoiceQuery {
  tenantId?: string;
  status?: InvoiceStatus;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/**
 * Invoices and their lines: rows in, rows out (what a line costs is
 * billing's business). The writes that decide money run inside
 * `inBillingTransaction`, under the billing lock.
 */
export interface InvoiceStore {
  /**
   * Runs `fn` in one transaction holding the billing lock, so two backends
   * billing (or voiding) at once take turns. Other stores join it with `tx`.
   */
  inBillingTransaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Periods whose every invoice is void: they need a new one. */
  voidedPeriods(
    tx: StoreTransaction,
  ): Promise<Array<{ tenantId: string; period: string }>>;
  /** The usage days the void invoices of a tenant's period billed. */
  voidedUsageDays(
    tx: StoreTransaction,
    tenantId: string,
    period: string,
  ): Promise<string[]>;
  /** What live invoices billed of a tenant's usage day. */
  billedLines(
    tx: StoreTransaction,
    tenantId: string,
    day: string,
  ): Promise<BilledLineSums[]>;
  /** Carried or expired invoices of these tenants not carried yet, oldest first. */
  uncarried(
    tx: StoreTransaction,
    tenantIds: string[],
  ): Promise<UncarriedInvoice[]>;
  /** Writes the invoices and their lines, and marks what they carry. */
  insert(tx: StoreTransaction, invoices: NewInvoice[]): Promise<void>;
  /** Unpaid invoices created before `before` become expired (carried later). */
  expireUnpaid(before: Date, now: Date): Promise<number>;

  get(id: string): Promise<Invoice | undefined>;
  findByTrackId(trackId: string): Promise<Invoice | undefined>;
  /** A tenant's invoices, newest first, with their lines. */
  listForTenant(
    tenantId: string,
    page: { limit: number; offset: number },
  ): Promise<Invoice[]>;
  query(query: InvoiceQuery): Promise<{
    items: Invoice[];
    totals: {
      count: number;
      amountRials: number;
      byStatus: Record<string, { count: number; amountRials: number }>;
    };
  }>;
  voidInvoice(
    id: string,
    reason: string,
    by: string,
    now: Date,
  ): Promise<Invoice>;
  /** Invoice counts per status (metrics). */
  countByStatus(): Promise<Record<string, number>>;
  /** Tokens billed per tenant for a day (tests, reconciliation). */
  billedTokens(day: string): Promise<Map<string, number>>;
}
