import { createApiRef } from '@backstage/core-plugin-api';
import {
  BillingRun,
  BillingRunRequest,
  HealthResponse,
  Invoice,
  InvoiceStatus,
  OperatorInvoiceList,
  TenantUsageResponse,
  UsageGranularity,
  UsageSummaryResponse,
} from '@internal/backstage-plugin-docuchat-common';

/** A usage range: dates (YYYY-MM-DD, days of `tz`) or ISO timestamps. @public */
export interface UsageRangeQuery {
  /** Both ends absent: the backend's default, the last 30 days. */
  from?: string;
  to?: string;
  granularity?: UsageGranularity;
  /** IANA zone; the backend defaults to its billing timezone. */
  tz?: string;
}

/** A page of a list. @public */
export interface PageQuery {
  limit?: number;
  offset?: number;
}

/**
 * The browser's view of the DocuChat backend.
 *
 * @public
 */
export interface DocuChatApi {
  getHealth(): Promise<HealthResponse>;

  // Entity pages and the operators' overview (usage, invoices, billing runs).
  getTenantUsage(
    tenantId: string,
    query: UsageRangeQuery,
  ): Promise<TenantUsageResponse>;
  getUsageSummary(
    query: Omit<UsageRangeQuery, 'granularity'>,
  ): Promise<UsageSummaryResponse>;
  listTenantInvoices(
    tenantId: string,
    page?: PageQuery,
  ): Promise<{ items: Invoice[] }>;
  getTenantInvoice(tenantId: string, invoiceId: string): Promise<Invoice>;
  /** Asks the gateway for a fresh payment link; the invoice with it. */
  requestPaymentLink(tenantId: string, invoiceId: string): Promise<Invoice>;
  listInvoices(
    query: { status?: InvoiceStatus; from?: string; to?: string } & PageQuery,
  ): Promise<OperatorInvoiceList>;
  listBillingRuns(page?: PageQuery): Promise<{ items: BillingRun[] }>;
  runBilling(request: BillingRunRequest): Promise<BillingRun>;
}

/** @public */
export const docuchatApiRef = createApiRef<DocuChatApi>({
  id: 'plugin.docuchat.api',
});
