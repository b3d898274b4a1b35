/* eslint-disable jest/no-export -- shared set-up the database tests call, not a test file itself */
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../migrations';

/**
 * Every database the plugin supports: PostgreSQL 17 with pgvector,
 * PostgreSQL 15 without it, and SQLite.
 */
export const databaseIds: TestDatabaseId[] = [
  'POSTGRES_17',
  'POSTGRES_15',
  'SQLITE_3',
];

/**
 * The databases `databases` should run against but cannot reach, for every
 * database test file's guard test. TestDatabases silently skips a PostgreSQL
 * it cannot reach, so without the guard a suite would pass in CI having run
 * against SQLite alone; CI starts both servers (scripts/test-servers.sh).
 * Locally only SQLite is required.
 */
function databasesMissingInCi(databases: TestDatabases): TestDatabaseId[] {
  const required: TestDatabaseId[] = process.env.CI
    ? databaseIds
    : ['SQLITE_3'];
  const supported = new Set(databases.eachSupportedId().map(([id]) => id));
  return required.filter(id => !supported.has(id));
}

/**
 * A fresh database of `databaseId` with the plugin's tables and these
 * tenants (each owned by `group:default/<id>`).
 */
export async function migratedDatabaseWithTenants(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
  tenantIds: string[],
): Promise<Knex> {
  const knex = await databases.init(databaseId);
  await applyDatabaseMigrations(knex);
  await knex('docuchat_tenants').insert(
    tenantIds.map(id => ({
      id,
      display_name: id,
      owner_ref: `group:default/${id}`,
    })),
  );
  return knex;
}

/**
 * Call inside a `describe`: TestDatabases for every database the plugin
 * supports, and the guard test that fails in CI when one of them could not
 * be reached (see `databasesMissingInCi`).
 */
export function createEveryTestDatabase(): TestDatabases {
  const databases = TestDatabases.create({ ids: databaseIds });
  it('runs against every database CI provides', () => {
    expect(databasesMissingInCi(databases)).toEqual([]);
  });
  return databases;
}
