import {
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { Tenant } from '@internal/backstage-plugin-docuchat-common';
import { Request } from 'express';
import { TenantAccess } from '../service/TenantAccess';

/**
 * Billing's authorization, in one place so the permissions work can swap it
 * for its shared helper. Billing routes serve users only: a service call on
 * behalf of a user arrives with the user's credentials, and a bare service
 * principal has no one to bill or audit.
 */
export class BillingAccess {
  constructor(
    private readonly httpAuth: HttpAuthService,
    private readonly permissions: PermissionsService,
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

  /** A basic permission (run billing, read operations), through the framework. */
  async requireBasic(req: Request, permission: BasicPermission) {
    const credentials = await this.user(req);
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `This requires the ${permission.name} permission`,
      );
    }
    return credentials;
  }

  /**
   * A tenant the user may use for `permission`; 404 otherwise, so tenant ids
   * do not leak. Today TenantAccess decides (owners and operators); the
   * permissions work makes it check `permission` with the tenant id as
   * resourceRef.
   */
  async requireTenant(
    req: Request,
    tenantId: string,
    _permission: ResourcePermission<'docuchat-tenant'>,
  ): Promise<{
    tenant: Tenant;
    credentials: BackstageCredentials<BackstageUserPrincipal>;
  }> {
    const credentials = await this.user(req);
    const tenant = await this.access.requireTenant(credentials, tenantId);
    return { tenant, credentials };
  }
}
