import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';

export type EvalDatabaseKind = 'sqlite' | 'pg17' | 'pg15';

export interface EvalDatabase {
  knex: Knex;
  /** What the report calls it, e.g. "PostgreSQL 17 (scratch docuchat_eval_…)". */
  label: string;
  /** Closes the connections and drops a scratch database. */
  close(): Promise<void>;
}

const SERVER_ENV: Record<'pg17' | 'pg15', string> = {
  pg17: 'BACKSTAGE_TEST_DATABASE_POSTGRES17_CONNECTION_STRING',
  pg15: 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
};

function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * An empty database for one evaluation run: in-memory SQLite (the config
 * shape Backstage uses), or a fresh database on one of the PostgreSQL test
 * servers, dropped on close and on Ctrl-C.
 */
export async function openEvalDatabase(
  kind: EvalDatabaseKind,
): Promise<EvalDatabase> {
  if (kind === 'sqlite') {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    return { knex, label: 'SQLite (in memory)', close: () => knex.destroy() };
  }

  const server = process.env[SERVER_ENV[kind]];
  if (!server) {
    throw new Error(
      `--db ${kind} needs ${SERVER_ENV[kind]} (source /var/tmp/docuchat-test-servers/env)`,
    );
  }
  const name = `docuchat_eval_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({
    client: 'pg',
    connection: withDatabase(server, 'postgres'),
    pool: { min: 0, max: 1 },
  });
  await admin.raw('CREATE DATABASE ??', [name]);
  const knex = knexFactory({
    client: 'pg',
    connection: withDatabase(server, name),
    pool: { min: 0, max: 4 },
  });

  let dropped: Promise<void> | undefined;
  const dropScratch = () => {
    dropped ??= (async () => {
      await knex.destroy().catch(() => undefined);
      try {
        await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
      } finally {
        await admin.destroy();
      }
    })();
    return dropped;
  };
  const onSignal = () => {
    process.stderr.write(`\ninterrupted: dropping ${name}\n`);
    dropScratch().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  const close = async () => {
    process.removeListener('SIGINT', onSignal);
    await dropScratch();
  };

  try {
    const { rows } = await knex.raw('SHOW server_version');
    return {
      knex,
      label: `PostgreSQL ${rows[0].server_version} (scratch database ${name})`,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
