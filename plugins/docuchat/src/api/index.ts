export { docuchatApiRef } from './DocuChatApi';
export type {
  AskOptions,
  ConversationQuery,
  DocuChatApi,
  UploadOptions,
} from './DocuChatApi';
export { DocuChatClient } from './DocuChatClient';
