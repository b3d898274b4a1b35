import { Config } from '@backstage/config';

/**
 * Shortest accepted bearer token. A token is compared in constant time, but
 * a short one can still be guessed: 16 characters of a random string is
 * the least that holds up against repeated tries.
 */
export const MIN_BEARER_TOKEN_LENGTH = 16;

/**
 * Who may read `GET /metrics`: anyone (`public`), a scraper holding the
 * configured bearer token (`token`), or nobody (`disabled`, the default).
 */
export type MetricsAccess =
  | { kind: 'public' }
  | { kind: 'token'; bearerToken: string }
  | { kind: 'disabled' };

/**
 * Reads `docuchat.metrics.public` and `docuchat.metrics.bearerToken`.
 * Throws at start-up on settings that would leave the route other than the
 * operator meant: a token too short to be safe, or a token beside
 * `public: true`, where it would be silently ignored.
 */
export function readMetricsConfig(config: Config): MetricsAccess {
  const isPublic = config.getOptionalBoolean('docuchat.metrics.public');
  const bearerToken = config.getOptionalString('docuchat.metrics.bearerToken');

  if (bearerToken !== undefined) {
    if (isPublic) {
      throw new Error(
        'docuchat.metrics.public is true and docuchat.metrics.bearerToken is set: a public route checks no token; remove one of them',
      );
    }
    if (bearerToken.length < MIN_BEARER_TOKEN_LENGTH) {
      throw new Error(
        `docuchat.metrics.bearerToken must be at least ${MIN_BEARER_TOKEN_LENGTH} characters, got ${bearerToken.length}`,
      );
    }
    if (/\s/.test(bearerToken)) {
      // An Authorization header cannot carry it intact.
      throw new Error(
        'docuchat.metrics.bearerToken must not contain whitespace',
      );
    }
    return { kind: 'token', bearerToken };
  }
  return isPublic ? { kind: 'public' } : { kind: 'disabled' };
}
