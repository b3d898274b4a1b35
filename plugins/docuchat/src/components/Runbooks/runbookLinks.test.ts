import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  DOCUCHAT_TEMPLATE_FILTER,
  ENVIRONMENT_PARAMETER,
  runbookLink,
  templateParameterNames,
} from './runbookLinks';

const TEMPLATES = path.resolve(
  __dirname,
  '../../../../scaffolder-backend-module-docuchat/templates',
);
const ENVIRONMENT_REF = 'resource:default/docuchat-staging';

/** Every template under `templates/`, as the catalog serves it. */
const templates: Entity[] = fs
  .readdirSync(TEMPLATES)
  .map(dir => path.join(TEMPLATES, dir, 'template.yaml'))
  .filter(file => fs.existsSync(file))
  .map(file => parse(fs.readFileSync(file, 'utf8')));

/** The form values a runbook link opens the scaffolder with. */
function formDataOf(link: string): Record<string, unknown> {
  const formData = new URL(link, 'http://portal').searchParams.get('formData');
  return formData ? JSON.parse(formData) : {};
}

/** A template's form parameter of that name (its JSON schema). */
function parameterOf(template: Entity, name: string): any {
  const steps = template.spec!.parameters as Array<{ properties: object }>;
  return steps
    .map(step => (step.properties as Record<string, unknown>)[name])
    .find(Boolean);
}

describe('runbook links against templates/', () => {
  it('reads all seven templates', () => {
    expect(templates.map(t => t.metadata.name).sort()).toEqual([
      'docuchat-backup-database',
      'docuchat-new-environment',
      'docuchat-new-tenant',
      'docuchat-restore-database',
      'docuchat-rotate-secrets',
      'docuchat-run-billing',
      'docuchat-scale-gpu-workers',
    ]);
  });

  it.each(templates.map(t => [t.metadata.name, t] as const))(
    '%s: the link fills only parameters the template has',
    (_name, template) => {
      const link = runbookLink(template, ENVIRONMENT_REF);
      expect(new URL(link, 'http://portal').pathname).toBe(
        `/create/templates/default/${template.metadata.name}`,
      );
      const names = templateParameterNames(template);
      for (const key of Object.keys(formDataOf(link))) {
        expect(names).toContain(key);
      }
    },
  );

  it('fills the environment of every runbook that acts on one, as its picker writes it', () => {
    const acting = templates.filter(t =>
      templateParameterNames(t).has(ENVIRONMENT_PARAMETER),
    );
    expect(acting.map(t => t.metadata.name).sort()).toEqual([
      'docuchat-backup-database',
      'docuchat-restore-database',
      'docuchat-rotate-secrets',
      'docuchat-scale-gpu-workers',
    ]);
    for (const template of acting) {
      expect(formDataOf(runbookLink(template, ENVIRONMENT_REF))).toEqual({
        environment: ENVIRONMENT_REF,
      });
      // An EntityPicker of environments: its value is the full entity ref
      // (kind:namespace/name), the format the link fills in.
      const parameter = parameterOf(template, ENVIRONMENT_PARAMETER);
      expect(parameter['ui:field']).toBe('EntityPicker');
      expect(parameter['ui:options'].catalogFilter).toEqual([
        { kind: 'Resource', 'spec.type': 'docuchat-environment' },
      ]);
      // The environment step reads the ref the form sends.
      expect(JSON.stringify(template.spec!.steps)).toContain(
        '${{ parameters.environment }}',
      );
    }
  });

  it('opens the templates without an environment parameter empty', () => {
    for (const name of [
      'docuchat-new-tenant',
      'docuchat-new-environment',
      'docuchat-run-billing',
    ]) {
      const template = templates.find(t => t.metadata.name === name)!;
      expect(runbookLink(template, ENVIRONMENT_REF)).toBe(
        `/create/templates/default/${name}`,
      );
    }
  });

  it('finds every template with the catalog filter', () => {
    const matches = (template: Entity) =>
      DOCUCHAT_TEMPLATE_FILTER.some(filter =>
        Object.entries(filter).every(([key, wanted]) => {
          const values = ([] as unknown[]).concat(
            key
              .split('.')
              .reduce<any>((value, part) => value?.[part], template),
          );
          return ([] as string[]).concat(wanted).some(w => values.includes(w));
        }),
      );
    for (const template of templates) expect(matches(template)).toBe(true);
  });
});
