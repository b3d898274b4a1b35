import { Knex } from 'knex';
import { Dialect, dialectOf } from './dialect';
import { preparedOnPostgres } from './preparedStatements';

/** A data-modifying statement that returns rows (`…returning(…)`). */
export type BatchStatement = Knex.QueryBuilder | Knex.Raw;

interface Part {
  statements: BatchStatement[];
  read: (rows: unknown[][]) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Writes of several stores sent together, so that a request that must
 * write to several tables pays one database round trip and its writes
 * commit or fail together.
 *
 * On PostgreSQL the statements become one statement, each a data-modifying
 * CTE (`WITH w0 AS (INSERT … RETURNING …), w1 AS (UPDATE …) SELECT …`). They
 * all see the database as it was when the statement started, not each
 * other's changes (PostgreSQL's rule for such CTEs), so a statement must not
 * depend on another's effect; constraints are checked at the end, when
 * every row is there. On SQLite, in process where round trips cost
 * nothing, they run one after the other in one transaction.
 *
 * Each store adds its statements with a function that reads their rows
 * (one array per statement, in order) and gets a promise of what that
 * function returns; `run` sends everything and settles those promises, or
 * rejects them all when the batch fails.
 */
export class WriteBatch {
  readonly #knex: Knex;
  readonly #dialect: Dialect;
  readonly #prepared: boolean;
  readonly #parts: Part[] = [];
  #ran = false;

  /**
   * `prepared`: send the statement as a prepared one, parsed and planned
   * once per connection (see preparedStatements.ts); for batches of a few
   * fixed shapes sent over and over, such as a question's first and last
   * writes, not for ones whose shape follows the data.
   */
  constructor(knex: Knex, options: { prepared?: boolean } = {}) {
    this.#knex = knex;
    this.#dialect = dialectOf(knex, 'A write batch');
    this.#prepared = options.prepared ?? false;
  }

  /**
   * A store's statements in the caller's `batch` (resolved once its owner
   * sent it), or, without one, sent now as a batch of their own.
   */
  static async addOrRun<T>(
    knex: Knex,
    batch: WriteBatch | undefined,
    statements: BatchStatement[],
    read: (rows: any[][]) => T,
  ): Promise<T> {
    if (batch) return batch.add(statements, read);
    const own = new WriteBatch(knex);
    const result = own.add(statements, read);
    await own.run();
    return result;
  }

  /** Statements to send with the batch, and how to read their rows. */
  add<T>(statements: BatchStatement[], read: (rows: any[][]) => T): Promise<T> {
    if (this.#ran) throw new Error('This write batch was sent already');
    const result = new Promise<T>((resolve, reject) => {
      this.#parts.push({
        statements,
        read,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
    });
    // The caller may learn of a failed batch from `run` alone.
    result.catch(() => {});
    return result;
  }

  /** Sends every statement added; once. */
  async run(): Promise<void> {
    if (this.#ran) throw new Error('This write batch was sent already');
    this.#ran = true;
    const statements = this.#parts.flatMap(part => part.statements);
    let rows: unknown[][] = [];
    try {
      if (statements.length > 0) {
        rows =
          this.#dialect === 'pg'
            ? await this.#asOneStatement(statements)
            : await this.#inOneTransaction(statements);
      }
    } catch (error) {
      for (const part of this.#parts) part.reject(error);
      throw error;
    }
    let next = 0;
    for (const part of this.#parts) {
      const own = rows.slice(next, next + part.statements.length);
      next += part.statements.length;
      try {
        part.resolve(part.read(own));
      } catch (error) {
        part.reject(error);
      }
    }
  }

  async #asOneStatement(statements: BatchStatement[]): Promise<unknown[][]> {
    const compiled = statements.map(statement => statement.toSQL());
    const names = compiled.map((_, i) => `w${i}`);
    const sql = `WITH ${compiled
      .map(({ sql: text }, i) => `${names[i]} AS (${text})`)
      .join(',\n')}
      SELECT ${names
        .map(name => `(SELECT json_agg(${name}) FROM ${name}) AS ${name}`)
        .join(', ')}`;
    const statement = this.#knex.raw(
      sql,
      compiled.flatMap(({ bindings }) => bindings as Knex.Value[]),
    );
    const { rows } = await (this.#prepared
      ? preparedOnPostgres(this.#knex, statement, sql)
      : statement);
    return names.map(name => rows[0][name] ?? []);
  }

  async #inOneTransaction(statements: BatchStatement[]): Promise<unknown[][]> {
    // One statement is atomic on its own.
    if (statements.length === 1) return [await statements[0]];
    return this.#knex.transaction(async trx => {
      const rows: unknown[][] = [];
      for (const statement of statements) {
        rows.push(await statement.transacting(trx));
      }
      return rows;
    });
  }
}
