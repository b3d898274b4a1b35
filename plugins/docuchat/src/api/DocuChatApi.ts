import { createApiRef } from '@backstage/core-plugin-api';
import {
  AnswerFeedback,
  AskEvent,
  BillingRun,
  BillingRunRequest,
  ChunkPassage,
  ConversationDetail,
  ConversationSummary,
  CreateSourceRequest,
  CreateTenantRequest,
  DocumentSummary,
  Source,
  HealthResponse,
  Invoice,
  InvoiceStatus,
  OperatorInvoiceList,
  SearchResponse,
  Tenant,
  TenantUsageResponse,
  UpdateTenantRequest,
  UsageGranularity,
  UsageSummaryResponse,
} from '@docuchat/backstage-plugin-docuchat-common';

/** What `ask` sends; `conversationId` continues a stored conversation. @public */
export interface AskOptions {
  tenantId: string;
  question: string;
  conversationId?: string;
  /** Aborts the request and the stream (stop button, leaving the page). */
  signal?: AbortSignal;
}

/** What an upload reports while it runs and when it ends. @public */
export interface UploadOptions {
  tenantId: string;
  file: File;
  /** Bytes sent so far, of `total`. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * A page of conversations; `before` is the previous page's last `updatedAt`.
 *
 * @public
 */
export interface ConversationQuery {
  limit?: number;
  before?: string;
  /** Title contains, ignoring case. */
  q?: string;
}

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
 * The browser's view of the DocuChat backend. Failed calls reject with a
 * `ResponseError` carrying the backend's message and status.
 *
 * @public
 */
export interface DocuChatApi {
  getHealth(): Promise<HealthResponse>;
  listTenants(): Promise<Tenant[]>;
  createTenant(request: CreateTenantRequest): Promise<Tenant>;
  updateTenant(tenantId: string, request: UpdateTenantRequest): Promise<Tenant>;

  listDocuments(tenantId: string): Promise<DocumentSummary[]>;
  uploadDocument(
    options: UploadOptions,
  ): Promise<DocumentSummary & { duplicate: boolean }>;
  deleteDocument(tenantId: string, documentId: string): Promise<void>;
  reindexDocument(
    tenantId: string,
    documentId: string,
  ): Promise<DocumentSummary>;
  search(tenantId: string, q: string, k?: number): Promise<SearchResponse>;

  /** A tenant's sources (TechDocs, catalog) and their last syncs. */
  listSources(tenantId: string): Promise<Source[]>;
  /** Adds a source; its first sync starts at once. */
  createSource(tenantId: string, request: CreateSourceRequest): Promise<Source>;
  /** Starts a sync; the source comes back as syncing. */
  syncSource(tenantId: string, sourceId: string): Promise<Source>;
  /** Deletes the source and its documents. */
  deleteSource(tenantId: string, sourceId: string): Promise<void>;
  getPassage(tenantId: string, chunkId: string): Promise<ChunkPassage>;

  /** The answer's server-sent events, in order, until `done` or `error`. */
  ask(options: AskOptions): AsyncIterable<AskEvent>;

  listConversations(
    tenantId: string,
    query?: ConversationQuery,
  ): Promise<ConversationSummary[]>;
  getConversation(tenantId: string, id: string): Promise<ConversationDetail>;
  renameConversation(
    tenantId: string,
    id: string,
    title: string,
  ): Promise<ConversationSummary>;
  deleteConversation(tenantId: string, id: string): Promise<void>;
  sendFeedback(
    tenantId: string,
    conversationId: string,
    messageId: string,
    feedback: AnswerFeedback,
  ): Promise<AnswerFeedback>;

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
