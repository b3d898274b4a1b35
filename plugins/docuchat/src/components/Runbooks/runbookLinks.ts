import { Entity } from '@backstage/catalog-model';

/**
 * The runbook templates of `templates/` (new-tenant, new-environment,
 * rotate-secrets, backup-database, restore-database, scale-gpu-workers,
 * run-billing): Template entities tagged `docuchat`, or named after their
 * folder (with or without a `docuchat-` prefix).
 */
const RUNBOOKS = [
  'new-tenant',
  'new-environment',
  'rotate-secrets',
  'backup-database',
  'restore-database',
  'scale-gpu-workers',
  'run-billing',
];

/** Catalog filters (any of them) that find the DocuChat templates. */
export const DOCUCHAT_TEMPLATE_FILTER: Array<
  Record<string, string | string[]>
> = [
  { kind: 'Template', 'metadata.tags': 'docuchat' },
  {
    kind: 'Template',
    'metadata.name': RUNBOOKS.flatMap(name => [name, `docuchat-${name}`]),
  },
];

/**
 * The scaffolder page of a template with the environment filled in: the
 * scaffolder reads initial form values from the `formData` query parameter.
 */
export function runbookLink(template: Entity, environmentRef: string): string {
  const namespace = template.metadata.namespace ?? 'default';
  const formData = JSON.stringify({ environment: environmentRef });
  return `/create/templates/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(
    template.metadata.name,
  )}?formData=${encodeURIComponent(formData)}`;
}
