import { z } from 'zod';

/**
 * Billing: runs, invoices and their lines, as the DocuChat API sends them.
 * Money is integer Rials (1 Toman = 10 Rials); show Tomans to people.
 */

/** The longest range one billing run may bill, in days. @public */
export const BILLING_MAX_RUN_DAYS = 31;

/** The smallest amount Zibal accepts; smaller totals are carried. @public */
export const ZIBAL_MIN_AMOUNT_RIALS = 1000;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `text` is a real calendar day written YYYY-MM-DD. @public */
export function isBillingDay(text: string): boolean {
  const match = DAY.exec(text);
  if (!match) return false;
  const [, y, m, d] = match.map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === m - 1 &&
    date.getUTCDate() === d
  );
}

const billingDaySchema = z
  .string()
  .refine(isBillingDay, 'must be a day written YYYY-MM-DD');

/**
 * `POST /billing/runs`: one day, or an inclusive range of at most
 * {@link BILLING_MAX_RUN_DAYS} days.
 *
 * @public
 */
export const billingRunRequestSchema = z.union([
  z.object({ day: billingDaySchema }).strict(),
  z
    .object({ from: billingDaySchema, to: billingDaySchema })
    .strict()
    .refine(range => range.from <= range.to, 'from must not be after to'),
]);

/** @public */
export type BillingRunRequest = z.infer<typeof billingRunRequestSchema>;

/** @public */
export type BillingRunOutcome =
  | 'running'
  | 'succeeded'
  | 'partial'
  | 'failed'
  | 'skipped';

/** One tenant's tokens in the ledger and in Prometheus for a billed day. @public */
export interface BillingDriftEntry {
  day: string;
  tenantId: string;
  ledgerTokens: number;
  prometheusTokens: number;
  /** ledger − Prometheus */
  driftTokens: number;
}

/** What reconciliation with Prometheus found. @public */
export interface BillingDriftReport {
  /** `disabled`: no Prometheus configured; `unavailable`: billed from the ledger without it. */
  prometheus: 'ok' | 'unavailable' | 'disabled';
  message?: string;
  entries: BillingDriftEntry[];
}

/** @public */
export interface BillingRun {
  id: string;
  trigger: 'schedule' | 'manual' | 'demo';
  requestedBy?: string;
  from: string;
  to: string;
  outcome: BillingRunOutcome;
  startedAt: string;
  finishedAt?: string;
  daysBilled: number;
  invoicesIssued: number;
  invoicesCarried: number;
  billedRials: number;
  linksCreated: number;
  emailsSent: number;
  errors: string[];
  drift?: BillingDriftReport;
}

/** @public */
export type InvoiceStatus =
  | 'issued'
  | 'paid'
  | 'failed'
  | 'expired'
  | 'carried'
  | 'void';

/** @public */
export const INVOICE_STATUSES: readonly InvoiceStatus[] = [
  'issued',
  'paid',
  'failed',
  'expired',
  'carried',
  'void',
];

/**
 * `usage`: the period's tokens of one model; `adjustment`: tokens of an
 * earlier day that settled after that day was billed (`usageDay` names it);
 * `carried`: the amount of an earlier invoice that was below the gateway
 * minimum or expired (`sourceInvoiceId`).
 *
 * @public
 */
export interface InvoiceLine {
  kind: 'usage' | 'adjustment' | 'carried';
  usageDay?: string;
  model?: string;
  promptTokens: number;
  completionTokens: number;
  promptRialsPer1kTokens: number;
  completionRialsPer1kTokens: number;
  amountRials: number;
  sourceInvoiceId?: string;
}

/** @public */
export interface InvoicePayment {
  /** `pending`: no link yet (the gateway could not be reached; see error). */
  state: 'pending' | 'link' | 'paid' | 'failed';
  url?: string;
  trackId?: string;
  linkCreatedAt?: string;
  error?: string;
  paidAt?: string;
  refNumber?: string;
  cardNumber?: string;
}

/** @public */
export interface Invoice {
  id: string;
  tenantId: string;
  /** The billing day, YYYY-MM-DD in the billing timezone. */
  period: string;
  status: InvoiceStatus;
  amountRials: number;
  createdAt: string;
  /** carried/expired: the invoice that took over this amount. */
  carriedInto?: string;
  payment: InvoicePayment;
  email: { sentAt?: string; attempts: number; error?: string };
  void?: { reason: string; by: string; at: string };
  lines?: InvoiceLine[];
}

/** `GET /tenants/:tenantId/invoices` query. @public */
export const invoiceListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
});

/** `GET /invoices` (operators) query. @public */
export const operatorInvoiceQuerySchema = z.object({
  status: z
    .enum(INVOICE_STATUSES as [InvoiceStatus, ...InvoiceStatus[]])
    .optional(),
  from: billingDaySchema.optional(),
  to: billingDaySchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

/** `GET /invoices` answer: the page and totals over every match. @public */
export interface OperatorInvoiceList {
  items: Invoice[];
  totals: {
    count: number;
    amountRials: number;
    byStatus: Record<string, { count: number; amountRials: number }>;
  };
}

/** `POST /invoices/:invoiceId/void` body. @public */
export const voidInvoiceRequestSchema = z
  .object({ reason: z.string().trim().min(3).max(1000) })
  .strict();
