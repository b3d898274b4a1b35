import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Tenant } from '@docuchat/backstage-plugin-docuchat-common';

/**
 * Reads tenants from the DocuChat API with this plugin's own service
 * credentials (the catalog does not read another plugin's tables).
 */
export class DocuchatTenantClient {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
  ) {}

  async listTenants(signal?: AbortSignal): Promise<Tenant[]> {
    const baseUrl = await this.discovery.getBaseUrl('docuchat');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'docuchat',
    });
    const response = await fetch(`${baseUrl}/tenants`, {
      headers: { Authorization: `Bearer ${token}` },
      signal,
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    const body = (await response.json()) as { items: Tenant[] };
    return body.items;
  }
}
