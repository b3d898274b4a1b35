import { CustomErrorBase } from '@backstage/errors';

/**
 * A tenant went over a rate limit or its daily token budget: 429 with a
 * `Retry-After` header (set by the router's error hook from
 * `retryAfterSeconds`, as Backstage's error handler sets no headers).
 */
export class LimitExceededError extends CustomErrorBase {
  name = 'LimitExceededError' as const;
  /** Read by Backstage's error middleware. */
  readonly statusCode = 429;

  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}
