import { ChatMessage } from '@docuchat/backstage-plugin-docuchat-node';
import { countTokens } from '../ingest/tokens';

/**
 * Framing the API adds around each message (role, separators) and to prime
 * the reply, as OpenAI's own counting guide gives it for current models.
 */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_TO_PRIME_REPLY = 3;

/**
 * Prompt tokens of a conversation, counted locally (o200k). Used when a
 * provider reported none (stream cut or aborted) and by the local answerer;
 * within a few tokens of what the API bills.
 */
export function countPromptTokens(messages: ChatMessage[]): number {
  return messages.reduce(
    (sum, message) => sum + TOKENS_PER_MESSAGE + countTokens(message.content),
    TOKENS_TO_PRIME_REPLY,
  );
}
