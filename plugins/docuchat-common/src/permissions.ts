import {
  createPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * The resource type of tenant-scoped permissions: the resource ref is the
 * tenant id. A policy may answer these with conditions on the tenant (rules
 * registered by the DocuChat backend), so list routes can filter in the
 * database instead of asking once per tenant.
 *
 * @public
 */
export const DOCUCHAT_TENANT_RESOURCE_TYPE = 'docuchat-tenant';

/** @public */
export type DocuchatTenantPermission = ResourcePermission<
  typeof DOCUCHAT_TENANT_RESOURCE_TYPE
>;

const tenantPermission = (
  name: string,
  action: 'read' | 'update',
): DocuchatTenantPermission =>
  createPermission({
    name,
    attributes: { action },
    resourceType: DOCUCHAT_TENANT_RESOURCE_TYPE,
  });

/** See a tenant: its settings, documents and conversations list. @public */
export const docuchatTenantReadPermission = tenantPermission(
  'docuchat.tenant.read',
  'read',
);

/** Change a tenant's settings (display name, owner, contact, budget). @public */
export const docuchatTenantUpdatePermission = tenantPermission(
  'docuchat.tenant.update',
  'update',
);

/** Ask questions and search a tenant's documents. @public */
export const docuchatChatPermission = tenantPermission('docuchat.chat', 'read');

/** Upload, delete and reindex a tenant's documents. @public */
export const docuchatDocumentsManagePermission = tenantPermission(
  'docuchat.documents.manage',
  'update',
);

/** Read a tenant's token usage. @public */
export const docuchatUsageReadPermission = tenantPermission(
  'docuchat.usage.read',
  'read',
);

/** Read a tenant's invoices. @public */
export const docuchatInvoicesReadPermission = tenantPermission(
  'docuchat.invoices.read',
  'read',
);

/** Ask for a (fresh) payment link of a tenant's invoice. @public */
export const docuchatInvoicesPayPermission = tenantPermission(
  'docuchat.invoices.pay',
  'update',
);

/** Create tenants. @public */
export const docuchatTenantCreatePermission = createPermission({
  name: 'docuchat.tenant.create',
  attributes: { action: 'create' },
});

/** Run billing now, void invoices. @public */
export const docuchatBillingRunPermission = createPermission({
  name: 'docuchat.billing.run',
  attributes: { action: 'update' },
});

/** All tenants' usage, invoices and billing runs (operators). @public */
export const docuchatOperationsReadPermission = createPermission({
  name: 'docuchat.operations.read',
  attributes: { action: 'read' },
});

/**
 * Start maintenance across tenants, such as re-embedding documents, which
 * is never billed to them (operators). @public
 */
export const docuchatMaintenanceRunPermission = createPermission({
  name: 'docuchat.maintenance.run',
  attributes: { action: 'update' },
});

/** Every tenant-scoped permission. @public */
export const docuchatTenantPermissions = [
  docuchatTenantReadPermission,
  docuchatTenantUpdatePermission,
  docuchatChatPermission,
  docuchatDocumentsManagePermission,
  docuchatUsageReadPermission,
  docuchatInvoicesReadPermission,
  docuchatInvoicesPayPermission,
];

/**
 * Every DocuChat permission, registered by the backend plugin. Runbook
 * actions are governed by the scaffolder's own `scaffolder.action.execute`.
 *
 * @public
 */
export const docuchatPermissions = [
  ...docuchatTenantPermissions,
  docuchatTenantCreatePermission,
  docuchatBillingRunPermission,
  docuchatOperationsReadPermission,
  docuchatMaintenanceRunPermission,
];
