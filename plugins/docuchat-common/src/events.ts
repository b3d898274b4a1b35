import { Tenant } from './tenants';

/**
 * Topic on Backstage's events service where the DocuChat backend announces
 * tenant changes (the catalog module turns them into entity deltas).
 *
 * @public
 */
export const DOCUCHAT_TENANT_TOPIC = 'docuchat.tenant';

/**
 * Payload of an event on {@link DOCUCHAT_TENANT_TOPIC}: the tenant as it is
 * after the change.
 *
 * @public
 */
export interface TenantChangedEvent {
  action: 'created' | 'updated';
  tenant: Tenant;
}
