import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError, toError } from '@backstage/errors';
import {
  AskEvent,
  AskRequest,
  AskResponse,
  ChatTurn,
} from '@docuchat/backstage-plugin-docuchat-common';
import { randomUUID } from 'node:crypto';
import { ChatChainAnswer, ChatModelChain } from '../chat/ChatModelChain';
import { countPromptTokens } from '../chat/chatTokens';
import { ConversationStore } from '../database/ConversationStore';
import { WriteBatch } from '../database/WriteBatch';
import { UsageMeter } from '../usage/UsageMeter';
import { HybridSearch } from '../search/HybridSearch';
import { QueryEmbedder } from '../search/QueryEmbedder';
import { RunningWork } from '../lifecycle/RunningWork';
import { AskCounters, AskCounting } from './AskCounting';
import { buildPrompt } from './buildPrompt';
import { ConversationMemory, TurnPlace } from './ConversationMemory';
import { QuestionLedger } from './QuestionLedger';
import { selectSources } from './selectSources';

/**
 * What the numbering and place of one source add to the prompt beyond its
 * text (`[n] title › headings`, blank lines), in tokens, generously.
 */
const SOURCE_FRAMING_TOKENS = 32;

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
  /** The most tokens a chunk holds (`docuchat.ingestion.chunkTokens`). */
  maxSourceTokens: number;
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
  /**
   * The caller's admission of the question (rate limit, budget), written
   * with the question's first rows in `batch`; rejects to refuse it. The
   * question's rows are removed then.
   */
  admit?: (batch: WriteBatch) => Promise<void>;
}

/**
 * Answers a question from the tenant's documents: retrieve, keep the
 * relevant chunks, ask the model chain with the numbered sources, stream the
 * answer and meter every model call. Steps that cannot change the answer
 * (caches, conversations) never fail the question.
 */
export class AskService {
  readonly #search: HybridSearch;
  readonly #queryEmbedder: QueryEmbedder;
  readonly #writes: () => WriteBatch;
  readonly #chain: ChatModelChain;
  readonly #meter: UsageMeter;
  readonly #revision: (tenantId: string) => Promise<string>;
  readonly #settings: AskSettings;
  readonly #logger: LoggerService;
  readonly #conversations: ConversationMemory;
  readonly #answers?: AskAnswerCache;
  readonly #counting: AskCounting;
  readonly #running?: RunningWork;
  #instructionTokens?: number;

  constructor(options: {
    search: HybridSearch;
    /** The search's query embedder: whether a question's vector is cached. */
    queryEmbedder: QueryEmbedder;
    /** A batch for the writes of one question's start, or of its end. */
    writes: () => WriteBatch;
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
    this.#queryEmbedder = options.queryEmbedder;
    this.#writes = options.writes;
    this.#chain = options.chain;
    this.#meter = options.meter;
    this.#revision = options.revision;
    this.#settings = options.settings;
    this.#logger = options.logger;
    this.#conversations = new ConversationMemory({
      conversations: options.conversations,
      maxHistoryMessages: options.settings.maxHistoryMessages,
    });
    this.#answers = options.answers;
    this.#counting = new AskCounting(options.counters, options.logger);
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
      ? this.#counting.timingFirstToken(input.onEvent)
      : () => {};
    const requestId = request.requestId ?? randomUUID();
    const k = request.k ?? this.#settings.defaultK;

    // Checks that answer 4xx come first, before any event is sent.
    const history = await this.#conversations.history(
      tenantId,
      userRef,
      request,
    );
    const conversation = this.#conversations.placeFor(
      userRef,
      request,
      input.keepConversation,
    );
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
      await this.#admit(input);
      const response: AskResponse = {
        ...cached,
        requestId,
        conversationId: conversation?.id,
        cached: true,
        usage: [],
      };
      this.#replay(response, emit);
      await this.#finish(input, conversation, response);
      this.#counting.question(tenantId, 'cached');
      return response;
    }

    const ledger = new QuestionLedger(this.#meter, {
      requestId,
      tenantId,
      userRef,
      conversationId: conversation?.id,
    });
    const queryVector = await this.#queryEmbedder.cached(request.question);
    await this.#admit(input, ledger, {
      embedding: queryVector
        ? undefined
        : this.#queryEmbedder.pendingEntry(request.question, {
            ...ledger.embeddingContext(),
            tenantId,
          }),
      chat: {
        model: this.#chain.modelIds[0],
        promptTokens: this.#promptEstimate(request.question, history, k),
      },
    });

    let outcome: { response: AskResponse; answered: boolean } | undefined;
    try {
      outcome = await this.#answer(input, {
        requestId,
        k,
        history,
        conversationId: conversation?.id,
        ledger,
        emit,
      });
    } finally {
      // The calls were made (or not) whatever happened: their rows settle
      // now, with the turn when there is one.
      await this.#finish(input, conversation, outcome?.response, ledger);
    }
    const { response, answered } = outcome;
    emit({ event: 'done', data: response });
    // A fallback's answer is not cached: the better model may be back soon.
    if (answerKey && response.fallbacks.length === 0 && answered) {
      await this.#cacheAnswer(answerKey, response);
    }
    this.#counting.question(tenantId, answered ? 'answered' : 'no_sources');
    return response;
  }

  /**
   * The caller's admission (rate limit, budget) and the rows of the calls
   * the question will make, in one round trip. A refused question leaves
   * no rows.
   */
  async #admit(
    input: AskInput,
    ledger?: QuestionLedger,
    calls?: Parameters<QuestionLedger['begin']>[1],
  ): Promise<void> {
    const batch = this.#writes();
    const admitted = input.admit?.(batch);
    const begun = ledger && calls ? ledger.begin(batch, calls) : undefined;
    await batch.run();
    try {
      await admitted;
    } catch (error) {
      await begun?.then(
        () => ledger!.discard(),
        () => undefined,
      );
      throw error;
    }
    await begun;
  }

  /**
   * The question's last writes, in one round trip: its ledger rows settled
   * and, for a complete answer, the turn stored in its conversation. The
   * rows must settle even when the turn cannot be stored (the user has the
   * answer; a lost history entry is logged): then they settle alone.
   */
  async #finish(
    input: AskInput,
    conversation: TurnPlace | undefined,
    response: AskResponse | undefined,
    ledger?: QuestionLedger,
  ): Promise<void> {
    const { tenantId, userRef, request } = input;
    const batch = this.#writes();
    const settled = ledger?.finish(batch);
    const stored =
      conversation && userRef && response
        ? this.#conversations.storeTurn(
            { tenantId, userRef },
            conversation,
            request.question,
            response,
            batch,
          )
        : undefined;
    try {
      await batch.run();
      await settled;
      await stored;
      return;
    } catch (error) {
      this.#logger.warn(
        `Could not write the end of question ${
          response?.requestId ?? request.requestId ?? ''
        } in one batch, writing its parts alone`,
        toError(error),
      );
    }
    await ledger?.finish();
    if (conversation && userRef && response) {
      try {
        await this.#conversations.storeTurn(
          { tenantId, userRef },
          conversation,
          request.question,
          response,
        );
      } catch (error) {
        // The user has the answer; a lost history entry must not undo that.
        this.#logger.error(
          `Could not store a turn of conversation ${conversation.id}`,
          toError(error),
        );
      }
    }
  }

  /**
   * The most tokens the prompt can hold, known before retrieval: the
   * instructions, history and question as they are, and k sources of at
   * most `maxSourceTokens` each.
   */
  #promptEstimate(question: string, history: ChatTurn[], k: number): number {
    const { maxHistoryMessages, maxSourceTokens } = this.#settings;
    const [instructions, ...conversation] = buildPrompt({
      question,
      sources: [],
      history,
      maxHistoryMessages,
    });
    // The instructions are the same for every question: counted once.
    this.#instructionTokens ??= countPromptTokens([instructions]);
    return (
      this.#instructionTokens +
      countPromptTokens(conversation) +
      k * (maxSourceTokens + SOURCE_FRAMING_TOKENS)
    );
  }

  /** Retrieval and the model's answer, once the checks passed. */
  async #answer(
    input: AskInput,
    context: {
      requestId: string;
      k: number;
      history: ChatTurn[];
      conversationId?: string;
      ledger: QuestionLedger;
      emit: (event: AskEvent) => void;
    },
  ): Promise<{ response: AskResponse; answered: boolean }> {
    const { tenantId, request, signal } = input;
    const { requestId, k, history, conversationId, ledger, emit } = context;
    const hits = await this.#search.search(
      tenantId,
      request.question,
      k,
      'hybrid',
      { ...ledger.embeddingContext(), signal },
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
            onAttemptStart: ledger.onAttemptStart,
            // Each failed attempt was a model call too: settled now, before
            // the next model is tried or the error goes up.
            onFailedAttempt: ledger.onFailedAttempt,
          });
    const fallbacks = chosen.fallbacks.map(({ from, to, reason }) => ({
      from,
      to,
      reason,
    }));
    for (const { from } of fallbacks) this.#counting.model(from, 'fallback');
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
      // The model was called: its row is settled whatever happened above.
      ledger.answered(chosen.model, await chosen.stream.usage());
      this.#counting.model(chosen.model, failure ? 'error' : 'success');
    }
    emit({ event: 'usage', data: { usage: ledger.usage } });

    if (signal.aborted) {
      this.#counting.question(tenantId, 'aborted');
      signal.throwIfAborted();
    }
    if (failure) {
      this.#counting.question(tenantId, 'error');
      // 503: the text so far stands, but it is not a whole answer.
      throw new ServiceUnavailableError(
        `The answer of ${chosen.model} broke off: ${String(
          (failure as Error)?.message ?? failure,
        )}`,
        failure,
      );
    }
    return {
      response: {
        requestId,
        conversationId,
        answer,
        model: chosen.model,
        citations,
        usage: ledger.usage,
        fallbacks,
        cached: false,
      },
      answered: selected.length > 0,
    };
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
}
