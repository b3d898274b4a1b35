import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { createVectorStore } from './createVectorStore';

/**
 * Which store is picked for which server. The real servers are covered by
 * VectorStore.test.ts (pgvector on PostgreSQL 17, exact on 15 and SQLite);
 * these fakes cover what the test servers cannot show.
 */
function fakePostgres(
  extension?: { default_version: string; installed_version: string | null },
  createExtension: () => Promise<unknown> = async () => ({ rows: [] }),
): Knex {
  const raw = jest.fn(async (sql: string) => {
    if (sql.includes('pg_available_extensions')) {
      return { rows: extension ? [extension] : [] };
    }
    if (sql.includes('FROM pg_extension')) {
      return { rows: [] };
    }
    if (sql.includes('CREATE EXTENSION')) {
      return createExtension();
    }
    return { rows: [] };
  });
  const knex: any = { client: { dialect: 'postgresql' }, raw };
  knex.transaction = async (fn: (tx: unknown) => unknown) => fn(knex);
  return knex as Knex;
}

describe('createVectorStore', () => {
  it('uses pgvector 0.8 when it is installed', async () => {
    const logger = mockServices.logger.mock();
    const store = await createVectorStore(
      fakePostgres({ default_version: '0.8.0', installed_version: '0.8.0' }),
      { logger, pgvector: { exactSearchThreshold: 123 } },
    );
    expect(store.kind).toBe('pgvector');
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('pgvector 0.8.0'),
    );
    expect(logger.info).toHaveBeenCalledWith(expect.stringContaining('123'));
  });

  it('installs an available pgvector, and falls back when it may not', async () => {
    const installed = await createVectorStore(
      fakePostgres({ default_version: '0.8.1', installed_version: null }),
      { logger: mockServices.logger.mock() },
    );
    expect(installed.kind).toBe('pgvector');

    const logger = mockServices.logger.mock();
    const refused = await createVectorStore(
      fakePostgres(
        { default_version: '0.8.1', installed_version: null },
        async () => {
          throw new Error('permission denied to create extension "vector"');
        },
      ),
      { logger },
    );
    expect(refused.kind).toBe('exact');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('ask a database superuser'),
      expect.objectContaining({
        message: expect.stringContaining('permission denied'),
      }),
    );
  });

  it('does not use pgvector older than 0.8 (no iterative index scans)', async () => {
    const logger = mockServices.logger.mock();
    const store = await createVectorStore(
      fakePostgres({ default_version: '0.8.0', installed_version: '0.7.4' }),
      { logger },
    );
    expect(store.kind).toBe('exact');
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('ALTER EXTENSION vector UPDATE'),
    );
    expect(
      (
        await createVectorStore(
          fakePostgres({ default_version: '0.10.0', installed_version: null }),
          { logger },
        )
      ).kind,
    ).toBe('pgvector');
  });

  it('uses the exact store without pgvector or without PostgreSQL', async () => {
    const logger = mockServices.logger.mock();
    expect((await createVectorStore(fakePostgres(), { logger })).kind).toBe(
      'exact',
    );
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('no pgvector extension'),
    );
    const sqlite = { client: { dialect: 'better-sqlite3' } } as Knex;
    expect((await createVectorStore(sqlite, { logger })).kind).toBe('exact');
  });
});
