import { Knex } from 'knex';
import { toIsoString } from './timestamps';

/** The SQL dialects the plugin's stores are written for. */
export type Dialect = 'pg' | 'sqlite';

/** A timestamp column as the drivers return it. */
export type DbTime = Date | number | string;

/**
 * The dialect of `db`. `store` names the caller in the error, e.g.
 * "The usage ledger", since each store fails on its own configuration.
 */
export function dialectOf(db: Knex, store: string): Dialect {
  const client = db.client.config.client;
  if (client === 'pg') return 'pg';
  if (client === 'better-sqlite3' || client === 'sqlite3') return 'sqlite';
  throw new Error(`${store} does not support database ${client}`);
}

/**
 * timestamptz on PostgreSQL; integer epoch milliseconds on SQLite, so that
 * ranges compare numbers instead of text.
 */
export function toDbTime(dialect: Dialect, date: Date): Date | number {
  return dialect === 'pg' ? date : date.getTime();
}

/** {@link toDbTime} for the dialect of `db` (see {@link dialectOf}). */
export function dbTimeWriter(
  db: Knex,
  store: string,
): (date: Date) => Date | number {
  const dialect = dialectOf(db, store);
  return date => toDbTime(dialect, date);
}

/** ISO 8601 of a timestamp written by {@link toDbTime} (or by SQLite). */
export function fromDbTime(value: DbTime): string {
  return typeof value === 'number'
    ? new Date(value).toISOString()
    : toIsoString(value);
}

/** Whether `error` is a foreign key violation on either database. */
export function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === '23503' || // PostgreSQL foreign_key_violation
    e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY' ||
    /FOREIGN KEY constraint failed/.test(e?.message ?? '')
  );
}
