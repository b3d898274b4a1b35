import { Knex } from 'knex';
import { withSchemaLock } from './schemaLock';

/**
 * The exact store's single table, for databases without pgvector (SQLite,
 * plain PostgreSQL). Vectors of every model and dimension share it; a
 * search reads one tenant's rows of one model through the
 * (tenant_id, model) index. No foreign key to docuchat_chunks, for the same
 * reason as the pgvector tables (pgvectorSchema.ts): it is created lazily
 * inside an ingest transaction.
 */
export const EXACT_VECTORS_TABLE = 'docuchat_vectors';

export async function exactTableExists(
  db: Knex | Knex.Transaction,
): Promise<boolean> {
  return db.schema.hasTable(EXACT_VECTORS_TABLE);
}

/** Creates the table when missing; see schemaLock.ts for the locking. */
export async function ensureExactTable(
  db: Knex | Knex.Transaction,
): Promise<void> {
  if (await exactTableExists(db)) {
    return;
  }
  await withSchemaLock(db, EXACT_VECTORS_TABLE, async tx => {
    if (await exactTableExists(tx)) {
      return;
    }
    await tx.schema.createTable(EXACT_VECTORS_TABLE, table => {
      table.comment(
        'DocuChat chunk embeddings searched exactly in process (no pgvector)',
      );
      table.uuid('chunk_id').primary();
      table.string('tenant_id', 63).notNullable();
      table.uuid('document_id').notNullable();
      table.string('model', 255).notNullable();
      table.integer('dimensions').notNullable();
      table
        .binary('embedding')
        .notNullable()
        .comment('Unit-length vector, little-endian float32');
      table.index(
        ['tenant_id', 'model'],
        `${EXACT_VECTORS_TABLE}_tenant_model`,
      );
      table.index(['document_id'], `${EXACT_VECTORS_TABLE}_document`);
    });
  });
}
