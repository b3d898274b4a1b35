import { z } from 'zod';
import { Citation } from './ask';

/**
 * A stored conversation as listed: the caller's own, in one tenant.
 *
 * @public
 */
export interface ConversationSummary {
  id: string;
  tenantId: string;
  /** The first question, whitespace collapsed and shortened to 80 characters. */
  title: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** When the last turn was appended (ISO 8601, UTC); lists sort by it. */
  updatedAt: string;
  /** Questions and answers together: two per turn. */
  messageCount: number;
}

/**
 * One question (`user`) or answer (`assistant`) of a conversation.
 *
 * @public
 */
export interface ConversationMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  /** The sources the answer cites as `[n]`; assistant messages only. */
  citations?: Citation[];
  /** The model that wrote the answer, e.g. `openai:gpt-4o-mini`. */
  model?: string;
  /** The ask request that produced the answer. */
  requestId?: string;
  /** The asker's rating of the answer; assistant messages only. */
  feedback?: AnswerFeedback;
  /** ISO 8601, UTC. */
  createdAt: string;
}

/**
 * Body of `GET /tenants/:tenantId/conversations/:conversationId`: the
 * conversation with its messages, oldest first.
 *
 * @public
 */
export interface ConversationDetail extends ConversationSummary {
  messages: ConversationMessage[];
}

/**
 * Body of `GET /tenants/:tenantId/conversations`: newest first. Pass the last
 * item's `updatedAt` as `before` for the next page.
 *
 * @public
 */
export interface ConversationListResponse {
  items: ConversationSummary[];
}

/**
 * Body of `PATCH /tenants/:tenantId/conversations/:conversationId`.
 *
 * @public
 */
export const renameConversationRequestSchema = z
  .object({ title: z.string().trim().min(1, 'is required').max(200) })
  .strict();

/** @public */
export type RenameConversationRequest = z.infer<
  typeof renameConversationRequestSchema
>;

/**
 * Body of `PUT /tenants/:tenantId/conversations/:conversationId/messages/:messageId/feedback`:
 * the asker's rating of one answer, and optionally why. A second PUT
 * replaces the first.
 *
 * @public
 */
export const answerFeedbackSchema = z
  .object({
    rating: z.enum(['up', 'down']),
    reason: z.string().trim().max(1000).optional(),
  })
  .strict();

/** @public */
export type AnswerFeedback = z.infer<typeof answerFeedbackSchema>;
