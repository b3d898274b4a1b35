export { docuchatApiRef } from './DocuChatApi';
export type { DocuChatApi } from './DocuChatApi';
export { DocuChatClient } from './DocuChatClient';
