import {
  BillingDriftReport,
  BillingRun,
  Invoice,
  InvoiceStatus,
} from '@docuchat/backstage-plugin-docuchat-common';
import { UsagePricing } from '../usage/UsagePricing';

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

/** How one day is billed: its range in the billing timezone, the rules. */
export interface BillDayOptions {
  day: string;
  start: Date;
  end: Date;
  runId: string;
  pricing: UsagePricing;
  minimumAmountRials: number;
  /** Late rows are looked for among rows settled since the last check minus this. */
  settleDelayMs: number;
  timeZone: string;
  now: Date;
  /** Filled with the milliseconds of `aggregate` and `write` (benchmark). */
  timings?: Record<string, number>;
}

/** An invoice that needs a payment link or an email, with its tenant's contact. */
export interface InvoiceWork {
  id: string;
  tenantId: string;
  period: string;
  amountRials: number;
  trackId?: string;
  paymentUrl?: string;
  lines: NonNullable<Invoice['lines']>;
}

/** What a payment verification found, for {@link InvoiceStore.markPaid}. */
export interface PaidDetails {
  trackId: string;
  paidAt: Date;
  refNumber?: string;
  cardNumber?: string;
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
 * Invoices, their lines, billed days and billing runs. Every write that
 * decides money happens in one transaction under the billing lock.
 */
export interface InvoiceStore {
  installedAt(): Promise<Date>;
  /** The latest billed day, if any. */
  lastBilledDay(): Promise<string | undefined>;
  isBilled(day: string): Promise<boolean>;
  billDay(options: BillDayOptions): Promise<IssuedInvoices>;
  /** Issues a new invoice for each period whose invoice was voided. */
  reissueVoided(
    options: Omit<BillDayOptions, 'day' | 'start' | 'end'>,
  ): Promise<IssuedInvoices>;
  /** Unpaid invoices created before `before` become expired (carried later). */
  expireUnpaid(before: Date, now: Date): Promise<number>;

  /** Claims invoices that need a (fresh) link; the claim lasts `leaseMs`. */
  claimForLinks(options: {
    now: Date;
    linkTtlMs: number;
    leaseMs: number;
    invoiceId?: string;
    limit?: number;
  }): Promise<InvoiceWork[]>;
  recordLink(
    id: string,
    link: { trackId: string; url: string },
    now: Date,
  ): Promise<void>;
  recordLinkFailure(id: string, error: string): Promise<void>;

  claimForEmail(options: {
    now: Date;
    leaseMs: number;
    limit?: number;
  }): Promise<InvoiceWork[]>;
  recordEmailSent(id: string, now: Date): Promise<void>;
  recordEmailFailure(id: string, error: string): Promise<void>;

  /** Takes the per-invoice verification lock; false when another holds it. */
  claimVerification(id: string, now: Date, leaseMs: number): Promise<boolean>;
  releaseVerification(id: string, error?: string): Promise<void>;
  /** issued/failed → paid; false when the invoice was not payable. */
  markPaid(id: string, details: PaidDetails): Promise<boolean>;
  /** The link was cancelled or refused: the invoice needs a fresh one. */
  markPaymentFailed(
    id: string,
    trackId: string,
    reason: string,
  ): Promise<boolean>;
  /** Invoices whose verification could not finish (gateway timeout). */
  unverifiedPayments(): Promise<Array<{ id: string; trackId: string }>>;

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
  /** Tokens and Rials billed per tenant for a day (tests, reconciliation). */
  billedTokens(day: string): Promise<Map<string, number>>;

  startRun(run: {
    id: string;
    trigger: BillingRun['trigger'];
    requestedBy?: string;
    from: string;
    to: string;
    now: Date;
  }): Promise<void>;
  finishRun(
    id: string,
    result: Omit<
      BillingRun,
      'id' | 'trigger' | 'requestedBy' | 'from' | 'to' | 'startedAt'
    >,
  ): Promise<void>;
  getRun(id: string): Promise<BillingRun | undefined>;
  listRuns(page: { limit: number; offset: number }): Promise<BillingRun[]>;
  lastSuccessfulRunAt(): Promise<Date | undefined>;
  latestDrift(): Promise<BillingDriftReport | undefined>;
}
