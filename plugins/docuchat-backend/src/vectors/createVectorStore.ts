import { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { Knex } from 'knex';
import { ExactVectorStore } from './ExactVectorStore';
import { ensureVectorExtension } from './pgvectorSchema';
import {
  DEFAULT_EXACT_SEARCH_THRESHOLD,
  PgVectorStore,
  PgVectorStoreOptions,
} from './PgVectorStore';
import { isPostgres } from './schemaLock';
import { VectorStore } from './types';

export interface CreateVectorStoreOptions {
  logger: LoggerService;
  /** Passed to PgVectorStore when pgvector is used. */
  pgvector?: Omit<PgVectorStoreOptions, 'logger'>;
}

/** Iterative index scans (hnsw.iterative_scan) arrived in pgvector 0.8.0. */
const MIN_PGVECTOR = [0, 8];

function atLeast(version: string, minimum: number[]): boolean {
  const parts = version.split('.').map(part => parseInt(part, 10) || 0);
  for (let i = 0; i < minimum.length; i++) {
    if ((parts[i] ?? 0) !== minimum[i]) {
      return (parts[i] ?? 0) > minimum[i];
    }
  }
  return true;
}

/**
 * Picks where vectors live: pgvector when the database is PostgreSQL and the
 * `vector` extension (≥ 0.8) is available, else the exact in-process store.
 *
 * The extension is installed here when it is available but not installed,
 * because that needs a superuser (pgvector is not a trusted extension):
 * finding out now keeps a permission error from surfacing in the middle of
 * the first ingest. Note that the two stores keep separate tables, so
 * switching (pgvector installed later) needs a reindex.
 */
export async function createVectorStore(
  knex: Knex,
  options: CreateVectorStoreOptions,
): Promise<VectorStore> {
  const { logger } = options;
  const exact = (reason: string) => {
    logger.info(
      `DocuChat vectors: exact search in process (${reason}); fine for small installations, install pgvector >= 0.8 for large ones`,
    );
    return new ExactVectorStore(knex);
  };

  if (!isPostgres(knex)) {
    return exact(`database client is ${knex.client.dialect}`);
  }

  const { rows } = await knex.raw(
    "SELECT default_version, installed_version FROM pg_available_extensions WHERE name = 'vector'",
  );
  if (rows.length === 0) {
    return exact('the PostgreSQL server has no pgvector extension');
  }
  const version: string = rows[0].installed_version ?? rows[0].default_version;
  if (!atLeast(version, MIN_PGVECTOR)) {
    return exact(
      rows[0].installed_version
        ? `pgvector ${version} is installed, 0.8 or newer is needed (ALTER EXTENSION vector UPDATE)`
        : `pgvector ${version} is available, 0.8 or newer is needed`,
    );
  }
  if (!rows[0].installed_version) {
    try {
      await ensureVectorExtension(knex);
    } catch (error) {
      logger.warn(
        `DocuChat vectors: could not install pgvector ${version}; ask a database superuser to run CREATE EXTENSION vector`,
        toError(error),
      );
      return exact('pgvector could not be installed');
    }
  }

  const threshold =
    options.pgvector?.exactSearchThreshold ?? DEFAULT_EXACT_SEARCH_THRESHOLD;
  logger.info(
    `DocuChat vectors: pgvector ${version} (HNSW cosine index; exact search for tenants under ${threshold} vectors)`,
  );
  return new PgVectorStore(knex, { ...options.pgvector, logger });
}
