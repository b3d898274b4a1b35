import { LoggerService } from '@backstage/backend-plugin-api';
import { UsageEntry, UsageLedger } from '../database/UsageLedger';
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

  constructor(options: {
    ledger: UsageLedger;
    counters?: UsageCounters;
    logger: LoggerService;
    /** First retry delay, doubled each time. Default 100 ms. */
    retryDelayMs?: number;
  }) {
    this.#ledger = options.ledger;
    this.#counters = options.counters;
    this.#logger = options.logger;
    this.#retryDelayMs = options.retryDelayMs ?? 100;
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
    let lastError: unknown;
    for (let attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
      try {
        const wrote = await this.#ledger.record(entry);
        if (wrote) this.#count(entry);
        return wrote;
      } catch (error) {
        // Bad entries (InputError, NotFoundError) will not get better.
        if (isPermanent(error)) throw error;
        lastError = error;
        if (attempt < WRITE_ATTEMPTS) {
          await sleep(this.#retryDelayMs * 2 ** (attempt - 1));
        }
      }
    }
    this.#logger.error(
      `Usage ledger write failed ${WRITE_ATTEMPTS} times; entry to replay: ${JSON.stringify(
        entry,
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
      this.#logger.error(`Could not count a failed embedding call: ${error}`);
    }
  }

  #count(entry: UsageEntry) {
    try {
      this.#counters?.countTokens(entry);
      // A recorded embedding call succeeded; chat outcomes (fallback, cut)
      // are known only to the ask service, which counts them.
      if (entry.operation === 'embedding') {
        this.#counters?.countModelRequest(entry.model, 'embedding', 'success');
      }
    } catch (error) {
      // A metrics bug must not turn a recorded call into a failed request.
      this.#logger.error(`Could not count tokens: ${error}`);
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
