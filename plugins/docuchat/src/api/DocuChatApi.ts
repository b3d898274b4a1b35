import { createApiRef } from '@backstage/core-plugin-api';
import {
  AnswerFeedback,
  AskEvent,
  ChunkPassage,
  ConversationDetail,
  ConversationSummary,
  CreateTenantRequest,
  DocumentSummary,
  HealthResponse,
  SearchResponse,
  Tenant,
  UpdateTenantRequest,
} from '@internal/backstage-plugin-docuchat-common';

/** What `ask` sends; `conversationId` continues a stored conversation. */
export interface AskOptions {
  tenantId: string;
  question: string;
  conversationId?: string;
  /** Aborts the request and the stream (stop button, leaving the page). */
  signal?: AbortSignal;
}

/** What an upload reports while it runs and when it ends. */
export interface UploadOptions {
  tenantId: string;
  file: File;
  /** Bytes sent so far, of `total`. */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

/** A page of conversations; `before` is the previous page's last `updatedAt`. */
export interface ConversationQuery {
  limit?: number;
  before?: string;
  /** Title contains, ignoring case. */
  q?: string;
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
}

/** @public */
export const docuchatApiRef = createApiRef<DocuChatApi>({
  id: 'plugin.docuchat.api',
});
