import {
  AnswerFeedback,
  ChatTurn,
  Citation,
  ConversationDetail,
  ConversationSummary,
} from '@docuchat/backstage-plugin-docuchat-common';
import { WriteBatch } from './WriteBatch';

/** Whose conversation: every store call is scoped to one user in one tenant. */
export interface ConversationOwner {
  tenantId: string;
  /** Catalog entity ref of the user, e.g. `user:default/alice`. */
  userRef: string;
}

/** One question and its answer, appended together. */
export interface ConversationTurn {
  question: string;
  answer: string;
  citations?: Citation[];
  /** The model that answered, e.g. `openai:gpt-4o-mini`. */
  model?: string;
  /** The ask request; a second turn with the same id is a ConflictError. */
  requestId?: string;
}

/** A page of the owner's conversations, newest first. */
export interface ConversationListOptions {
  /** 1 to 100. */
  limit: number;
  /** Only conversations last updated strictly before this time. */
  before?: Date;
  /** Only conversations whose title contains this text, ignoring case. */
  q?: string;
}

/**
 * Conversation history per user and tenant. A conversation of another user
 * or tenant behaves exactly like one that does not exist (undefined/false),
 * and so does an id that is not a UUID. Invalid input is an InputError and
 * writes nothing.
 */
export interface ConversationStore {
  /**
   * Starts an empty conversation. `title` is normally the first question:
   * the store collapses its whitespace and shortens it to 80 characters, so
   * callers pass it as typed. Throws NotFoundError for an unknown tenant.
   */
  create(
    owner: ConversationOwner,
    request: { title: string },
  ): Promise<ConversationSummary>;
  /**
   * Starts a conversation with its first turn, titled by the question (as
   * `create` titles): the conversation a question opens exists only with
   * its answer. `id` (a UUID) is the caller's when it named the
   * conversation before (e.g. in the answer's events); `batch` sends it
   * with the caller's other writes.
   */
  createWithTurn(
    owner: ConversationOwner,
    turn: ConversationTurn,
    options?: { id?: string; batch?: WriteBatch },
  ): Promise<ConversationSummary>;
  /** The conversation with its messages, oldest first. */
  get(
    owner: ConversationOwner,
    id: string,
  ): Promise<ConversationDetail | undefined>;
  /** The owner's conversations, most recently updated first. */
  list(
    owner: ConversationOwner,
    options: ConversationListOptions,
  ): Promise<ConversationSummary[]>;
  /**
   * Appends the question and the answer together and bumps `updatedAt`;
   * false when the conversation is not the owner's (nothing is written
   * then). In `batch` when given: should a concurrent turn take the same
   * place, the batch fails and the caller appends again without one.
   */
  appendTurn(
    owner: ConversationOwner,
    id: string,
    turn: ConversationTurn,
    batch?: WriteBatch,
  ): Promise<boolean>;
  /**
   * The last `maxTurns` messages (questions and answers count one each),
   * oldest first: the history for the next prompt. Undefined when the
   * conversation is not the owner's.
   */
  recentTurns(
    owner: ConversationOwner,
    id: string,
    maxTurns: number,
  ): Promise<ChatTurn[] | undefined>;
  /**
   * Sets the title (whitespace collapsed, shortened like `create`'s) without
   * moving the conversation in the list; undefined when not the owner's.
   */
  rename(
    owner: ConversationOwner,
    id: string,
    title: string,
  ): Promise<ConversationSummary | undefined>;
  /**
   * Stores the owner's rating of one answer, replacing an earlier one; false
   * when the conversation is not the owner's or the message is not one of
   * its answers.
   */
  setFeedback(
    owner: ConversationOwner,
    id: string,
    messageId: string,
    feedback: AnswerFeedback,
  ): Promise<boolean>;
  /** Deletes the conversation and its messages; false when not the owner's. */
  delete(owner: ConversationOwner, id: string): Promise<boolean>;
}
