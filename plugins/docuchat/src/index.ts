/**
 * The DocuChat frontend plugin. Apps on the new frontend system import
 * `@docuchat/backstage-plugin-docuchat/alpha` instead.
 *
 * @packageDocumentation
 */
export { docuchatPlugin, DocuChatPage } from './plugin';
export { docuchatApiRef, DocuChatClient } from './api';
export type {
  AskOptions,
  ConversationQuery,
  DocuChatApi,
  PageQuery,
  UploadOptions,
  UsageRangeQuery,
} from './api';
export {
  EntityDocuChatUsageCard,
  EntityDocuChatInvoicesCard,
  EntityDocuChatChatLinkCard,
  EntityDocuChatDeploymentsCard,
  EntityDocuChatRunbooksCard,
  DocuChatAdminPage,
  DocuChatInvoicePage,
} from './entityPagesLegacy';
export {
  isDocuchatTenant,
  isDocuchatEnvironment,
} from './components/EntityPagesCommon';
export { adminRouteRef, invoiceRouteRef } from './entityPagesRoutes';
export { DocuchatSearchResultListItem } from './components/SearchResult';
export type { DocuchatSearchResultListItemProps } from './components/SearchResult';
