import { Entity } from '@backstage/catalog-model';

/**
 * The templates of `templates/` (new-tenant, new-environment, rotate-secrets,
 * backup-database, restore-database, scale-gpu-workers, run-billing):
 * Template entities tagged `docuchat`, or named after their folder (with or
 * without a `docuchat-` prefix).
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
 * The form parameter through which the runbooks take the environment they
 * act on: an EntityPicker of `docuchat-environment` Resources, whose value
 * is the entity ref as `stringifyEntityRef` writes it.
 */
export const ENVIRONMENT_PARAMETER = 'environment';

/** The names of a template's form parameters, over all its form steps. */
export function templateParameterNames(template: Entity): Set<string> {
  const parameters = template.spec?.parameters;
  const steps = Array.isArray(parameters) ? parameters : [parameters];
  return new Set(
    steps.flatMap(step =>
      step && typeof step === 'object' && 'properties' in step
        ? Object.keys((step as { properties?: object }).properties ?? {})
        : [],
    ),
  );
}

/**
 * The scaffolder page of a template, with the environment filled in where
 * the template asks for one (the scaffolder reads initial form values from
 * the `formData` query parameter); templates that do not act on an
 * environment (new tenant, new environment, billing) open empty.
 */
export function runbookLink(template: Entity, environmentRef: string): string {
  const namespace = template.metadata.namespace ?? 'default';
  const path = `/create/templates/${encodeURIComponent(
    namespace,
  )}/${encodeURIComponent(template.metadata.name)}`;
  if (!templateParameterNames(template).has(ENVIRONMENT_PARAMETER)) {
    return path;
  }
  const formData = JSON.stringify({ [ENVIRONMENT_PARAMETER]: environmentRef });
  return `${path}?formData=${encodeURIComponent(formData)}`;
}
