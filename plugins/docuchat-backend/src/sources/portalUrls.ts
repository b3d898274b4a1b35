import { Entity } from '@backstage/catalog-model';

/** namespace/kind/name as the portal's routes spell them (lower case). */
function entityPath(entity: Entity) {
  return [
    entity.metadata.namespace ?? 'default',
    entity.kind,
    entity.metadata.name,
  ]
    .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
    .join('/');
}

// Portal URLs are paths from the app's root, as Backstage's own search
// collators write them: they hold wherever the app is served.

/** The entity's page in the catalog. */
export function entityPageUrl(entity: Entity): string {
  return `/catalog/${entityPath(entity)}`;
}

/** A TechDocs page of the entity; `file` as the site stores it (`a/b/index.html`). */
export function techDocsPageUrl(entity: Entity, file: string): string {
  const page = file.replace(/(^|\/)index\.html$/, '$1');
  return `/docs/${entityPath(entity)}/${page}`;
}

/** The TechDocs backend's path of the entity's site. */
export function techDocsSitePath(entity: Entity): string {
  return entityPath(entity);
}
