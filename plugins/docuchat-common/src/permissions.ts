import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Operators' permission: read and manage every tenant (create tenants, see
 * any tenant's documents). Everyone else reaches only the tenants whose
 * owner entity they belong to.
 *
 * @public
 */
export const docuchatTenantAdminPermission = createPermission({
  name: 'docuchat.tenant.admin',
  attributes: { action: 'update' },
});

/** @public */
export const docuchatPermissions = [docuchatTenantAdminPermission];
