export { DocuChatPage } from './DocuChatPage';
