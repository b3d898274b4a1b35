import { Knex } from 'knex';
import {
  EXACT_VECTORS_TABLE,
  ensureExactTable,
  exactTableExists,
} from './exactSchema';
import { rankByCosine, unitQuery } from './exactRanking';
import {
  decodeFloat32LEInto,
  encodeFloat32LE,
  unitVector,
} from './float32Blob';
import { ChunkVector, VectorHit, VectorStore } from './types';
import {
  assertChunkVectors,
  assertSearch,
  assertTenantId,
  assertUuid,
} from './validateVectors';

/**
 * Rows per INSERT: 6 bindings each, well under SQLite's 32,766 and
 * PostgreSQL's 65,535 bound parameters.
 */
const INSERT_BATCH = 500;

/**
 * Chunk vectors for databases without pgvector: stored as blobs, searched by
 * loading the tenant's vectors of the model and ranking them exactly in
 * process. Exact by construction (recall 1.0); the cost grows with the
 * tenant's vector count. Ranking 20k × 384-d takes about 11 ms; reading
 * those rows dominates (about 150 ms from SQLite, 300 ms from PostgreSQL,
 * whose bytea travels as hex text). That suits development (SQLite) and
 * small installations; larger ones should install pgvector.
 */
export class ExactVectorStore implements VectorStore {
  readonly kind = 'exact' as const;

  readonly #knex: Knex;
  /** Set once the table is seen outside a transaction (so committed). */
  #tableSeen = false;

  constructor(knex: Knex) {
    this.#knex = knex;
  }

  async insert(
    trx: Knex.Transaction,
    model: string,
    dimensions: number,
    rows: ChunkVector[],
  ): Promise<void> {
    assertChunkVectors(model, dimensions, rows);
    if (rows.length === 0) {
      return;
    }
    if (!this.#tableSeen) {
      await ensureExactTable(trx);
    }
    for (let start = 0; start < rows.length; start += INSERT_BATCH) {
      await trx(EXACT_VECTORS_TABLE).insert(
        rows.slice(start, start + INSERT_BATCH).map(row => ({
          // Lower case, as PostgreSQL's uuid type prints it, so that both
          // stores return the same ids and SQLite's text compares match.
          chunk_id: row.chunkId.toLowerCase(),
          tenant_id: row.tenantId,
          document_id: row.documentId.toLowerCase(),
          model,
          dimensions,
          embedding: encodeFloat32LE(unitVector(row.vector)),
        })),
      );
    }
  }

  async deleteDocuments(
    db: Knex | Knex.Transaction,
    tenantId: string,
    documentIds: string[],
  ): Promise<void> {
    assertTenantId(tenantId);
    for (const id of documentIds) assertUuid(id, 'documentId');
    if (documentIds.length === 0 || !(await this.#tableExists(db))) {
      return;
    }
    await db(EXACT_VECTORS_TABLE)
      .where('tenant_id', tenantId)
      .whereIn(
        'document_id',
        documentIds.map(id => id.toLowerCase()),
      )
      .delete();
  }

  async search(
    tenantId: string,
    model: string,
    query: Float32Array,
    k: number,
  ): Promise<VectorHit[]> {
    assertSearch(tenantId, model, query, k);
    if (!(await this.#tableExists(this.#knex))) {
      return [];
    }
    const dimensions = query.length;
    const rows: Array<{ chunk_id: string; embedding: Uint8Array }> =
      await this.#knex(EXACT_VECTORS_TABLE)
        .select('chunk_id', 'embedding')
        .where({ tenant_id: tenantId, model, dimensions });

    const matrix = new Float32Array(rows.length * dimensions);
    rows.forEach((row, i) => {
      if (row.embedding.byteLength !== dimensions * 4) {
        throw new Error(
          `Stored vector of chunk ${row.chunk_id} has ${
            row.embedding.byteLength
          } bytes, expected ${dimensions * 4}`,
        );
      }
      decodeFloat32LEInto(row.embedding, matrix, i * dimensions);
    });

    return rankByCosine(matrix, dimensions, unitQuery(query), k).map(
      ({ index, score }) => ({ chunkId: rows[index].chunk_id, score }),
    );
  }

  async #tableExists(db: Knex | Knex.Transaction): Promise<boolean> {
    if (this.#tableSeen) {
      return true;
    }
    const exists = await exactTableExists(db);
    if (exists && db === this.#knex) {
      this.#tableSeen = true;
    }
    return exists;
  }
}
