import {
  DiscoveryApi,
  FetchApi,
  IdentityApi,
} from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AnswerFeedback,
  AskEvent,
  BillingRun,
  BillingRunRequest,
  ChunkPassage,
  ConversationDetail,
  ConversationListResponse,
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
  UsageSummaryResponse,
} from '@docuchat/backstage-plugin-docuchat-common';
import {
  AskOptions,
  ConversationQuery,
  DocuChatApi,
  PageQuery,
  UploadOptions,
  UsageRangeQuery,
} from './DocuChatApi';
import { readEventStream } from './readEventStream';

const enc = encodeURIComponent;

/**
 * Calls the DocuChat backend through Backstage's discovery and fetch APIs, so
 * requests carry the signed-in user's token. Uploads go through
 * XMLHttpRequest, the only browser API that reports upload progress, with
 * the token from the identity API.
 *
 * @public
 */
export class DocuChatClient implements DocuChatApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;
  private readonly identityApi?: Pick<IdentityApi, 'getCredentials'>;

  constructor(options: {
    discoveryApi: DiscoveryApi;
    fetchApi: FetchApi;
    identityApi?: Pick<IdentityApi, 'getCredentials'>;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
    this.identityApi = options.identityApi;
  }

  getHealth(): Promise<HealthResponse> {
    return this.call('GET', '/health');
  }

  async listTenants(): Promise<Tenant[]> {
    return (await this.call<{ items: Tenant[] }>('GET', '/tenants')).items;
  }

  createTenant(request: CreateTenantRequest): Promise<Tenant> {
    return this.call('POST', '/tenants', request);
  }

  updateTenant(tenantId: string, request: UpdateTenantRequest) {
    return this.call<Tenant>('PATCH', `/tenants/${enc(tenantId)}`, request);
  }

  async listSources(tenantId: string): Promise<Source[]> {
    const path = `/tenants/${enc(tenantId)}/sources`;
    return (await this.call<{ items: Source[] }>('GET', path)).items;
  }

  createSource(tenantId: string, request: CreateSourceRequest) {
    return this.call<Source>(
      'POST',
      `/tenants/${enc(tenantId)}/sources`,
      request,
    );
  }

  syncSource(tenantId: string, sourceId: string) {
    return this.call<Source>(
      'POST',
      `/tenants/${enc(tenantId)}/sources/${enc(sourceId)}/sync`,
    );
  }

  async deleteSource(tenantId: string, sourceId: string): Promise<void> {
    await this.call(
      'DELETE',
      `/tenants/${enc(tenantId)}/sources/${enc(sourceId)}`,
    );
  }

  async listDocuments(tenantId: string): Promise<DocumentSummary[]> {
    const path = `/tenants/${enc(tenantId)}/documents`;
    return (await this.call<{ items: DocumentSummary[] }>('GET', path)).items;
  }

  async uploadDocument(
    options: UploadOptions,
  ): Promise<DocumentSummary & { duplicate: boolean }> {
    const { tenantId, file, onProgress, signal } = options;
    const url = `${await this.baseUrl()}/tenants/${enc(tenantId)}/documents`;
    const credentials = await this.identityApi?.getCredentials();
    const form = new FormData();
    form.append('file', file, file.name);
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      if (credentials?.token) {
        xhr.setRequestHeader('Authorization', `Bearer ${credentials.token}`);
      }
      xhr.upload.onprogress = event =>
        onProgress?.(event.loaded, event.total || file.size);
      xhr.onerror = () => reject(new Error('Network error while uploading'));
      xhr.onabort = () =>
        reject(new DOMException('Upload cancelled', 'AbortError'));
      xhr.onload = () => {
        const response = new Response(xhr.responseText, {
          status: xhr.status,
          headers: {
            'content-type':
              xhr.getResponseHeader('content-type') ?? 'application/json',
          },
        });
        if (xhr.status >= 200 && xhr.status < 300) {
          resolve(response.json());
        } else {
          ResponseError.fromResponse(response).then(reject, reject);
        }
      };
      signal?.addEventListener('abort', () => xhr.abort());
      xhr.send(form);
    });
  }

  async deleteDocument(tenantId: string, documentId: string): Promise<void> {
    await this.call(
      'DELETE',
      `/tenants/${enc(tenantId)}/documents/${enc(documentId)}`,
    );
  }

  reindexDocument(tenantId: string, documentId: string) {
    return this.call<DocumentSummary>(
      'POST',
      `/tenants/${enc(tenantId)}/documents/${enc(documentId)}/reindex`,
    );
  }

  search(tenantId: string, q: string, k = 10): Promise<SearchResponse> {
    const query = new URLSearchParams({ q, k: String(k) });
    return this.call('GET', `/tenants/${enc(tenantId)}/search?${query}`);
  }

  getPassage(tenantId: string, chunkId: string): Promise<ChunkPassage> {
    return this.call('GET', `/tenants/${enc(tenantId)}/chunks/${enc(chunkId)}`);
  }

  async *ask(options: AskOptions): AsyncGenerator<AskEvent> {
    const { tenantId, question, conversationId, signal } = options;
    const response = await this.fetchApi.fetch(
      `${await this.baseUrl()}/tenants/${enc(tenantId)}/ask`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
        },
        body: JSON.stringify({ question, conversationId }),
        signal,
      },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    if (!response.body) throw new Error('The answer stream has no body');
    yield* readEventStream(response.body);
  }

  async listConversations(
    tenantId: string,
    query: ConversationQuery = {},
  ): Promise<ConversationSummary[]> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const suffix = params.size ? `?${params}` : '';
    const path = `/tenants/${enc(tenantId)}/conversations${suffix}`;
    return (await this.call<ConversationListResponse>('GET', path)).items;
  }

  getConversation(tenantId: string, id: string): Promise<ConversationDetail> {
    return this.call(
      'GET',
      `/tenants/${enc(tenantId)}/conversations/${enc(id)}`,
    );
  }

  renameConversation(tenantId: string, id: string, title: string) {
    return this.call<ConversationSummary>(
      'PATCH',
      `/tenants/${enc(tenantId)}/conversations/${enc(id)}`,
      { title },
    );
  }

  async deleteConversation(tenantId: string, id: string): Promise<void> {
    await this.call(
      'DELETE',
      `/tenants/${enc(tenantId)}/conversations/${enc(id)}`,
    );
  }

  sendFeedback(
    tenantId: string,
    conversationId: string,
    messageId: string,
    feedback: AnswerFeedback,
  ): Promise<AnswerFeedback> {
    return this.call(
      'PUT',
      `/tenants/${enc(tenantId)}/conversations/${enc(
        conversationId,
      )}/messages/${enc(messageId)}/feedback`,
      feedback,
    );
  }

  private baseUrl() {
    return this.discoveryApi.getBaseUrl('docuchat');
  }

  private async call<T>(method: string, path: string, body?: unknown) {
    const response = await this.fetchApi.fetch(
      `${await this.baseUrl()}${path}`,
      {
        method,
        ...(body === undefined
          ? {}
          : {
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            }),
      },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  // Entity pages and the operators' overview (usage, invoices, billing runs).
  async getTenantUsage(
    tenantId: string,
    query: UsageRangeQuery,
  ): Promise<TenantUsageResponse> {
    return this.call(
      'GET',
      `/tenants/${enc(tenantId)}/usage${queryString(query)}`,
    );
  }

  async getUsageSummary(
    query: Omit<UsageRangeQuery, 'granularity'>,
  ): Promise<UsageSummaryResponse> {
    return this.call('GET', `/usage${queryString(query)}`);
  }

  async listTenantInvoices(
    tenantId: string,
    page: PageQuery = {},
  ): Promise<{ items: Invoice[] }> {
    return this.call(
      'GET',
      `/tenants/${enc(tenantId)}/invoices${queryString(page)}`,
    );
  }

  async getTenantInvoice(
    tenantId: string,
    invoiceId: string,
  ): Promise<Invoice> {
    return this.call(
      'GET',
      `/tenants/${enc(tenantId)}/invoices/${enc(invoiceId)}`,
    );
  }

  async requestPaymentLink(
    tenantId: string,
    invoiceId: string,
  ): Promise<Invoice> {
    return this.call(
      'POST',
      `/tenants/${enc(tenantId)}/invoices/${enc(invoiceId)}/payment`,
    );
  }

  async listInvoices(
    query: { status?: InvoiceStatus; from?: string; to?: string } & PageQuery,
  ): Promise<OperatorInvoiceList> {
    return this.call('GET', `/invoices${queryString(query)}`);
  }

  async listBillingRuns(
    page: PageQuery = {},
  ): Promise<{ items: BillingRun[] }> {
    return this.call('GET', `/billing/runs${queryString(page)}`);
  }

  async runBilling(request: BillingRunRequest): Promise<BillingRun> {
    return this.call('POST', '/billing/runs', request);
  }
}

/** `?a=1&b=2` of the defined values, or nothing. */
function queryString(params: object): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
