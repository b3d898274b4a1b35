/**
 * Catalog module for DocuChat: environments and tenants as entities, and the
 * scaffolder templates that ship in the DocuChat scaffolder module.
 *
 * @packageDocumentation
 */
export { catalogModuleDocuchat as default } from './module';
