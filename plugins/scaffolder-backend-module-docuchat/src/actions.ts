import { TemplateAction } from '@backstage/plugin-scaffolder-node';

/**
 * Every `docuchat:*` action. The runbooks (rotate secrets, back up / restore
 * the database, scale GPU workers, run billing, new environment) land here
 * with their issues; until then the module contributes none.
 */
export function createTemplateActions(): TemplateAction<any, any, any>[] {
  return [];
}
