import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  ServiceUnavailableError,
  toError,
} from '@backstage/errors';
import {
  AskEvent,
  AskRequest,
  AskResponse,
  AskUsage,
  ChatTurn,
} from '@docuchat/backstage-plugin-docuchat-common';
import { randomUUID } from 'node:crypto';
import { ChatUsage } from '@docuchat/backstage-plugin-docuchat-node';
import { ChatChainAnswer, ChatModelChain } from '../chat/ChatModelChain';
import { ConversationStore } from '../database/ConversationStore';
import { UsageEntry } from '../usage/UsageLedger';
import { DocuchatMetrics, RagQueryOutcome } from '../metrics/DocuchatMetrics';
import { UsageMeter } from '../usage/UsageMeter';
import { HybridSearch } from '../search/HybridSearch';
import { RunningWork } from '../lifecycle/RunningWork';
import { buildPrompt } from './buildPrompt';
import { ConversationMemory } from './ConversationMemory';
import { selectSources } from './selectSources';

/** Counters the metrics registry keeps about questions and model calls. */
export type AskCounters = Pick<
  DocuchatMetrics,
  'countRagQuery' | 'countModelRequest' | 'observeFirstToken'
>;

/** Complete answers kept per tenant revision (see AnswerCache.ts). */
export interface AskAnswerCache {
  get(key: AnswerKey): Promise<CachedAnswer | undefined>;
  set(key: AnswerKey, answer: CachedAnswer): Promise<void>;
}

export interface AnswerKey {
  tenantId: string;
  revision: string;
  models: string[];
  k: number;
  question: string;
}

export type CachedAnswer = Omit<
  AskResponse,
  'requestId' | 'conversationId' | 'cached'
>;

export interface AskSettings {
  /** Chunks retrieved per question when the request does not say. */
  defaultK: number;
  /** Least cosine similarity for a chunk found only by the vector branch. */
  minVectorSimilarity: number;
  /** Earlier messages of a conversation put in the prompt. */
  maxHistoryMessages: number;
}

export interface AskInput {
  tenantId: string;
  /** Users get their turns stored; other backend plugins do not. */
  userRef?: string;
  request: AskRequest;
  /** Aborted when the client goes away: stops retrieval and the model. */
  signal: AbortSignal;
  /**
   * Whether a user's turn is stored as a conversation (default true); the
   * actions registry's callers keep their own context.
   */
  keepConversation?: boolean;
  /** Each event as it happens (the streaming mode); optional for JSON. */
  onEvent?: (event: AskEvent) => void;
}

/**
 * Answers a question from the tenant's documents: retrieve, keep the
 * relevant chunks, ask the model chain with the numbered sources, stream the
 * answer and meter every model call. Steps that cannot change the answer
 * (caches, conversations) never fail the question.
 */
export class AskService {
  readonly #search: HybridSearch;
  readonly #chain: ChatModelChain;
  readonly #meter: UsageMeter;
  readonly #revision: (tenantId: string) => Promise<string>;
  readonly #settings: AskSettings;
  readonly #logger: LoggerService;
  readonly #conversations: ConversationMemory;
  readonly #answers?: AskAnswerCache;
  readonly #counters?: AskCounters;
  readonly #running?: RunningWork;

  constructor(options: {
    search: HybridSearch;
    chain: ChatModelChain;
    meter: UsageMeter;
    /** The tenant's corpus revision, part of the answer cache key. */
    revision: (tenantId: string) => Promise<string>;
    settings: AskSettings;
    logger: LoggerService;
    conversations?: ConversationStore;
    answers?: AskAnswerCache;
    counters?: AskCounters;
    /** The replica's running work, drained at shutdown. */
    running?: RunningWork;
  }) {
    this.#search = options.search;
    this.#chain = options.chain;
    this.#meter = options.meter;
    this.#revision = options.revision;
    this.#settings = options.settings;
    this.#logger = options.logger;
    this.#conversations = new ConversationMemory({
      conversations: options.conversations,
      logger: options.logger,
      maxHistoryMessages: options.settings.maxHistoryMessages,
    });
    this.#answers = options.answers;
    this.#counters = options.counters;
    this.#running = options.running;
  }

  /**
   * Answers the question. During a shutdown new questions get 503, and an
   * answer still streaming when the grace period ends is cut like a client
   * abort (its ledger row settled, estimated).
   */
  async ask(input: AskInput): Promise<AskResponse> {
    if (!this.#running) return this.#ask(input);
    return this.#running.run(input.signal, signal =>
      this.#ask({ ...input, signal }),
    );
  }

  async #ask(input: AskInput): Promise<AskResponse> {
    const { tenantId, userRef, request } = input;
    const emit = input.onEvent
      ? this.#timingFirstToken(input.onEvent)
      : () => {};
    const requestId = request.requestId ?? randomUUID();
    const k = request.k ?? this.#settings.defaultK;

    // Checks that answer 4xx come first, before any event is sent.
    if (
      request.requestId &&
      (await this.#meter.isRecorded(chatId(requestId)))
    ) {
      throw new ConflictError(
        `Request ${requestId} was already answered; send a new requestId to ask again`,
      );
    }
    const history = await this.#conversations.history(
      tenantId,
      userRef,
      request,
    );
    const conversationId =
      input.keepConversation === false
        ? undefined
        : await this.#conversations.conversationFor(tenantId, userRef, request);

    try {
      return await this.#answer(input, {
        requestId,
        k,
        history,
        conversationId,
        emit,
      });
    } catch (error) {
      // A conversation this question opened has no turn when the answer
      // fails: do not leave it empty in the user's list.
      if (conversationId && userRef && !request.conversationId) {
        await this.#conversations.discard(tenantId, userRef, conversationId);
      }
      throw error;
    }
  }

  /** Retrieval, the model's answer and its bookkeeping, once the checks passed. */
  async #answer(
    input: AskInput,
    context: {
      requestId: string;
      k: number;
      history: ChatTurn[];
      conversationId?: string;
      emit: (event: AskEvent) => void;
    },
  ): Promise<AskResponse> {
    const { tenantId, userRef, request, signal } = input;
    const { requestId, k, history, conversationId, emit } = context;
    const answerKey =
      history.length === 0 && this.#answers
        ? {
            tenantId,
            revision: await this.#revision(tenantId),
            models: this.#chain.modelIds,
            k,
            question: request.question,
          }
        : undefined;
    const cached = answerKey && (await this.#cachedAnswer(answerKey));
    if (cached) {
      const response: AskResponse = {
        ...cached,
        requestId,
        conversationId,
        cached: true,
        usage: [],
      };
      this.#replay(response, emit);
      await this.#conversations.remember(
        tenantId,
        userRef,
        response,
        request.question,
      );
      this.#count(tenantId, 'cached');
      return response;
    }

    const usage: AskUsage[] = [];
    const onUsage = (entry: UsageEntry) => usage.push(toAskUsage(entry));
    // One ledger row per chat call: the first is `<id>:chat`, the n-th after
    // it `<id>:chat:attempt-n`. A model call's row is begun (pending, with
    // the prompt counted locally) before the call and settled when it ends,
    // on every path; a crash in between leaves it to the sweep.
    let calls = 0;
    let pendingCall: UsageEntry | undefined;
    const nextCallId = () =>
      ++calls === 1
        ? chatId(requestId)
        : `${chatId(requestId)}:attempt-${calls}`;
    const chatEntry = (id: string, model: string, spent: ChatUsage) => ({
      requestId: id,
      tenantId,
      model,
      operation: 'chat' as const,
      promptTokens: spent.promptTokens,
      completionTokens: spent.completionTokens,
      estimated: spent.estimated,
      userRef,
      conversationId,
    });
    const beginChatCall = async (model: string, estimate: ChatUsage) => {
      const entry = chatEntry(nextCallId(), model, estimate);
      // Another request with this id got there first: never call twice.
      if (!(await this.#meter.begin(entry))) {
        throw new ConflictError(
          `Request ${requestId} was already answered; send a new requestId to ask again`,
        );
      }
      pendingCall = entry;
    };
    const settleChatCall = async (model: string, spent: ChatUsage) => {
      const begun = pendingCall;
      pendingCall = undefined;
      const entry = chatEntry(begun?.requestId ?? nextCallId(), model, spent);
      if (begun) {
        await this.#meter.settle(entry);
      } else {
        // The local answerer: no provider call, nothing to lose to a crash.
        await this.#meter.record(entry);
      }
      onUsage(entry);
    };
    const hits = await this.#search.search(
      tenantId,
      request.question,
      k,
      'hybrid',
      {
        requestId: `${requestId}:embedding`,
        userRef,
        conversationId,
        signal,
        onUsage,
      },
    );
    const selected = selectSources(hits, this.#settings.minVectorSimilarity);
    const citations = selected.map(s => s.citation);
    emit({ event: 'citations', data: { citations } });

    const chosen: ChatChainAnswer =
      selected.length === 0
        ? this.#chain.nothingFound(request.question)
        : await this.#chain.open({
            messages: buildPrompt({
              question: request.question,
              sources: selected.map(s => s.source),
              history,
              maxHistoryMessages: this.#settings.maxHistoryMessages,
            }),
            question: request.question,
            sources: selected.map(s => s.source),
            wordStatistics: words =>
              this.#search.wordStatistics(tenantId, words),
            signal,
            onAttemptStart: attempt =>
              beginChatCall(attempt.model, attempt.usage),
            // Each failed attempt was a model call too: settled now, before
            // the next model is tried or the error goes up.
            onFailedAttempt: attempt =>
              settleChatCall(attempt.model, attempt.usage),
          });
    const fallbacks = chosen.fallbacks.map(({ from, to, reason }) => ({
      from,
      to,
      reason,
    }));
    for (const { from } of fallbacks) this.#countModel(from, 'fallback');
    emit({
      event: 'meta',
      data: { requestId, conversationId, model: chosen.model, fallbacks },
    });

    let answer = '';
    let failure: unknown;
    try {
      for await (const delta of chosen.stream) {
        if (signal.aborted) break;
        answer += delta;
        emit({ event: 'token', data: { text: delta } });
      }
    } catch (error) {
      failure = error;
    } finally {
      // The model was called: its row is written whatever happened above.
      const spent = await chosen.stream.usage();
      await settleChatCall(chosen.model, spent);
      this.#countModel(chosen.model, failure ? 'error' : 'success');
    }
    emit({ event: 'usage', data: { usage } });

    if (signal.aborted) {
      this.#count(tenantId, 'aborted');
      signal.throwIfAborted();
    }
    if (failure) {
      this.#count(tenantId, 'error');
      // 503: the text so far stands, but it is not a whole answer.
      throw new ServiceUnavailableError(
        `The answer of ${chosen.model} broke off: ${String(
          (failure as Error)?.message ?? failure,
        )}`,
        failure,
      );
    }

    const response: AskResponse = {
      requestId,
      conversationId,
      answer,
      model: chosen.model,
      citations,
      usage,
      fallbacks,
      cached: false,
    };
    emit({ event: 'done', data: response });
    await this.#conversations.remember(
      tenantId,
      userRef,
      response,
      request.question,
    );
    // A fallback's answer is not cached: the better model may be back soon.
    if (answerKey && fallbacks.length === 0 && selected.length > 0) {
      await this.#cacheAnswer(answerKey, response);
    }
    this.#count(tenantId, selected.length === 0 ? 'no_sources' : 'answered');
    return response;
  }

  async #cachedAnswer(key: AnswerKey) {
    try {
      return await this.#answers?.get(key);
    } catch (error) {
      this.#logger.warn('Answer cache read failed', toError(error));
      return undefined;
    }
  }

  async #cacheAnswer(key: AnswerKey, response: AskResponse) {
    const { answer, model, citations, usage, fallbacks } = response;
    try {
      await this.#answers?.set(key, {
        answer,
        model,
        citations,
        usage,
        fallbacks,
      });
    } catch (error) {
      this.#logger.warn('Answer cache write failed', toError(error));
    }
  }

  /** A cached answer, sent as the same events a fresh one would be. */
  #replay(response: AskResponse, emit: (event: AskEvent) => void) {
    emit({ event: 'citations', data: { citations: response.citations } });
    emit({
      event: 'meta',
      data: {
        requestId: response.requestId,
        conversationId: response.conversationId,
        model: response.model,
        fallbacks: response.fallbacks,
      },
    });
    emit({ event: 'token', data: { text: response.answer } });
    emit({ event: 'usage', data: { usage: response.usage } });
    emit({ event: 'done', data: response });
  }

  /** `onEvent`, observing the wait until the first token goes out. */
  #timingFirstToken(onEvent: (event: AskEvent) => void) {
    const started = process.hrtime.bigint();
    let waiting = true;
    return (event: AskEvent) => {
      if (waiting && event.event === 'token') {
        waiting = false;
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        try {
          this.#counters?.observeFirstToken(seconds);
        } catch (error) {
          this.#logger.error('Could not time a first token', toError(error));
        }
      }
      onEvent(event);
    };
  }

  #countModel(model: string, outcome: 'success' | 'error' | 'fallback') {
    try {
      this.#counters?.countModelRequest(model, 'chat', outcome);
    } catch (error) {
      this.#logger.error('Could not count a model request', toError(error));
    }
  }

  #count(tenantId: string, outcome: RagQueryOutcome) {
    try {
      this.#counters?.countRagQuery(tenantId, outcome);
    } catch (error) {
      this.#logger.error('Could not count a question', toError(error));
    }
  }
}

function chatId(requestId: string) {
  return `${requestId}:chat`;
}

function toAskUsage(entry: UsageEntry): AskUsage {
  return {
    model: entry.model,
    operation: entry.operation,
    promptTokens: entry.promptTokens,
    completionTokens: entry.completionTokens,
    estimated: entry.estimated ?? false,
  };
}
