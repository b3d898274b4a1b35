export { docuchatApiRef } from './DocuChatApi';
export type { DocuChatApi, PageQuery, UsageRangeQuery } from './DocuChatApi';
export { DocuChatClient } from './DocuChatClient';
