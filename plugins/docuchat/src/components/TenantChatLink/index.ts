export { TenantChatLinkCard, tenantChatPath } from './TenantChatLinkCard';
