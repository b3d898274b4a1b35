import {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
  PermissionRule,
  PermissionRuleset,
} from '@backstage/plugin-permission-node';
import {
  DocuchatTenantPermission,
  docuchatTenantReadPermission,
  Tenant,
} from '@docuchat/backstage-plugin-docuchat-common';
import { TenantStore } from '../database/TenantStore';
import { ServiceAccess } from './readServiceAccess';
import {
  createDocuchatTenantConditionalDecision,
  docuchatTenantConditions,
  docuchatTenantRules,
  TenantFilter,
} from './tenantPermissionRules';

/** Users and other backend plugins; anonymous callers never get this far. */
export type Caller = BackstageCredentials<
  BackstageUserPrincipal | BackstageServicePrincipal
>;

const tenantRuleset: PermissionRuleset<Tenant, TenantFilter> = {
  getRuleByName(name) {
    const rule = Object.values(docuchatTenantRules).find(r => r.name === name);
    if (!rule) throw new Error(`Unknown DocuChat tenant rule ${name}`);
    return rule as PermissionRule<Tenant, TenantFilter, string>;
  },
};

/**
 * Who may do what to which tenant, decided by the permission policy with the
 * caller's credentials:
 *
 * - Users (also when another plugin calls on a user's behalf, `onBehalfOf`):
 *   whatever the policy answers, conditional decisions included (applied to
 *   the tenant here, or as a database filter for lists).
 * - Service principals without a user: the framework allows them all
 *   (narrowed only by an external token's `accessRestrictions`), so DocuChat
 *   also requires their subject in `docuchat.serviceAccess` with the
 *   permission, and optionally the tenant.
 *
 * A tenant the caller may not read answers 404, so tenant ids do not leak; a
 * tenant it may read but not act on in the asked way answers 403.
 */
export class TenantAccess {
  private readonly tenants: TenantStore;
  private readonly permissions: PermissionsService;
  private readonly serviceAccess: ServiceAccess;
  private readonly appliesTo = createConditionAuthorizer(tenantRuleset);
  private readonly toFilter = createConditionTransformer(tenantRuleset);

  constructor(options: {
    tenants: TenantStore;
    permissions: PermissionsService;
    serviceAccess: ServiceAccess;
  }) {
    this.tenants = options.tenants;
    this.permissions = options.permissions;
    this.serviceAccess = options.serviceAccess;
  }

  /**
   * The tenant, if the caller holds `permission` on it. NotFoundError (404)
   * when the tenant does not exist or the caller may not read it;
   * NotAllowedError (403) when it may read it but not do this.
   */
  async requireTenant(
    credentials: Caller,
    tenantId: string,
    permission: DocuchatTenantPermission = docuchatTenantReadPermission,
  ): Promise<Tenant> {
    const tenant = await this.tenants.get(tenantId);
    if (tenant) {
      const asked =
        permission.name === docuchatTenantReadPermission.name
          ? [permission]
          : [docuchatTenantReadPermission, permission];
      const decisions = await this.decideOnTenants(credentials, asked);
      if (this.appliesTo(decisions[decisions.length - 1], tenant)) {
        return tenant;
      }
      if (this.appliesTo(decisions[0], tenant)) {
        throw new NotAllowedError(
          `The ${permission.name} permission on tenant ${tenantId} is required`,
        );
      }
    }
    throw new NotFoundError(`Tenant ${tenantId} not found`);
  }

  /**
   * Passes when the caller holds a basic (not tenant-scoped) DocuChat
   * permission, such as `docuchat.tenant.create`, `docuchat.billing.run` or
   * `docuchat.operations.read`; NotAllowedError (403) otherwise.
   */
  async requireBasic(
    credentials: Caller,
    permission: BasicPermission,
  ): Promise<void> {
    if (!(await this.isAllowedBasic(credentials, permission))) {
      throw new NotAllowedError(
        `The ${permission.name} permission is required`,
      );
    }
  }

  /** Whether the caller holds a basic DocuChat permission. */
  async isAllowedBasic(
    credentials: Caller,
    permission: BasicPermission,
  ): Promise<boolean> {
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) return false;
    return (
      credentials.principal.type === 'user' ||
      this.grantOf(credentials)?.permissions.has(permission.name) === true
    );
  }

  /**
   * The tenants on which the caller holds `permission`, filtered in the
   * database by the policy's conditions.
   */
  async listTenants(
    credentials: Caller,
    permission: DocuchatTenantPermission = docuchatTenantReadPermission,
  ): Promise<Tenant[]> {
    const [decision] = await this.decideOnTenants(credentials, [permission]);
    if (decision.result === AuthorizeResult.DENY) return [];
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return this.tenants.list();
    }
    return this.tenants.list(
      this.toFilter(decision.conditions) as PermissionCriteria<TenantFilter>,
    );
  }

  private async decideOnTenants(
    credentials: Caller,
    permissions: DocuchatTenantPermission[],
  ): Promise<PolicyDecision[]> {
    const decisions = await this.permissions.authorizeConditional(
      permissions.map(permission => ({ permission })),
      { credentials },
    );
    if (credentials.principal.type === 'user') return decisions;
    const grant = this.grantOf(credentials);
    return permissions.map((permission, i) => {
      if (
        decisions[i].result !== AuthorizeResult.ALLOW ||
        !grant?.permissions.has(permission.name)
      ) {
        return { result: AuthorizeResult.DENY };
      }
      if (!grant.tenantIds) return { result: AuthorizeResult.ALLOW };
      return createDocuchatTenantConditionalDecision(
        permission,
        docuchatTenantConditions.isTenant({ tenantIds: grant.tenantIds }),
      );
    });
  }

  private grantOf(credentials: Caller) {
    return credentials.principal.type === 'service'
      ? this.serviceAccess.get(credentials.principal.subject)
      : undefined;
  }
}
