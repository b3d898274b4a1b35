import { ConflictError } from '@backstage/errors';
import { AskUsage } from '@docuchat/backstage-plugin-docuchat-common';
import { ChatUsage } from '@docuchat/backstage-plugin-docuchat-node';
import { FailedAttempt } from '../chat/ChatModelChain';
import { WriteBatch } from '../database/WriteBatch';
import { QueryContext } from '../search/QueryEmbedder';
import { UsageEntry, UsageSettlement } from '../usage/UsageLedger';
import { UsageMeter } from '../usage/UsageMeter';

/** Who a question's calls are billed to, and under which id. */
export interface QuestionOwner {
  requestId: string;
  tenantId: string;
  userRef?: string;
  conversationId?: string;
}

/**
 * The ledger rows of one question's model calls, written so that a crash
 * loses none of them and the question pays few round trips: the query
 * embedding's row (unless its vector is cached) and the first chat call's
 * row are begun together, before the first call, with the question's other
 * first writes; they are settled together after the last, with its other
 * last writes.
 *
 * Row ids: `<id>:embedding`; `<id>:chat` for the first chat call and
 * `<id>:chat:attempt-n` for the n-th when models fall back. The chat row
 * is begun before retrieval, so it holds the most the prompt can be (the
 * question, the history, k sources of at most chunkTokens each and the
 * instructions): a replica that dies during the question bills that,
 * flagged estimated, as the sweep settles it. A row whose call never
 * happens (retrieval failed, or a local answer took its place) is settled
 * as that local answer, or removed.
 */
export class QuestionLedger {
  readonly #meter: UsageMeter;
  readonly #owner: QuestionOwner;
  /** What the response reports: every call settled so far. */
  readonly usage: AskUsage[] = [];
  #embedding?: {
    entry: UsageEntry;
    settlement?: UsageSettlement;
    failed?: boolean;
  };
  /** The row of the chat call under way (begun, not settled yet). */
  #open?: UsageEntry;
  /** What the answer cost: the answering call, or the local answer. */
  #answer?: { model: string; spent: ChatUsage };
  #calls = 0;

  constructor(meter: UsageMeter, owner: QuestionOwner) {
    this.#meter = meter;
    this.#owner = owner;
  }

  /** The id of the query embedding's row. */
  get embeddingRequestId(): string {
    return `${this.#owner.requestId}:embedding`;
  }

  /**
   * Begins, in `batch`, the rows of the calls the question will make: the
   * query embedding (`embedding`, unless the vector is cached) and the
   * first chat call. Resolves once the batch was sent; ConflictError (and
   * nothing left behind) when this request id was answered before.
   */
  async begin(
    batch: WriteBatch,
    calls: {
      embedding?: UsageEntry;
      chat: { model: string; promptTokens: number };
    },
  ): Promise<void> {
    const chat = this.#entry(this.#nextChatId(), calls.chat.model, {
      promptTokens: calls.chat.promptTokens,
      completionTokens: 0,
      estimated: true,
    });
    const entries = calls.embedding ? [calls.embedding, chat] : [chat];
    const wrote = await this.#meter.beginAll(entries, batch);
    if (wrote.every(Boolean)) {
      if (calls.embedding) this.#embedding = { entry: calls.embedding };
      this.#open = chat;
      return;
    }
    await this.#meter.discard(
      entries.filter((_, i) => wrote[i]).map(e => e.requestId),
    );
    throw new ConflictError(
      `Request ${
        this.#owner.requestId
      } was already answered; send a new requestId to ask again`,
    );
  }

  /** The rows of every call begun, for removal when the question is refused. */
  async discard(): Promise<void> {
    const ids = [this.#embedding?.entry.requestId, this.#open?.requestId];
    this.#embedding = undefined;
    this.#open = undefined;
    await this.#meter.discard(ids.filter((id): id is string => !!id));
  }

  /** How the query embedder bills its call to this question. */
  embeddingContext(): Omit<QueryContext, 'tenantId'> {
    return {
      requestId: this.embeddingRequestId,
      userRef: this.#owner.userRef,
      conversationId: this.#owner.conversationId,
      ...(this.#embedding && {
        settle: (settlement: UsageSettlement, failed: boolean) => {
          this.#embedding!.settlement = settlement;
          this.#embedding!.failed = failed;
        },
      }),
      onUsage: entry => this.usage.push(toAskUsage(entry)),
    };
  }

  /**
   * The chain's hook before each model call: the first uses the row begun
   * with the question; each fallback writes its own first.
   */
  readonly onAttemptStart = async (attempt: FailedAttempt) => {
    if (this.#open && this.#calls === 1) {
      this.#open = { ...this.#open, model: attempt.model };
      return;
    }
    const entry = this.#entry(this.#nextChatId(), attempt.model, attempt.usage);
    // Another request with this id got there first: never call twice.
    if (!(await this.#meter.begin(entry))) {
      throw new ConflictError(
        `Request ${
          this.#owner.requestId
        } was already answered; send a new requestId to ask again`,
      );
    }
    this.#open = entry;
  };

  /** The chain's hook after a model call that did not answer: settled now. */
  readonly onFailedAttempt = async (attempt: FailedAttempt) => {
    const begun = this.#open;
    this.#open = undefined;
    const entry = this.#entry(
      begun?.requestId ?? this.#nextChatId(),
      attempt.model,
      attempt.usage,
    );
    await this.#meter.settle(entry);
    this.usage.push(toAskUsage(entry));
  };

  /**
   * What the answer cost: the answering call's usage (or the local
   * answer's, in place of the call the open row was begun for). Reported in
   * `usage` now, settled by `finish`.
   */
  answered(model: string, spent: ChatUsage): void {
    this.#answer = { model, spent };
    this.usage.push(
      toAskUsage(this.#entry(this.#open?.requestId ?? '', model, spent)),
    );
  }

  /**
   * Settles every row still open: the embedding with what its call cost,
   * the chat row with the answer's. In `batch` when given, with the
   * question's other last writes (its statements are added before this
   * first waits); should the batch fail, the caller calls `finish` again
   * without one. Rows of calls never made are removed.
   */
  async finish(batch?: WriteBatch): Promise<void> {
    const settle: Array<UsageEntry & UsageSettlement> = [];
    const discard: string[] = [];
    const embedding = this.#embedding;
    let failedEmbedding: (UsageEntry & UsageSettlement) | undefined;
    if (embedding?.settlement && embedding.failed) {
      failedEmbedding = { ...embedding.entry, ...embedding.settlement };
    } else if (embedding?.settlement) {
      settle.push({ ...embedding.entry, ...embedding.settlement });
    } else if (embedding) {
      discard.push(embedding.entry.requestId);
    }
    const open = this.#open;
    const answer = this.#answer;
    let local: UsageEntry | undefined;
    if (open && answer) {
      settle.push(this.#entry(open.requestId, answer.model, answer.spent));
    } else if (open) {
      discard.push(open.requestId);
    } else if (answer) {
      // Every model failed before answering; the local answerer did.
      local = this.#entry(this.#nextChatId(), answer.model, answer.spent);
    }
    await this.#meter.settleAll(settle, batch);
    this.#embedding = undefined;
    this.#open = undefined;
    this.#answer = undefined;
    if (failedEmbedding) await this.#meter.settleFailed([failedEmbedding]);
    if (local) await this.#meter.record(local);
    if (discard.length > 0) await this.#meter.discard(discard);
  }

  #nextChatId() {
    const chat = `${this.#owner.requestId}:chat`;
    return ++this.#calls === 1 ? chat : `${chat}:attempt-${this.#calls}`;
  }

  #entry(
    requestId: string,
    model: string,
    spent: ChatUsage,
  ): UsageEntry & UsageSettlement {
    return {
      requestId,
      tenantId: this.#owner.tenantId,
      model,
      operation: 'chat',
      promptTokens: spent.promptTokens,
      completionTokens: spent.completionTokens,
      estimated: spent.estimated,
      userRef: this.#owner.userRef,
      conversationId: this.#owner.conversationId,
    };
  }
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
