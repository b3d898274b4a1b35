import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@backstage/errors';
import {
  AskRequest,
  AskResponse,
  ChatTurn,
} from '@docuchat/backstage-plugin-docuchat-common';
import { ConversationStore } from '../database/ConversationStore';
import { WriteBatch } from '../database/WriteBatch';

/** The conversation a question's turn goes to. */
export interface TurnPlace {
  id: string;
  /** Named now, written with its first turn at the end. */
  isNew: boolean;
}

/**
 * What the ask service remembers of a user's conversations: the earlier
 * turns a question continues, the conversation its turn goes to, and the
 * turn once answered. Without a store (or for callers that are not users)
 * nothing is kept.
 */
export class ConversationMemory {
  readonly #conversations?: ConversationStore;
  readonly #maxHistoryMessages: number;

  constructor(options: {
    conversations?: ConversationStore;
    /** Earlier messages of a conversation put in the prompt. */
    maxHistoryMessages: number;
  }) {
    this.#conversations = options.conversations;
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

  /**
   * The conversation the turn goes to: the one continued, or a new one,
   * named now and written with its first turn at the end (so a question
   * that fails leaves no empty conversation). Undefined when nothing is
   * kept.
   */
  placeFor(
    userRef: string | undefined,
    request: AskRequest,
    keepConversation = true,
  ): TurnPlace | undefined {
    if (!keepConversation || !userRef || !this.#conversations) {
      return undefined;
    }
    if (request.conversationId) {
      return { id: request.conversationId, isNew: false };
    }
    // Clients that keep their own history keep their own conversations.
    if (request.history) return undefined;
    return { id: randomUUID(), isNew: true };
  }

  /**
   * Stores the answered turn in its place (a new conversation is created
   * with it), in `batch` when given.
   */
  storeTurn(
    owner: { tenantId: string; userRef: string },
    place: TurnPlace,
    question: string,
    response: AskResponse,
    batch?: WriteBatch,
  ): Promise<unknown> {
    if (!this.#conversations) return Promise.resolve();
    const turn = {
      question,
      answer: response.answer,
      citations: response.citations,
      model: response.model,
      requestId: response.requestId,
    };
    return place.isNew
      ? this.#conversations.createWithTurn(owner, turn, {
          id: place.id,
          batch,
        })
      : this.#conversations.appendTurn(owner, place.id, turn, batch);
  }
}
