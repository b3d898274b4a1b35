import { Config } from '@backstage/config';
import { docuchatPermissions } from '@docuchat/backstage-plugin-docuchat-common';

/** What one service principal may do in DocuChat. */
export interface ServiceGrant {
  /** Permission names, e.g. `docuchat.tenant.read`. */
  permissions: ReadonlySet<string>;
  /** Tenants the tenant-scoped permissions reach; undefined: every tenant. */
  tenantIds?: string[];
}

/** Service principal subject (`plugin:catalog`, a static token's subject) → grant. */
export type ServiceAccess = ReadonlyMap<string, ServiceGrant>;

/**
 * Reads `docuchat.serviceAccess`. The permission framework allows every
 * service principal without asking the policy, so DocuChat admits a service
 * calling without a user (`onBehalfOf`) only for what is listed here.
 * Unknown permission names and repeated subjects fail start-up.
 */
export function readServiceAccess(config: Config): ServiceAccess {
  const known = new Set(docuchatPermissions.map(p => p.name));
  const access = new Map<string, ServiceGrant>();
  const entries = config.getOptionalConfigArray('docuchat.serviceAccess') ?? [];
  entries.forEach((entry, index) => {
    const where = `docuchat.serviceAccess[${index}]`;
    const subject = entry.getString('subject');
    if (access.has(subject)) {
      throw new Error(`${where}: subject ${subject} is listed twice`);
    }
    const permissions = entry.getStringArray('permissions');
    for (const name of permissions) {
      if (!known.has(name)) {
        throw new Error(
          `${where}: unknown permission ${name}; known: ${[...known].join(
            ', ',
          )}`,
        );
      }
    }
    access.set(subject, {
      permissions: new Set(permissions),
      tenantIds: entry.getOptionalStringArray('tenants'),
    });
  });
  return access;
}
