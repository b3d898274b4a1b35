import { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  CreateTenantRequest,
  Tenant,
  UpdateTenantRequest,
} from '@docuchat/backstage-plugin-docuchat-common';

/**
 * A database filter on tenants, what the permission rules' `toQuery`
 * produce: the tenant's `property` is one of `values` (none: no tenant
 * matches).
 *
 * @public
 */
export type TenantFilter = { property: 'ownerRef' | 'id'; values: string[] };

/** Tenants: who owns documents, usage and invoices. */
export interface TenantStore {
  /** Every tenant, or those matching a permission policy's conditions. */
  list(filter?: PermissionCriteria<TenantFilter>): Promise<Tenant[]>;
  get(id: string): Promise<Tenant | undefined>;
  /** Throws ConflictError when the id is taken. */
  create(request: CreateTenantRequest): Promise<Tenant>;
  /** Returns undefined when the tenant does not exist. */
  update(id: string, request: UpdateTenantRequest): Promise<Tenant | undefined>;
  /** Creates the tenant or updates it to match (config seeding). */
  upsert(request: CreateTenantRequest): Promise<void>;
}
