import { Knex } from 'knex';
import {
  HNSW_EF_CONSTRUCTION,
  HNSW_M,
  vectorTableName,
} from '../../src/vectors/pgvectorSchema';
import { PgVectorStore } from '../../src/vectors/PgVectorStore';
import { ChunkVector } from '../../src/vectors/types';
import { CpuMeter } from './cpuMeter';

/** Chunks of one short document. */
const ROWS_PER_DOCUMENT = 2;
/** Documents ingestion stores in one transaction (its default batch). */
const DOCUMENTS_PER_BATCH = 32;
/** Rows per plain INSERT of the baseline. */
const INSERT_ROWS = 500;

/** One way of inserting rows into a table with an HNSW index. */
export interface HnswInserts {
  name: string;
  rows: number;
  ms: number;
  /** This process and the database's processes (inserting into the graph). */
  cpuMs: number;
}

/**
 * The same rows into an HNSW-indexed graph of the same size, three ways:
 * through PgVectorStore a short document (2 rows) per transaction, as
 * ingestion stored small documents one by one; through PgVectorStore a
 * batch of 32 documents per transaction, as it stores them now; and
 * pgvector's own insert cost alone: plain multi-row INSERTs into a table
 * holding the same vectors with nothing but the same HNSW index (m,
 * ef_construction). `tail` is not in the store's table yet; the table's
 * index was built over the other rows.
 */
export async function measureHnswInserts(options: {
  knex: Knex;
  store: PgVectorStore;
  model: string;
  dimensions: number;
  tail: ChunkVector[];
}): Promise<HnswInserts[]> {
  const { knex, store, model, dimensions, tail } = options;
  const meter = new CpuMeter(knex);
  const measure = async (
    name: string,
    rows: number,
    fn: () => Promise<void>,
  ): Promise<HnswInserts> => {
    const stop = await meter.start();
    const start = performance.now();
    await fn();
    const ms = performance.now() - start;
    const cpu = await stop();
    return { name, rows, ms, cpuMs: cpu.processMs + cpu.databaseMs };
  };

  // pgvector alone: the store's vectors so far, the same index, nothing else.
  const baseline = 'bench_hnsw_only';
  await knex.raw(
    `CREATE TABLE ${baseline} AS SELECT chunk_id AS id, embedding FROM ${vectorTableName(
      dimensions,
    )}`,
  );
  await knex.transaction(async trx => {
    await trx.raw("SELECT set_config('maintenance_work_mem', '512MB', true)");
    await trx.raw(
      `CREATE INDEX ON ${baseline} USING hnsw (embedding vector_cosine_ops) WITH (m = ${HNSW_M}, ef_construction = ${HNSW_EF_CONSTRUCTION})`,
    );
  });
  await knex.raw(`VACUUM ANALYZE ${baseline}`);

  const half = Math.floor(tail.length / 2 / ROWS_PER_DOCUMENT) * 2;
  const inTransactions = (rows: ChunkVector[], size: number) => async () => {
    for (let i = 0; i < rows.length; i += size) {
      await knex.transaction(trx =>
        store.insert(trx, model, dimensions, rows.slice(i, i + size)),
      );
    }
  };
  const perDocument = await measure(
    'PgVectorStore, a short document (2 rows) per transaction',
    half,
    inTransactions(tail.slice(0, half), ROWS_PER_DOCUMENT),
  );
  const batched = await measure(
    `PgVectorStore, ${DOCUMENTS_PER_BATCH} documents per transaction (ingestion's batch)`,
    tail.length - half,
    inTransactions(tail.slice(half), ROWS_PER_DOCUMENT * DOCUMENTS_PER_BATCH),
  );
  const alone = await measure(
    "pgvector's own: plain INSERT into a table with only the HNSW index",
    tail.length,
    async () => {
      for (let i = 0; i < tail.length; i += INSERT_ROWS) {
        await knex(baseline).insert(
          tail.slice(i, i + INSERT_ROWS).map(row => ({
            id: row.chunkId,
            embedding: `[${row.vector.join(',')}]`,
          })),
        );
      }
    },
  );
  return [perDocument, batched, alone];
}
