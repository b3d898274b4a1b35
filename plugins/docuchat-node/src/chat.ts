import { createExtensionPoint } from '@backstage/backend-plugin-api';

/**
 * One message of a chat conversation, as chat models take it.
 *
 * @public
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * Tokens one answer cost. `estimated` is true when the provider did not
 * report them (stream cut, aborted, failed mid-answer) and they were counted
 * locally with a tokenizer instead; billing keeps that flag.
 *
 * @public
 */
export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  estimated: boolean;
}

/**
 * The answer of a chat model as it arrives: an async iterable of text deltas
 * (iterate it once). Breaking out of the loop stops the upstream request.
 * Iteration ends normally when the answer is complete; it throws when the
 * answer was cut after it had started (the text so far stands, there is no
 * switch to another model mid-answer).
 *
 * @public
 */
export interface ChatStream extends AsyncIterable<string> {
  /**
   * What the answer cost. Settles once iteration has ended, failed, been
   * broken off or aborted; never rejects.
   */
  usage(): Promise<ChatUsage>;
}

/**
 * Why a chat model gave no answer. Each of these lets the caller fall back
 * to the next model, as nothing has reached the client yet.
 *
 * - `timeout`: no first token in time (or no answer at all).
 * - `rate_limit`: HTTP 429.
 * - `server_error`: HTTP 5xx.
 * - `connection`: refused, reset or lost before the first token.
 * - `content_filter`: the provider's filter blocked the prompt or the answer.
 *
 * @public
 */
export type ChatModelFailureReason =
  | 'timeout'
  | 'rate_limit'
  | 'server_error'
  | 'connection'
  | 'content_filter';

/**
 * Thrown by `ChatModel.stream` when the model failed before its first token
 * for one of the reasons the fallback chain steps down on. Any other error
 * (a wrong key, a bad request, the caller's abort) is not a `ChatModelError`
 * and is not hidden by a fallback.
 *
 * A plain `Error` subclass, so modules can throw it without depending on
 * anything else.
 *
 * @public
 */
export class ChatModelError extends Error {
  readonly reason: ChatModelFailureReason;
  /**
   * Whether the provider may have read (and billed) the prompt: false only
   * when it turned the request away with an error status before any work
   * (a 429, a 5xx answer); true for timeouts, lost connections and errors
   * inside a started stream. The usage ledger estimates the prompt's tokens
   * for a failed attempt only when this is true.
   */
  readonly promptMayBeBilled: boolean;

  constructor(
    reason: ChatModelFailureReason,
    message: string,
    options?: { cause?: unknown; promptMayBeBilled?: boolean },
  ) {
    super(message, options);
    this.name = 'ChatModelError';
    this.reason = reason;
    this.promptMayBeBilled = options?.promptMayBeBilled ?? true;
  }
}

/**
 * Answers a conversation, streaming.
 *
 * @public
 */
export interface ChatModel {
  /** Stable id of provider and model, e.g. `openai:gpt-4o-mini`. */
  readonly id: string;
  /**
   * Sends the conversation. Resolves only once the first content token has
   * arrived (or the model ended without one), so the caller can still fall
   * back to another model before anything is sent to the client. Rejects
   * with a `ChatModelError` for failures a fallback can cover.
   */
  stream(request: {
    messages: ChatMessage[];
    signal?: AbortSignal;
  }): Promise<ChatStream>;
}

/**
 * Lets a backend module add chat models to DocuChat. Models added here come
 * before the ones from config, in the order added; the fallback chain tries
 * them in that order and ends with the built-in extractive answerer, which
 * never fails.
 *
 * @public
 */
export interface DocuchatChatModelsExtensionPoint {
  addChatModel(model: ChatModel): void;
}

/** @public */
export const docuchatChatModelsExtensionPoint =
  createExtensionPoint<DocuchatChatModelsExtensionPoint>({
    id: 'docuchat.chat-models',
  });
