/**
 * The DocuChat module for Backstage search: every passage of every tenant's
 * documents as a search document of type `docuchat`, authorized by its
 * tenant, so the portal's search shows it only to users who may read that
 * tenant.
 *
 * @packageDocumentation
 */
export { searchModuleDocuchatCollator as default } from './module';
export { DocuchatCollatorFactory } from './collator/DocuchatCollatorFactory';
export type { DocuchatCollatorFactoryOptions } from './collator/DocuchatCollatorFactory';
