export { DocuchatCard } from './DocuchatCard';
export { useCapability } from './useCapability';
export { useEntityPagesI18n } from './useEntityPagesI18n';
export {
  DOCUCHAT_TENANT_ID_ANNOTATION,
  isDocuchatEnvironment,
  isDocuchatTenant,
  tenantIdOf,
} from './tenantIdOf';
export { createFormatters } from './formatting';
export type { Formatters } from './formatting';
