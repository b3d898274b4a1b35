import { isError } from '@backstage/errors';

// How a database that cannot be reached fails a query: the socket errors of
// pg's connect (the message names host and port), PostgreSQL's classes 08
// (connection exception) and 57P01-57P03 (shutting down, starting up), and
// knex's pool giving up waiting for a connection. A query the database
// refused (syntax, a constraint) is none of these.
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);
const POSTGRES_CODE = /^(08[0-9A-Z]{3}|57P0[1-3])$/;

/** Whether `error` says the database could not be reached at all. */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (!isError(error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || POSTGRES_CODE.test(code)) return true;
  }
  return (
    error.name === 'KnexTimeoutError' ||
    /^Connection terminated/.test(error.message)
  );
}
