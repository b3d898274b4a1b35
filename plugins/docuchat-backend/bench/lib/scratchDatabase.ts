import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import { postgres17ConnectionString } from './settings';

export interface ScratchDatabase {
  knex: Knex;
  /** Connection string of the scratch database, for raw pg pools. */
  connectionString: string;
  name: string;
}

function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Runs `fn` against a fresh database on the PostgreSQL 17 test server and
 * drops it afterwards (also on failure and on Ctrl-C), so that benchmarks
 * never touch a shared database or leave one behind.
 */
export async function withScratchDatabase<T>(
  label: string,
  fn: (db: ScratchDatabase) => Promise<T>,
): Promise<T> {
  const server = postgres17ConnectionString();
  const name = `docuchat_bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({
    client: 'pg',
    connection: withDatabase(server, 'postgres'),
    pool: { min: 0, max: 1 },
  });
  const drop = async () => {
    await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
  };
  let knex: Knex | undefined;
  const onSignal = () => {
    process.stderr.write(`\ninterrupted: dropping ${name}\n`);
    Promise.resolve(knex?.destroy())
      .catch(() => undefined)
      .then(drop)
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  await admin.raw('CREATE DATABASE ??', [name]);
  try {
    const connectionString = withDatabase(server, name);
    knex = knexFactory({
      client: 'pg',
      connection: connectionString,
      pool: { min: 0, max: 4 },
    });
    await knex.raw('CREATE EXTENSION IF NOT EXISTS vector');
    return await fn({ knex, connectionString, name });
  } finally {
    process.removeListener('SIGINT', onSignal);
    await knex?.destroy();
    await drop();
    await admin.destroy();
  }
}
