import { Knex } from 'knex';

/** True for a Knex transaction (as opposed to the pooled Knex instance). */
export function isTransaction(db: Knex | Knex.Transaction): boolean {
  return Boolean((db as Knex.Transaction).isTransaction);
}

export function isPostgres(db: Knex | Knex.Transaction): boolean {
  return db.client.dialect === 'postgresql';
}

/**
 * Runs schema changes in a nested transaction of `db` (a savepoint when `db`
 * is already a transaction), serialised across processes on PostgreSQL.
 *
 * Why inside the caller's transaction: the caller (an ingest) usually holds a
 * transaction already, and on SQLite the pool has a single connection, so
 * asking the pool for a second connection would wait forever. Why an advisory
 * lock: `CREATE TABLE/INDEX IF NOT EXISTS` run at the same moment by two
 * backends can still fail on the catalog's unique indexes; the lock makes the
 * second one wait and then see the first one's objects. A transaction-level
 * lock is held until the outermost transaction ends, so callers check
 * without the lock first and only come here when something is missing.
 */
export async function withSchemaLock<T>(
  db: Knex | Knex.Transaction,
  lockName: string,
  fn: (tx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  return db.transaction(async tx => {
    if (isPostgres(tx)) {
      await tx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [lockName]);
    }
    return fn(tx);
  });
}
