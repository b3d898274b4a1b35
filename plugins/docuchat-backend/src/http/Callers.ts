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
import { Caller, TenantAccess } from '../permissions/TenantAccess';

/** A signed-in user's credentials (also when a plugin calls on its behalf). */
export type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/**
 * Whom a route serves: users and other backend plugins. Set `usersOnly` to
 * the 403 message for routes a bare service principal has no business with
 * (conversations, billing: there is no one to own or bill); a service that
 * calls on a user's behalf arrives with the user's credentials.
 */
export interface CallerOptions {
  usersOnly?: string;
}

/**
 * The one way a route learns who calls and what it may do: Backstage's
 * credentials (401 for anonymous callers) checked by TenantAccess (a
 * tenant the caller may not read is 404, one it may read but not act on in
 * the asked way 403, a missing basic permission 403).
 */
export class Callers {
  constructor(
    private readonly httpAuth: HttpAuthService,
    private readonly access: TenantAccess,
  ) {}

  /** The caller; with `usersOnly`, 403 for a service principal. */
  async of(
    req: Request,
    options: { usersOnly: string },
  ): Promise<UserCredentials>;
  async of(req: Request, options?: CallerOptions): Promise<Caller>;
  async of(req: Request, options: CallerOptions = {}): Promise<Caller> {
    const credentials = await this.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    if (options.usersOnly && credentials.principal.type !== 'user') {
      throw new NotAllowedError(options.usersOnly);
    }
    return credentials;
  }

  /**
   * The tenant of the route's `:tenantId` when the caller holds
   * `permission` on it (read by default), with the caller's credentials.
   */
  async tenant(
    req: Request,
    permission: DocuchatTenantPermission,
    options: { usersOnly: string },
  ): Promise<{ tenant: Tenant; credentials: UserCredentials }>;
  async tenant(
    req: Request,
    permission?: DocuchatTenantPermission,
    options?: CallerOptions,
  ): Promise<{ tenant: Tenant; credentials: Caller }>;
  async tenant(
    req: Request,
    permission?: DocuchatTenantPermission,
    options: CallerOptions = {},
  ) {
    const credentials = await this.of(req, options);
    const tenant = await this.access.requireTenant(
      credentials,
      req.params.tenantId,
      permission,
    );
    return { tenant, credentials };
  }

  /** The caller, when it holds a basic DocuChat permission; 403 otherwise. */
  async withBasic(
    req: Request,
    permission: BasicPermission,
    options: { usersOnly: string },
  ): Promise<UserCredentials>;
  async withBasic(
    req: Request,
    permission: BasicPermission,
    options?: CallerOptions,
  ): Promise<Caller>;
  async withBasic(
    req: Request,
    permission: BasicPermission,
    options: CallerOptions = {},
  ) {
    const credentials = await this.of(req, options);
    await this.access.requireBasic(credentials, permission);
    return credentials;
  }

  /** The tenants on which the caller holds the read permission. */
  async tenants(req: Request): Promise<Tenant[]> {
    return this.access.listTenants(await this.of(req));
  }
}

/** The user behind a call, if a user made it (for the ledger and audit). */
export function userRefOf(credentials: Caller): string | undefined {
  return credentials.principal.type === 'user'
    ? credentials.principal.userEntityRef
    : undefined;
}
