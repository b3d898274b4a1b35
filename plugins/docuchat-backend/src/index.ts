/**
 * The DocuChat backend plugin: RAG service, usage metering and billing.
 *
 * @packageDocumentation
 */
export { docuchatPlugin as default } from './plugin';
export {
  createDocuchatTenantConditionalDecision,
  docuchatTenantConditions,
  docuchatTenantResourceRef,
  type TenantFilter,
} from './permissions/tenantPermissionRules';
