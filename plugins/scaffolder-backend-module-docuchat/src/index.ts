/**
 * Scaffolder module for DocuChat: runbook actions (`docuchat:*`).
 *
 * @packageDocumentation
 */
export { scaffolderModuleDocuchat as default } from './module';
