import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  BillingRun,
  BillingRunRequest,
  HealthResponse,
  Invoice,
  InvoiceStatus,
  OperatorInvoiceList,
  TenantUsageResponse,
  UsageSummaryResponse,
} from '@internal/backstage-plugin-docuchat-common';
import { DocuChatApi, PageQuery, UsageRangeQuery } from './DocuChatApi';

/**
 * Calls the DocuChat backend through Backstage's discovery and fetch APIs, so
 * requests carry the signed-in user's token.
 *
 * @public
 */
export class DocuChatClient implements DocuChatApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getHealth(): Promise<HealthResponse> {
    return this.get<HealthResponse>('/health');
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('docuchat');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  // Entity pages and the operators' overview (usage, invoices, billing runs).
  async getTenantUsage(
    tenantId: string,
    query: UsageRangeQuery,
  ): Promise<TenantUsageResponse> {
    return this.get(
      `/tenants/${encodeURIComponent(tenantId)}/usage${queryString(query)}`,
    );
  }

  async getUsageSummary(
    query: Omit<UsageRangeQuery, 'granularity'>,
  ): Promise<UsageSummaryResponse> {
    return this.get(`/usage${queryString(query)}`);
  }

  async listTenantInvoices(
    tenantId: string,
    page: PageQuery = {},
  ): Promise<{ items: Invoice[] }> {
    return this.get(
      `/tenants/${encodeURIComponent(tenantId)}/invoices${queryString(page)}`,
    );
  }

  async getTenantInvoice(
    tenantId: string,
    invoiceId: string,
  ): Promise<Invoice> {
    return this.get(
      `/tenants/${encodeURIComponent(tenantId)}/invoices/${encodeURIComponent(
        invoiceId,
      )}`,
    );
  }

  async requestPaymentLink(
    tenantId: string,
    invoiceId: string,
  ): Promise<Invoice> {
    return this.send(
      'POST',
      `/tenants/${encodeURIComponent(tenantId)}/invoices/${encodeURIComponent(
        invoiceId,
      )}/payment`,
    );
  }

  async listInvoices(
    query: { status?: InvoiceStatus; from?: string; to?: string } & PageQuery,
  ): Promise<OperatorInvoiceList> {
    return this.get(`/invoices${queryString(query)}`);
  }

  async listBillingRuns(
    page: PageQuery = {},
  ): Promise<{ items: BillingRun[] }> {
    return this.get(`/billing/runs${queryString(page)}`);
  }

  async runBilling(request: BillingRunRequest): Promise<BillingRun> {
    return this.send('POST', '/billing/runs', request);
  }

  private async send<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('docuchat');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
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
