import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  DOCUCHAT_TENANT_RESOURCE_TYPE,
  Tenant,
} from '@docuchat/backstage-plugin-docuchat-common';
import { z } from 'zod';
import { TenantFilter } from '../database/TenantStore';

export type { TenantFilter };

/**
 * Tenants as a permission resource: the resource ref is the tenant id.
 *
 * @public
 */
export const docuchatTenantResourceRef = createPermissionResourceRef<
  Tenant,
  TenantFilter
>().with({ pluginId: 'docuchat', resourceType: DOCUCHAT_TENANT_RESOURCE_TYPE });

/**
 * permission-node types zod v3 schemas with its own zod copy (4.x's
 * `zod/v3`), which TypeScript cannot match against ours (3.25) although both
 * are zod v3 schemas at run time, the shape permission-node reads.
 */
function asParamsSchema(schema: z.ZodTypeAny): any {
  return schema;
}

/**
 * The user is a member of the tenant's owner: the owner ref is one of the
 * user's ownership refs (the user itself and, through the catalog, the
 * groups it belongs to). A policy passes the user's ownership refs as
 * `claims`, as with the catalog's `IS_ENTITY_OWNER`.
 */
const isTenantOwnerMember = createPermissionRule<
  typeof docuchatTenantResourceRef,
  { claims: string[] }
>({
  name: 'IS_TENANT_OWNER_MEMBER',
  description:
    "Allow users who are members of the tenant's owner (directly or through their catalog ownership refs)",
  resourceRef: docuchatTenantResourceRef,
  paramsSchema: asParamsSchema(
    z.object({
      claims: z
        .array(z.string())
        .describe('Ownership entity refs of the user, e.g. group:default/acme'),
    }),
  ),
  apply: (tenant, { claims }) => claims.includes(tenant.ownerRef),
  toQuery: ({ claims }) => ({ property: 'ownerRef', values: claims }),
});

/**
 * The tenant is one of `tenantIds`: what `docuchat.serviceAccess` grants a
 * service restricted to some tenants, and what a policy can grant one user.
 */
const isTenant = createPermissionRule<
  typeof docuchatTenantResourceRef,
  { tenantIds: string[] }
>({
  name: 'IS_TENANT',
  description: 'Allow only the listed tenants',
  resourceRef: docuchatTenantResourceRef,
  paramsSchema: asParamsSchema(
    z.object({
      tenantIds: z.array(z.string()).describe('Tenant ids, e.g. acme'),
    }),
  ),
  apply: (tenant, { tenantIds }) => tenantIds.includes(tenant.id),
  toQuery: ({ tenantIds }) => ({ property: 'id', values: tenantIds }),
});

/** Every rule on tenants, registered by the plugin. */
export const docuchatTenantRules = { isTenantOwnerMember, isTenant };

const tenantConditionExports = createConditionExports({
  resourceRef: docuchatTenantResourceRef,
  rules: docuchatTenantRules,
});

/**
 * Conditions on tenants for permission policies, e.g.
 * `docuchatTenantConditions.isTenantOwnerMember({ claims })`.
 *
 * @public
 */
export const docuchatTenantConditions = tenantConditionExports.conditions;

/**
 * Wraps tenant conditions in a conditional decision for a tenant-scoped
 * permission.
 *
 * @public
 */
export const createDocuchatTenantConditionalDecision =
  tenantConditionExports.createConditionalDecision;
