import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';

/** What the cache service stores: JSON values. */
export type CacheValue = Parameters<CacheService['set']>[1];

/** Redis on the same network answers in about a millisecond. */
const DEFAULT_TIMEOUT_MS = 250;
/** How long a failed cache is left alone before it is tried again. */
const DEFAULT_RETRY_AFTER_MS = 10_000;
/** At most one warning per this period while the cache keeps failing. */
const DEFAULT_WARN_EVERY_MS = 60_000;

/**
 * Backstage's cache service, made safe to put in front of model calls: every
 * failure is a miss. Needed because the Redis store does not fail fast: with
 * the server unreachable, or gone after connecting, a `get` waits for a
 * reconnect that may never come (Keyv only swallows the errors it sees).
 *
 * So each call has a time limit, and after a failure the cache is skipped
 * entirely for a while (`retryAfterMs`), which keeps an outage from adding
 * the time limit to every question and from piling up commands in the
 * Redis client's offline queue. Failures are logged as one warning per
 * `warnEveryMs`, with how many there were.
 */
export class GuardedCache {
  readonly #cache: CacheService;
  readonly #logger: LoggerService;
  readonly #timeoutMs: number;
  readonly #retryAfterMs: number;
  readonly #warnEveryMs: number;
  #skipUntil = 0;
  #lastWarningAt = Number.NEGATIVE_INFINITY;
  #unreportedFailures = 0;
  #failing = false;

  constructor(options: {
    cache: CacheService;
    logger: LoggerService;
    timeoutMs?: number;
    retryAfterMs?: number;
    warnEveryMs?: number;
  }) {
    this.#cache = options.cache;
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retryAfterMs = options.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
    this.#warnEveryMs = options.warnEveryMs ?? DEFAULT_WARN_EVERY_MS;
  }

  /** The stored value, or undefined on a miss, an error or a timeout. */
  async get(key: string): Promise<CacheValue | undefined> {
    return this.#guard('read', () => this.#cache.get(key));
  }

  /** Stores the value for `ttlMs`; errors and timeouts are only logged. */
  async set(key: string, value: CacheValue, ttlMs: number): Promise<void> {
    await this.#guard('write', () =>
      this.#cache.set(key, value, { ttl: ttlMs }),
    );
  }

  async #guard<T>(
    operation: string,
    call: () => Promise<T>,
  ): Promise<T | undefined> {
    if (Date.now() < this.#skipUntil) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        call(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no answer within ${this.#timeoutMs} ms`)),
            this.#timeoutMs,
          );
        }),
      ]);
      this.#recovered();
      return result;
    } catch (error) {
      this.#failed(operation, error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  #failed(operation: string, error: unknown) {
    const now = Date.now();
    this.#failing = true;
    this.#skipUntil = now + this.#retryAfterMs;
    this.#unreportedFailures += 1;
    if (now - this.#lastWarningAt < this.#warnEveryMs) return;
    this.#logger.warn(
      `DocuChat cache ${operation} failed (${
        this.#unreportedFailures
      } failure(s) since the last warning); answering without the cache, next try in ${
        this.#retryAfterMs
      } ms`,
      toError(error),
    );
    this.#lastWarningAt = now;
    this.#unreportedFailures = 0;
  }

  #recovered() {
    if (!this.#failing) return;
    this.#failing = false;
    this.#unreportedFailures = 0;
    this.#logger.info('DocuChat cache is answering again');
  }
}
