import { Knex } from 'knex';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COPY_COLUMNS, encodeCopyBinary } from './pgCopyBinary';
import { ChunkVector } from './types';

/**
 * Streams rows into a pgvector table by binary COPY on the transaction's own
 * connection, so that the rows commit or roll back with the caller's
 * transaction (a document's chunks and vectors land together or not at all).
 *
 * Inside a transaction, Knex hands out the transaction's connection from
 * `trx.client.acquireConnection()` and makes `releaseConnection` a no-op
 * (knex/lib/execution/transaction.js, makeTxClient); the tests check that the
 * COPY runs on the same backend as the transaction's other statements and
 * that a rollback removes its rows. Outside a transaction the connection is
 * a pooled one and is given back afterwards.
 *
 * @returns the number of rows the server reports as copied
 */
export async function copyVectorRows(
  trx: Knex.Transaction | Knex,
  table: string,
  model: string,
  dimensions: number,
  rows: ChunkVector[],
): Promise<number> {
  const connection: PoolClient = await trx.client.acquireConnection();
  try {
    const copy = connection.query(
      copyFrom(
        `COPY ${table} (${COPY_COLUMNS.join(', ')}) FROM STDIN (FORMAT binary)`,
      ),
    );
    await pipeline(
      Readable.from(encodeCopyBinary(model, dimensions, rows)),
      copy,
    );
    return copy.rowCount;
  } finally {
    await trx.client.releaseConnection(connection);
  }
}
