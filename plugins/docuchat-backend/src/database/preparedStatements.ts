import { Knex } from 'knex';
import { createHash } from 'node:crypto';

/**
 * Sends `statement` as a named prepared statement on PostgreSQL, named
 * after its SQL text `text`, so that each connection
 * parses it once and, after a few runs, plans it once: planning a statement
 * of several CTEs costs about a millisecond of the database's CPU, more
 * than running it. Use it for statements a request sends every time, whose
 * text does not vary with the data (the values are bindings). Other
 * databases get the statement as it is.
 */
export function preparedOnPostgres<T extends Knex.Raw | Knex.QueryBuilder>(
  db: Knex,
  statement: T,
  text: string,
): T {
  if (db.client.config.client !== 'pg') return statement;
  const name = `docuchat_${createHash('sha1')
    .update(text)
    .digest('hex')
    .slice(0, 24)}`;
  return statement.options({ name }) as T;
}
