import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  docuchatTenantAdminPermission,
  Tenant,
} from '@internal/backstage-plugin-docuchat-common';
import { TenantStore } from '../database/TenantStore';

/** Users and other backend plugins; anonymous callers never get this far. */
export type Caller = BackstageCredentials<
  BackstageUserPrincipal | BackstageServicePrincipal
>;

/**
 * Who may reach which tenant: members of the tenant's owner entity, holders
 * of `docuchat.tenant.admin`, and other backend plugins (service principals
 * act for an already-checked user). Anyone else gets 404, so tenant ids do
 * not leak either.
 */
export class TenantAccess {
  constructor(
    private readonly tenants: TenantStore,
    private readonly permissions: PermissionsService,
    private readonly userInfo: UserInfoService,
  ) {}

  async isAdmin(credentials: Caller): Promise<boolean> {
    if (credentials.principal.type === 'service') return true;
    const [decision] = await this.permissions.authorize(
      [{ permission: docuchatTenantAdminPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  async requireAdmin(credentials: Caller): Promise<void> {
    if (!(await this.isAdmin(credentials))) {
      throw new NotAllowedError(
        `Managing tenants requires the ${docuchatTenantAdminPermission.name} permission`,
      );
    }
  }

  /** The tenant, if the caller may use it; NotFoundError otherwise. */
  async requireTenant(credentials: Caller, tenantId: string): Promise<Tenant> {
    const tenant = await this.tenants.get(tenantId);
    if (tenant && (await this.canUse(credentials, tenant))) return tenant;
    throw new NotFoundError(`Tenant ${tenantId} not found`);
  }

  async visibleTenants(credentials: Caller): Promise<Tenant[]> {
    const all = await this.tenants.list();
    if (await this.isAdmin(credentials)) return all;
    const owned = await this.ownership(credentials);
    return all.filter(tenant => owned.has(tenant.ownerRef));
  }

  private async canUse(credentials: Caller, tenant: Tenant) {
    if ((await this.ownership(credentials)).has(tenant.ownerRef)) return true;
    return this.isAdmin(credentials);
  }

  private async ownership(credentials: Caller) {
    if (credentials.principal.type !== 'user') return new Set<string>();
    const info = await this.userInfo.getUserInfo(credentials);
    return new Set(info.ownershipEntityRefs);
  }
}
