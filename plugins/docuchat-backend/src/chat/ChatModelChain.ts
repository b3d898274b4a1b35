import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import {
  ChatMessage,
  ChatModel,
  ChatModelError,
  ChatModelFailureReason,
  ChatStream,
  ChatUsage,
} from '@docuchat/backstage-plugin-docuchat-node';
import { countPromptTokens } from './chatTokens';
import { ExtractiveAnswerer, NumberedSource } from './ExtractiveAnswerer';
import { FallbackRecorder } from './FallbackRecorder';
import { WordStatisticsLookup } from './rankUnits';

const NOTHING_BILLED: ChatUsage = {
  promptTokens: 0,
  completionTokens: 0,
  estimated: false,
};

/** A call whose prompt the provider may have read, but sent nothing back. */
function estimatedPromptUsage(messages: ChatMessage[]): ChatUsage {
  return {
    promptTokens: countPromptTokens(messages),
    completionTokens: 0,
    estimated: true,
  };
}

/** What the chain needs: the prompt for models, the parts for the answerer. */
export interface ChatChainRequest {
  /** The full prompt (system, sources, history, question) for the models. */
  messages: ChatMessage[];
  /** The question alone, for the extractive answerer. */
  question: string;
  /** The retrieved passages as numbered in the prompt. */
  sources: NumberedSource[];
  /** The tenant's word statistics, for the extractive answerer. */
  wordStatistics?: WordStatisticsLookup;
  signal?: AbortSignal;
  /**
   * Called (and awaited) for every model call that does not give the
   * answer, as it fails: each step down, the caller's abort and errors no
   * fallback may hide. So each call's ledger row is written even when a
   * later step throws.
   */
  onFailedAttempt?: (attempt: FailedAttempt) => Promise<void>;
  /**
   * Called (and awaited) just before each model is called, with what the
   * call will cost at least (the prompt, counted locally): the caller writes
   * the call's pending ledger row here, so a crash during the call loses
   * nothing. A rejection stops the chain before the model is called.
   */
  onAttemptStart?: (attempt: FailedAttempt) => Promise<void>;
}

/**
 * A model called without getting the answer, and what it may have cost:
 * the prompt's tokens counted locally (estimated) unless the provider turned
 * the request away unread; never completion tokens, as none reached us.
 */
export interface FailedAttempt {
  model: string;
  usage: ChatUsage;
}

/** One step down the chain. */
export interface ChatFallback {
  from: string;
  to: string;
  reason: ChatModelFailureReason;
  /** The failure, for logs and the answer's diagnostics. */
  message: string;
}

export interface ChatChainAnswer {
  /** Id of the model that answers, e.g. `openai:gpt-4o-mini`. */
  model: string;
  stream: ChatStream;
  /** The steps taken down to `model`, in order; empty when the first answered. */
  fallbacks: ChatFallback[];
}

/**
 * Tries the chat models in order (primary, secondary, …) and ends with the
 * extractive answerer, which never fails, so every question gets an answer.
 *
 * The choice is made before the first token: a model's `stream()` resolves
 * only once its first token arrived, and a `ChatModelError` before that
 * moves on to the next model. Once a stream is handed out, the chain is out
 * of the way: a later failure ends that answer (the model estimates its
 * usage) instead of switching models halfway through a text the client has
 * partly seen.
 *
 * Not stepped down on: the caller's abort, and errors that are not a
 * `ChatModelError` (wrong key, unknown model, bad request), which another
 * model would only hide.
 */
export class ChatModelChain {
  readonly #models: ChatModel[];
  readonly #extractive: ExtractiveAnswerer;
  readonly #recorder: FallbackRecorder;
  readonly #logger: LoggerService;

  constructor(options: {
    /** Tried in this order; may be empty (no model configured). */
    models: ChatModel[];
    extractive?: ExtractiveAnswerer;
    recorder: FallbackRecorder;
    logger: LoggerService;
  }) {
    this.#models = [...options.models];
    this.#extractive = options.extractive ?? new ExtractiveAnswerer();
    this.#recorder = options.recorder;
    this.#logger = options.logger;
  }

  /** The ids of every step, the extractive answerer last. */
  get modelIds(): string[] {
    return [...this.#models.map(m => m.id), this.#extractive.id];
  }

  async open(request: ChatChainRequest): Promise<ChatChainAnswer> {
    const { messages, signal } = request;
    const fallbacks: ChatFallback[] = [];
    for (const [i, model] of this.#models.entries()) {
      signal?.throwIfAborted();
      await request.onAttemptStart?.({
        model: model.id,
        // Counted only if read: a caller that wrote the call's row before
        // (with an estimate of its own) does not pay for the tokenizer.
        get usage() {
          return estimatedPromptUsage(messages);
        },
      });
      try {
        const stream = await model.stream({ messages, signal });
        return { model: model.id, stream, fallbacks };
      } catch (error) {
        if (signal?.aborted || !(error instanceof ChatModelError)) {
          // Aborted: the prompt may have been read. Anything else is the
          // provider refusing the request (key, model, bad request).
          await request.onFailedAttempt?.({
            model: model.id,
            usage: signal?.aborted
              ? estimatedPromptUsage(messages)
              : NOTHING_BILLED,
          });
          throw error;
        }
        const next = this.#models[i + 1]?.id ?? this.#extractive.id;
        fallbacks.push(this.#stepDown(model.id, next, error));
        await request.onFailedAttempt?.({
          model: model.id,
          usage: error.promptMayBeBilled
            ? estimatedPromptUsage(messages)
            : NOTHING_BILLED,
        });
      }
    }
    signal?.throwIfAborted();
    return {
      model: this.#extractive.id,
      stream: this.#extractive.answer(
        request.question,
        request.sources,
        signal,
        request.wordStatistics,
      ),
      fallbacks,
    };
  }

  /**
   * The answer when retrieval found nothing relevant: the extractive
   * answerer's plain "not in the documents", without calling a model that
   * might guess.
   */
  nothingFound(question: string): ChatChainAnswer {
    return {
      model: this.#extractive.id,
      stream: this.#extractive.answer(question, []),
      fallbacks: [],
    };
  }

  #stepDown(from: string, to: string, error: ChatModelError): ChatFallback {
    this.#logger.warn(
      `Chat model ${from} failed before its first token (${error.reason}): ${error.message}; falling back to ${to}`,
    );
    try {
      this.#recorder.record(from, to, error.reason);
    } catch (recordError) {
      // Metrics must not cost the user the answer.
      this.#logger.error(
        'Could not record a chat fallback',
        toError(recordError),
      );
    }
    return { from, to, reason: error.reason, message: error.message };
  }
}
