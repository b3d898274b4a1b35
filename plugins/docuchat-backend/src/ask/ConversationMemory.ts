import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError, toError } from '@backstage/errors';
import {
  AskRequest,
  AskResponse,
  ChatTurn,
} from '@docuchat/backstage-plugin-docuchat-common';
import { ConversationStore } from '../database/ConversationStore';

/**
 * What the ask service remembers of a user's conversations: the earlier
 * turns a question continues, the conversation its turn goes to, and the
 * turn once answered. Storing is best effort: a lost history entry never
 * costs the user an answer. Without a store (or for callers that are not
 * users) nothing is kept.
 */
export class ConversationMemory {
  readonly #conversations?: ConversationStore;
  readonly #logger: LoggerService;
  readonly #maxHistoryMessages: number;

  constructor(options: {
    conversations?: ConversationStore;
    logger: LoggerService;
    /** Earlier messages of a conversation put in the prompt. */
    maxHistoryMessages: number;
  }) {
    this.#conversations = options.conversations;
    this.#logger = options.logger;
    this.#maxHistoryMessages = options.maxHistoryMessages;
  }

  /** The turns the question continues: its stored conversation's, or its own. */
  async history(
    tenantId: string,
    userRef: string | undefined,
    request: AskRequest,
  ): Promise<ChatTurn[]> {
    if (!request.conversationId) return request.history ?? [];
    const turns =
      userRef &&
      (await this.#conversations?.recentTurns(
        { tenantId, userRef },
        request.conversationId,
        this.#maxHistoryMessages,
      ));
    if (!turns) {
      throw new NotFoundError(
        `Conversation ${request.conversationId} not found`,
      );
    }
    return turns;
  }

  /** The conversation the turn goes to: the one continued, or a new one. */
  async conversationFor(
    tenantId: string,
    userRef: string | undefined,
    request: AskRequest,
  ): Promise<string | undefined> {
    if (request.conversationId) return request.conversationId;
    // Clients that keep their own history keep their own conversations.
    if (!userRef || !this.#conversations || request.history) return undefined;
    const { id } = await this.#conversations.create(
      { tenantId, userRef },
      { title: request.question },
    );
    return id;
  }

  /** Stores the answered turn in its conversation. */
  async remember(
    tenantId: string,
    userRef: string | undefined,
    response: AskResponse,
    question: string,
  ) {
    if (!userRef || !response.conversationId || !this.#conversations) return;
    try {
      await this.#conversations.appendTurn(
        { tenantId, userRef },
        response.conversationId,
        {
          question,
          answer: response.answer,
          citations: response.citations,
          model: response.model,
          requestId: response.requestId,
        },
      );
    } catch (error) {
      // The user has the answer; a lost history entry must not undo that.
      this.#logger.error(
        `Could not store a turn of conversation ${response.conversationId}`,
        toError(error),
      );
    }
  }

  /** Removes a conversation the question opened when its answer failed. */
  async discard(tenantId: string, userRef: string, conversationId: string) {
    try {
      await this.#conversations?.delete({ tenantId, userRef }, conversationId);
    } catch (error) {
      this.#logger.warn(
        `Could not remove empty conversation ${conversationId}`,
        toError(error),
      );
    }
  }
}
