import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import { Tenant } from '@docuchat/backstage-plugin-docuchat-common';

/** The Resource type of a DocuChat tenant entity. */
export const TENANT_RESOURCE_TYPE = 'docuchat-tenant';

/** Annotation holding the DocuChat tenant id of a tenant entity. */
export const TENANT_ID_ANNOTATION = 'docuchat.io/tenant-id';

/** The catalog name of a tenant's Resource. */
export function tenantEntityName(tenantId: string) {
  return `docuchat-tenant-${tenantId}`;
}

/**
 * A DocuChat tenant as a `Resource`: owned by the tenant's owner, part of
 * the docuchat system, depending on the environment that serves it.
 */
export function tenantEntity(
  tenant: Tenant,
  options: {
    /** The portal's `app.baseUrl`: catalog links must be absolute. */
    appBaseUrl: string;
    environmentRef?: string;
  },
): Entity {
  const location = `docuchat:tenant/${tenant.id}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: tenantEntityName(tenant.id),
      title: tenant.displayName,
      description: `DocuChat tenant ${tenant.id}`,
      tags: ['docuchat', 'docuchat-tenant'],
      annotations: {
        [ANNOTATION_LOCATION]: location,
        [ANNOTATION_ORIGIN_LOCATION]: location,
        [TENANT_ID_ANNOTATION]: tenant.id,
      },
      links: [
        {
          url: `${options.appBaseUrl.replace(
            /\/+$/,
            '',
          )}/docuchat/tenants/${encodeURIComponent(tenant.id)}`,
          title: 'Chat',
          icon: 'chat',
        },
      ],
    },
    spec: {
      type: TENANT_RESOURCE_TYPE,
      owner: tenant.ownerRef,
      system: 'docuchat',
      ...(options.environmentRef && { dependsOn: [options.environmentRef] }),
    },
  };
}
