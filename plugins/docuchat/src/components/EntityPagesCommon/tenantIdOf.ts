import { Entity } from '@backstage/catalog-model';

/** The annotation that names a tenant entity's DocuChat tenant. */
export const DOCUCHAT_TENANT_ID_ANNOTATION = 'docuchat.io/tenant-id';

/** The DocuChat tenant id of a `docuchat-tenant` entity, if annotated. */
export function tenantIdOf(entity: Entity): string | undefined {
  return entity.metadata.annotations?.[DOCUCHAT_TENANT_ID_ANNOTATION];
}

/** Whether an entity is a DocuChat tenant (`Resource`, `docuchat-tenant`). @public */
export function isDocuchatTenant(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === 'docuchat-tenant'
  );
}

/** Whether an entity is a DocuChat environment (`docuchat-environment`). @public */
export function isDocuchatEnvironment(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === 'docuchat-environment'
  );
}
