/**
 * Catalog module for DocuChat: environments (and later tenants) as entities.
 *
 * @packageDocumentation
 */
export { catalogModuleDocuchat as default } from './module';
