import { Knex } from 'knex';
import { withSchemaLock } from './schemaLock';

/**
 * The pgvector store's tables: one per embedding dimension, because a
 * `vector(d)` column (and an HNSW index on it) needs a fixed d. Models of the
 * same dimension share a table and are told apart by the `model` column.
 *
 * No foreign key to docuchat_chunks, on purpose: the table is created lazily
 * inside the caller's ingest transaction, and a REFERENCES clause would lock
 * docuchat_chunks (SHARE ROW EXCLUSIVE) against every other ingest that has
 * written chunks, and it would add a per-row trigger to the binary COPY.
 * Deleting a document's vectors is explicit (`VectorStore.deleteDocuments`).
 */

const TABLE_PREFIX = 'docuchat_vectors_';

/** pgvector cannot build HNSW on `vector` columns wider than this. */
export const HNSW_MAX_DIMENSIONS = 2_000;

/** pgvector's defaults, written out so a changed default cannot surprise us. */
export const HNSW_M = 16;
export const HNSW_EF_CONSTRUCTION = 64;

export function vectorTableName(dimensions: number): string {
  return `${TABLE_PREFIX}${dimensions}`;
}

export function tenantModelIndexName(dimensions: number): string {
  return `${vectorTableName(dimensions)}_tenant_model`;
}

export function documentIndexName(dimensions: number): string {
  return `${vectorTableName(dimensions)}_document`;
}

export function hnswIndexName(dimensions: number): string {
  return `${vectorTableName(dimensions)}_hnsw`;
}

async function relationExists(
  db: Knex | Knex.Transaction,
  name: string,
): Promise<boolean> {
  const { rows } = await db.raw(
    'SELECT to_regclass(?) IS NOT NULL AS "exists"',
    [name],
  );
  return rows[0].exists === true;
}

export async function vectorTableExists(
  db: Knex | Knex.Transaction,
  dimensions: number,
): Promise<boolean> {
  return relationExists(db, vectorTableName(dimensions));
}

export async function hnswIndexExists(
  db: Knex | Knex.Transaction,
  dimensions: number,
): Promise<boolean> {
  return relationExists(db, hnswIndexName(dimensions));
}

/** The installed pgvector version, or undefined when not installed. */
export async function installedVectorVersion(
  db: Knex | Knex.Transaction,
): Promise<string | undefined> {
  const { rows } = await db.raw(
    "SELECT extversion FROM pg_extension WHERE extname = 'vector'",
  );
  return rows[0]?.extversion;
}

/**
 * Installs pgvector when it is missing. Checked first without the lock, so
 * that a database where an administrator installed the extension (the usual
 * case: CREATE EXTENSION vector needs a superuser) never runs the DDL.
 */
export async function ensureVectorExtension(
  db: Knex | Knex.Transaction,
): Promise<void> {
  if (await installedVectorVersion(db)) {
    return;
  }
  await withSchemaLock(db, 'docuchat_vectors_extension', async tx => {
    await tx.raw('CREATE EXTENSION IF NOT EXISTS vector');
  });
}

function createHnswIndexSql(dimensions: number): string {
  return (
    `CREATE INDEX IF NOT EXISTS ${hnswIndexName(dimensions)} ` +
    `ON ${vectorTableName(dimensions)} ` +
    `USING hnsw (embedding vector_cosine_ops) ` +
    `WITH (m = ${HNSW_M}, ef_construction = ${HNSW_EF_CONSTRUCTION})`
  );
}

/**
 * Creates the table of one dimension and its indexes, all in one
 * (sub)transaction so that either everything exists or nothing does. Only
 * called when the table was missing: `CREATE INDEX IF NOT EXISTS` on an
 * existing table would still wait for a SHARE lock behind every writer.
 *
 * @param withHnsw false to leave the HNSW index for later
 *   (`createHnswIndex` after a bulk load, which is much faster than
 *   maintaining the graph row by row).
 */
export async function ensureVectorTable(
  db: Knex | Knex.Transaction,
  dimensions: number,
  options: { withHnsw: boolean },
): Promise<void> {
  const table = vectorTableName(dimensions);
  await withSchemaLock(db, table, async tx => {
    if (await relationExists(tx, table)) {
      return; // another backend created it while we waited for the lock
    }
    await tx.raw(
      `CREATE TABLE IF NOT EXISTS ${table} (
        chunk_id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        document_id uuid NOT NULL,
        model text NOT NULL,
        embedding vector(${dimensions}) NOT NULL
      )`,
    );
    await tx.raw(
      `COMMENT ON TABLE ${table} IS 'DocuChat chunk embeddings of ${dimensions} dimensions (pgvector), owned by the vector store'`,
    );
    // Serves the exact path (bitmap scan of one tenant's rows) and the
    // index-only count that picks the path.
    await tx.raw(
      `CREATE INDEX IF NOT EXISTS ${tenantModelIndexName(
        dimensions,
      )} ON ${table} (tenant_id, model)`,
    );
    await tx.raw(
      `CREATE INDEX IF NOT EXISTS ${documentIndexName(
        dimensions,
      )} ON ${table} (document_id)`,
    );
    if (options.withHnsw && dimensions <= HNSW_MAX_DIMENSIONS) {
      await tx.raw(createHnswIndexSql(dimensions));
    }
  });
}

/**
 * Builds the HNSW index of one dimension's table (after a bulk load). Runs in
 * its own transaction so that `maintenance_work_mem` can be raised for the
 * build only: a graph that does not fit is built far more slowly.
 */
export async function createHnswIndex(
  knex: Knex,
  dimensions: number,
  options: { maintenanceWorkMem?: string } = {},
): Promise<void> {
  const table = vectorTableName(dimensions);
  await withSchemaLock(knex, `${table}_hnsw`, async tx => {
    if (options.maintenanceWorkMem) {
      await tx.raw("SELECT set_config('maintenance_work_mem', ?, true)", [
        options.maintenanceWorkMem,
      ]);
    }
    await tx.raw(createHnswIndexSql(dimensions));
  });
}

/** Every vector table in the current schema, whatever its dimension. */
export async function listVectorTables(
  db: Knex | Knex.Transaction,
): Promise<string[]> {
  const { rows } = await db.raw(
    `SELECT tablename FROM pg_tables
     WHERE schemaname = current_schema() AND tablename ~ '^docuchat_vectors_[0-9]+$'
     ORDER BY tablename`,
  );
  return rows.map((row: { tablename: string }) => row.tablename);
}
