import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { BasicPermission } from '@backstage/plugin-permission-common';
import {
  DocuchatTenantPermission,
  Tenant,
} from '@docuchat/backstage-plugin-docuchat-common';
import { Request } from 'express';
import { TenantAccess } from '../permissions/TenantAccess';

/**
 * Billing's authorization: the shared TenantAccess checks (the permission
 * framework with the caller's credentials), for users only. A service call
 * on behalf of a user arrives with the user's credentials; a bare service
 * principal has no one to bill or audit.
 */
export class BillingAccess {
  constructor(
    private readonly httpAuth: HttpAuthService,
    private readonly access: TenantAccess,
  ) {}

  /** The calling user; 401 for anonymous callers, 403 for services. */
  async user(
    req: Request,
  ): Promise<BackstageCredentials<BackstageUserPrincipal>> {
    const credentials = await this.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    if (credentials.principal.type !== 'user') {
      throw new NotAllowedError(
        'Billing is for users; call it on behalf of one',
      );
    }
    return credentials as BackstageCredentials<BackstageUserPrincipal>;
  }

  /** A basic permission (run billing, read operations); 403 otherwise. */
  async requireBasic(req: Request, permission: BasicPermission) {
    const credentials = await this.user(req);
    await this.access.requireBasic(credentials, permission);
    return credentials;
  }

  /**
   * The tenant, when the user may `permission` on it: 404 when the user may
   * not read it (tenant ids do not leak), 403 when it may read but not this.
   */
  async requireTenant(
    req: Request,
    tenantId: string,
    permission: DocuchatTenantPermission,
  ): Promise<{
    tenant: Tenant;
    credentials: BackstageCredentials<BackstageUserPrincipal>;
  }> {
    const credentials = await this.user(req);
    const tenant = await this.access.requireTenant(
      credentials,
      tenantId,
      permission,
    );
    return { tenant, credentials };
  }
}
