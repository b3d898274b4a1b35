import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, toError } from '@backstage/errors';
import {
  UsageEntry,
  UsageLedger,
  UsageRecord,
  UsageSettlement,
} from './UsageLedger';
import { WriteBatch } from '../database/WriteBatch';
import { DocuchatMetrics } from '../metrics/DocuchatMetrics';

/**
 * Live counters fed from the same call that writes the ledger row, so the
 * metrics and the invoices cannot drift except by restarts.
 */
export type UsageCounters = Pick<
  DocuchatMetrics,
  'countTokens' | 'countModelRequest'
>;

const WRITE_ATTEMPTS = 4;
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * The one way a model call is metered: the ledger row (the billing truth)
 * and then the token counters. Called once the model was called, on every
 * path (answer complete, cut, aborted), so it must not give up easily: a
 * failed write is retried, and if the database stays away the entry is
 * logged whole so it can be replayed, never silently dropped.
 */
export class UsageMeter {
  readonly #ledger: UsageLedger;
  readonly #counters?: UsageCounters;
  readonly #logger: LoggerService;
  readonly #retryDelayMs: number;
  readonly #settleRetryMs: number;

  constructor(options: {
    ledger: UsageLedger;
    counters?: UsageCounters;
    logger: LoggerService;
    /** First retry delay, doubled each time up to 5 s. Default 100 ms. */
    retryDelayMs?: number;
    /**
     * How long the row of a call that happened (a settlement, a record)
     * is retried while the database is away, e.g. restarting. Keep it
     * below docuchat.usage.abandonedCallSeconds less the longest call, or
     * the sweep settles the row as an estimate first. Default 60 s.
     */
    settleRetryMs?: number;
  }) {
    this.#ledger = options.ledger;
    this.#counters = options.counters;
    this.#logger = options.logger;
    this.#retryDelayMs = options.retryDelayMs ?? 100;
    this.#settleRetryMs = options.settleRetryMs ?? 60_000;
  }

  /** The ledger row under this id, if recorded (for idempotency checks). */
  async isRecorded(requestId: string): Promise<boolean> {
    return (await this.#ledger.get(requestId)) !== undefined;
  }

  /**
   * Records the call; true when this call wrote the row, false when the
   * request id was recorded before (counters then stay as they are).
   * Rejects only when every write attempt failed.
   */
  async record(entry: UsageEntry): Promise<boolean> {
    const wrote = await this.#write(
      [entry],
      () => this.#ledger.record(entry),
      this.#settleRetryMs,
    );
    if (wrote) this.#count(entry);
    return wrote;
  }

  /**
   * Writes the pending row of a model call that is about to start, with the
   * locally counted prompt: if this process dies during the call, the sweep
   * settles that row as estimated, so the call is never lost. Counters move
   * only when the row settles. Rejects when the row cannot be written (then
   * do not call the model).
   */
  async begin(entry: UsageEntry): Promise<boolean> {
    const [wrote] = await this.beginAll([entry]);
    return wrote;
  }

  /**
   * `begin` of every call a request will make, in one statement: in
   * `batch` when given (its owner sends it, once, without retries: a
   * request that cannot write its rows fails before any call), else now,
   * retried like every ledger write.
   */
  async beginAll(
    entries: UsageEntry[],
    batch?: WriteBatch,
  ): Promise<boolean[]> {
    if (batch) return this.#ledger.beginAll(entries, batch);
    return this.#write(entries, () => this.#ledger.beginAll(entries));
  }

  /**
   * Settles the pending row of `entry.requestId` with the call's final
   * counts and counts its tokens; false (nothing counted) when it was
   * settled before, e.g. by the sweep.
   */
  async settle(entry: UsageEntry & UsageSettlement): Promise<boolean> {
    const [settled] = await this.settleAll([entry]);
    return settled;
  }

  /**
   * `settle` of several calls in one statement, each with its final counts
   * (and the model that answered, which may differ from the one the row was
   * begun for). In `batch` when given: its owner sends it; should the batch
   * fail, this rejects and the caller settles again without a batch (the
   * calls were made: their rows must not be lost to another store's failed
   * write).
   */
  async settleAll(
    entries: Array<UsageEntry & UsageSettlement>,
    batch?: WriteBatch,
  ): Promise<boolean[]> {
    const settlements = entries.map(entry => ({
      requestId: entry.requestId,
      model: entry.model,
      promptTokens: entry.promptTokens,
      completionTokens: entry.completionTokens,
      estimated: entry.estimated,
    }));
    const settled = batch
      ? await this.#ledger.settleAll(settlements, batch)
      : await this.#write(
          entries,
          () => this.#ledger.settleAll(settlements),
          this.#settleRetryMs,
        );
    entries.forEach((entry, i) => {
      if (settled[i]) this.#count(entry);
    });
    return settled;
  }

  /**
   * Settles the rows of calls that failed, each with what it is billed
   * (`failedCallSettlement`: nothing when the provider refused the call,
   * the estimate when it was aborted). Tokens are counted, not a successful
   * request: the caller counts the failed request itself.
   */
  async settleFailed(
    entries: Array<UsageEntry & UsageSettlement>,
  ): Promise<void> {
    const settlements = entries.map(entry => ({
      requestId: entry.requestId,
      promptTokens: entry.promptTokens,
      completionTokens: entry.completionTokens,
      estimated: entry.estimated,
    }));
    const settled = await this.#write(
      entries,
      () => this.#ledger.settleAll(settlements),
      this.#settleRetryMs,
    );
    entries.forEach((entry, i) => {
      if (settled[i]) this.#count(entry, false);
    });
  }

  /**
   * Removes the pending rows of calls that never started (see
   * `UsageLedger.discard`); failures are logged, as the sweep would bill
   * such a row's estimate at worst.
   */
  async discard(requestIds: string[]): Promise<void> {
    try {
      await this.#ledger.discard(requestIds);
    } catch (error) {
      this.#logger.error(
        `Could not remove the pending usage rows ${requestIds.join(
          ', ',
        )} of calls that never started`,
        toError(error),
      );
    }
  }

  /**
   * Runs one model call that either answers with its counts or fails (an
   * embedding) between its pending row and the settlement. `entry` carries
   * the locally counted tokens: if this process dies during the call, the
   * sweep bills them as estimated. A refused call settles at zero (the
   * provider bills nothing); an aborted one at the estimate, as the
   * provider may have read the input already.
   */
  async metered<T>(
    entry: UsageEntry,
    call: () => Promise<T>,
    counts: (result: T) => UsageSettlement,
    signal?: AbortSignal,
  ): Promise<T> {
    if (!(await this.begin(entry))) {
      throw new ConflictError(`Usage ${entry.requestId} was recorded before`);
    }
    let result: T;
    try {
      result = await call();
    } catch (error) {
      await this.settleFailed([
        { ...entry, ...failedCallSettlement(entry, signal) },
      ]);
      throw error;
    }
    await this.settle({ ...entry, ...counts(result) });
    return result;
  }

  /**
   * The sweep: settles, as estimated, the rows whose call started before
   * `startedBefore` and is still pending (its replica died), and counts
   * their tokens. Returns the rows it settled.
   */
  async settleAbandoned(startedBefore: Date): Promise<UsageRecord[]> {
    const settled = await this.#ledger.settleAbandoned(startedBefore);
    for (const record of settled) this.#count(record);
    if (settled.length > 0) {
      this.#logger.warn(
        `Settled ${
          settled.length
        } usage rows left pending by a stopped replica, as estimated: ${settled
          .map(r => r.requestId)
          .join(', ')}`,
      );
    }
    return settled;
  }

  /**
   * Retries a ledger write, at least WRITE_ATTEMPTS times and, with
   * `patienceMs`, until that long has passed: the row of a call the
   * provider already answered must outlast a database restart, or the
   * answer's exact counts are lost to the sweep's estimate (a begin, made
   * before the call, gives up sooner: then the model is not called).
   * Logs the entries whole if it never succeeds.
   */
  async #write<T>(
    entries: UsageEntry[],
    write: () => Promise<T>,
    patienceMs = 0,
  ): Promise<T> {
    const deadline = Date.now() + patienceMs;
    let delay = this.#retryDelayMs;
    let lastError: unknown;
    let attempt = 1;
    for (; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        // Bad entries (InputError, NotFoundError) will not get better.
        if (isPermanent(error)) throw error;
        lastError = error;
      }
      if (attempt >= WRITE_ATTEMPTS && Date.now() + delay > deadline) break;
      await sleep(delay);
      delay = Math.min(delay * 2, MAX_RETRY_DELAY_MS);
    }
    this.#logger.error(
      `Usage ledger write failed ${attempt} times; ${
        entries.length === 1 ? 'entry' : 'entries'
      } to replay: ${JSON.stringify(
        entries.length === 1 ? entries[0] : entries,
      )}`,
      lastError instanceof Error ? lastError : undefined,
    );
    throw lastError;
  }

  /**
   * Counts an embedding call that failed (after the provider's own
   * retries): there is no usage to record, but operators watch the error
   * rate. Calls the caller aborted are not failures and are not counted.
   */
  countFailedEmbedding(model: string, signal?: AbortSignal): void {
    if (signal?.aborted) return;
    try {
      this.#counters?.countModelRequest(model, 'embedding', 'error');
    } catch (error) {
      this.#logger.error(
        'Could not count a failed embedding call',
        toError(error),
      );
    }
  }

  #count(
    entry: Pick<
      UsageEntry,
      'tenantId' | 'model' | 'operation' | 'promptTokens' | 'completionTokens'
    >,
    succeeded = true,
  ) {
    try {
      this.#counters?.countTokens(entry);
      // A recorded embedding call succeeded; chat outcomes (fallback, cut)
      // are known only to the ask service, which counts them.
      if (succeeded && entry.operation === 'embedding') {
        this.#counters?.countModelRequest(entry.model, 'embedding', 'success');
      }
    } catch (error) {
      // A metrics bug must not turn a recorded call into a failed request.
      this.#logger.error('Could not count tokens', toError(error));
    }
  }
}

function isPermanent(error: unknown) {
  const name = (error as Error | undefined)?.name;
  return name === 'InputError' || name === 'NotFoundError';
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * What a call that failed is billed: nothing when the provider refused it,
 * the estimate when it was aborted (the provider may have read the input).
 */
export function failedCallSettlement(
  entry: UsageEntry,
  signal?: AbortSignal,
): UsageSettlement {
  return signal?.aborted
    ? {
        promptTokens: entry.promptTokens,
        completionTokens: entry.completionTokens,
        estimated: true,
      }
    : { promptTokens: 0, completionTokens: 0, estimated: false };
}

/** An embedding call's counts as the provider reported them. */
export function embeddingCounts(result: {
  promptTokens: number;
}): UsageSettlement {
  return {
    promptTokens: result.promptTokens,
    completionTokens: 0,
    estimated: false,
  };
}
