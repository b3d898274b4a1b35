export { docuchatApiRef } from './DocuChatApi';
export type {
  AskOptions,
  ConversationQuery,
  DocuChatApi,
  PageQuery,
  UploadOptions,
  UsageRangeQuery,
} from './DocuChatApi';
export { DocuChatClient } from './DocuChatClient';
