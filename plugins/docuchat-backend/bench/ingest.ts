/**
 * bench:ingest — how fast chunk vectors get into PostgreSQL + pgvector.
 *
 * 50k chunks × 384-d precomputed random vectors (× BENCH_SCALE) written by
 * PgVectorStore (binary COPY, in 500-row inserts inside one transaction)
 * and, on the same server in the same run, by the insert paths of
 * LangChain.js's PGVectorStore and Roadie's rag-ai pgvector store (multi-row
 * INSERTs of '[x,y,…]' literals, 500 rows a batch). None of the compared
 * tables has an ANN index while loading (that is how the baselines create
 * theirs, and how bulk loads should be done); one extra row shows
 * PgVectorStore writing the last tenth of the rows into a table whose HNSW
 * index (built over the other nine tenths) already exists, the steady state
 * of a running installation, three ways: a short document per transaction,
 * ingestion's batches, and pgvector's own cost alone (plain INSERTs into a
 * table with nothing but the same HNSW index).
 *
 * First, API ingestion on the embedded defaults (SQLite, the local model)
 * beside the local model's own rate on the same short documents.
 *
 *   yarn bench:ingest            # full size
 *   BENCH_SCALE=0.02 yarn bench:ingest
 */
import { Pool } from 'pg';
import { PgVectorStore } from '../src/vectors/PgVectorStore';
import { ChunkVector } from '../src/vectors/types';
import {
  ensureLangchainTable,
  langchainAddVectors,
} from './lib/langchainPgVector';
import { fixed, printTable, thousands, timed } from './lib/report';
import {
  apiPrecision,
  gaussian,
  seededRandom,
  seededUuid,
  unitInPlace,
} from './lib/random';
import {
  createRoadieTable,
  ROADIE_TABLE,
  roadieAddVectors,
} from './lib/roadiePgVector';
import { ScratchDatabase, withScratchDatabase } from './lib/scratchDatabase';
import { measureApiIngestion } from './lib/apiIngestion';
import { HnswInserts, measureHnswInserts } from './lib/hnswInserts';
import { runBench } from './lib/runBench';
import { benchScale } from './lib/settings';

const FULL_ROWS = 50_000;
const DIMENSIONS = 384;
const BATCH = 500;
const TENANTS = 10;
const CHUNKS_PER_DOCUMENT = 50;
const MODEL = 'bench-embedding-384';

interface Dataset {
  rows: ChunkVector[];
  /** The same vectors as number[] (what embedding clients return). */
  arrays: number[][];
}

function makeDataset(count: number): Dataset {
  const random = seededRandom(384);
  const normal = gaussian(random);
  const rows: ChunkVector[] = [];
  const arrays: number[][] = [];
  let documentId = seededUuid(random);
  for (let i = 0; i < count; i++) {
    if (i % CHUNKS_PER_DOCUMENT === 0) documentId = seededUuid(random);
    const values = unitInPlace(
      Float64Array.from({ length: DIMENSIONS }, () => normal()),
    );
    const array = Array.from(values, apiPrecision);
    arrays.push(array);
    rows.push({
      chunkId: seededUuid(random),
      tenantId: `tenant-${Math.floor(i / CHUNKS_PER_DOCUMENT) % TENANTS}`,
      documentId,
      vector: Float32Array.from(array),
    });
  }
  return { rows, arrays };
}

async function countRows(db: ScratchDatabase, table: string) {
  const { rows } = await db.knex.raw(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0].n as number;
}

async function insertWithStore(
  db: ScratchDatabase,
  store: PgVectorStore,
  rows: ChunkVector[],
) {
  await db.knex.transaction(async trx => {
    for (let i = 0; i < rows.length; i += BATCH) {
      await store.insert(trx, MODEL, DIMENSIONS, rows.slice(i, i + BATCH));
    }
  });
}

async function apiIngestion(scale: number): Promise<string[]> {
  const documents = Math.max(20, Math.round(1000 * scale));
  const uploaders = 4;
  const run = await measureApiIngestion({ documents, uploaders });
  const rate = (ms: number) => run.documents / (ms / 1000);
  const modelRate = rate(run.model.ms);
  const apiRate = rate(run.api.ms);
  process.stdout.write(
    `API ingestion on the embedded defaults (SQLite in memory, the local USE-lite model): ${thousands(
      run.documents,
    )} short documents (${thousands(
      run.chunks,
    )} chunks), ${uploaders} uploaders, beside the local model embedding the same chunks alone\n`,
  );
  printTable(
    ['way', 'documents', 's', 'docs/s', 'CPU ms per doc'],
    [
      [
        'the local model alone (one embed call)',
        thousands(run.documents),
        fixed(run.model.ms / 1000, 2),
        fixed(modelRate, 1),
        fixed(run.model.cpuMs / run.documents, 1),
      ],
      [
        'upload through the API until ready',
        thousands(run.documents),
        fixed(run.api.ms / 1000, 2),
        fixed(apiRate, 1),
        fixed(run.api.cpuMs / run.documents, 1),
      ],
    ],
  );
  const ratio = apiRate / modelRate;
  process.stdout.write(
    `API rate / the model's own rate: ${fixed(ratio, 2)} (target ≥ 0.5${
      scale < 1 ? '; small run' : ''
    }: ${
      ratio >= 0.5 ? 'MET' : 'MISSED'
    }); CPU per document, API / model: ${fixed(
      run.api.cpuMs / run.model.cpuMs,
      2,
    )}×\n\n`,
  );
  return run.problems;
}

async function main(): Promise<string[]> {
  const scale = benchScale();
  const problems = await apiIngestion(scale);
  const count = Math.max(BATCH, Math.round(FULL_ROWS * scale));
  process.stdout.write(
    `bench:ingest — ${thousands(
      count,
    )} chunks × ${DIMENSIONS}-d, ${BATCH}-row batches, PostgreSQL 17 + pgvector (scale ${scale})\n\n`,
  );
  const data = makeDataset(count);
  const documents = data.rows.map(row => ({
    text: `chunk ${row.chunkId}`,
    metadata: {
      tenant: row.tenantId,
      documentId: row.documentId,
      chunkId: row.chunkId,
    },
  }));

  await withScratchDatabase('ingest', async db => {
    const results: Array<{ name: string; ms: number }> = [];
    const checkpoint = () => db.knex.raw('CHECKPOINT');

    // LangChain.js PGVectorStore.addVectors
    const pool = new Pool({ connectionString: db.connectionString, max: 1 });
    try {
      await ensureLangchainTable(pool, 'langchain_pg_embedding', DIMENSIONS);
      await checkpoint();
      const { ms } = await timed(() =>
        langchainAddVectors(
          pool,
          'langchain_pg_embedding',
          data.arrays,
          documents.map(d => ({ pageContent: d.text, metadata: d.metadata })),
        ),
      );
      results.push({
        name: 'LangChain.js PGVectorStore (INSERT literals)',
        ms,
      });
    } finally {
      await pool.end();
    }
    if ((await countRows(db, 'langchain_pg_embedding')) !== count) {
      throw new Error('LangChain baseline wrote a wrong number of rows');
    }

    // Roadie RoadiePgVectorStore.addVectors
    await createRoadieTable(db.knex);
    await checkpoint();
    results.push({
      name: 'Roadie rag-ai pgvector (knex batchInsert literals)',
      ms: (
        await timed(() =>
          roadieAddVectors(
            db.knex,
            data.arrays,
            documents.map(d => ({ content: d.text, metadata: d.metadata })),
          ),
        )
      ).ms,
    });
    if ((await countRows(db, ROADIE_TABLE)) !== count) {
      throw new Error('Roadie baseline wrote a wrong number of rows');
    }

    // PgVectorStore, no HNSW index yet (bulk load)
    const store = new PgVectorStore(db.knex, { deferHnswIndex: true });
    await checkpoint();
    results.push({
      name: 'PgVectorStore (binary COPY), no HNSW index yet',
      ms: (await timed(() => insertWithStore(db, store, data.rows))).ms,
    });
    const table = `docuchat_vectors_${DIMENSIONS}`;
    if ((await countRows(db, table)) !== count) {
      throw new Error('PgVectorStore wrote a wrong number of rows');
    }

    // PgVectorStore into a table whose HNSW index exists (the steady state
    // of a running installation): the last tenth of the rows again, into a
    // graph built over the first nine tenths.
    const tail = data.rows.slice(count - Math.ceil(count / 10));
    await db
      .knex(table)
      .whereIn(
        'chunk_id',
        tail.map(r => r.chunkId),
      )
      .delete();
    await db.knex.raw(`VACUUM ${table}`);
    const built = await timed(() =>
      store.createHnswIndex(DIMENSIONS, { maintenanceWorkMem: '512MB' }),
    );
    await checkpoint();
    const hnsw = await measureHnswInserts({
      knex: db.knex,
      store,
      model: MODEL,
      dimensions: DIMENSIONS,
      tail,
    });
    if ((await countRows(db, table)) !== count) {
      throw new Error('PgVectorStore wrote a wrong number of rows');
    }
    if ((await countRows(db, 'bench_hnsw_only')) !== count) {
      throw new Error('The plain INSERT baseline wrote a wrong number of rows');
    }

    const rate = (ms: number) => count / (ms / 1000);
    const [langchain, roadie, copy] = results;
    const rows = results.map(r => [
      r.name,
      thousands(count),
      fixed(r.ms / 1000, 2),
      thousands(rate(r.ms)),
      `${fixed(langchain.ms / r.ms, 1)}×`,
      `${fixed(roadie.ms / r.ms, 1)}×`,
    ]);
    printTable(
      ['method', 'rows', 's', 'rows/s', 'vs LangChain', 'vs Roadie'],
      rows,
    );
    process.stdout.write(
      `PgVectorStore binary COPY vs LangChain.js: ${fixed(
        langchain.ms / copy.ms,
        1,
      )}×, vs Roadie: ${fixed(
        roadie.ms / copy.ms,
        1,
      )}× (target ≥ 5× at full size${
        scale < 1 ? '; small runs are dominated by fixed costs' : ''
      })\n` +
        `HNSW index over ${thousands(
          count - tail.length,
        )} rows built after the load in ${fixed(built.ms / 1000, 1)} s\n\n`,
    );

    const [perDocument, batched, alone] = hnsw;
    const perRow = (m: HnswInserts) => m.cpuMs / m.rows;
    process.stdout.write(
      `With the HNSW index present: the last ${thousands(
        tail.length,
      )} rows into the graph of the other ${thousands(
        count - tail.length,
      )}, against pgvector's own insert cost (CPU = this process and the database's processes)\n`,
    );
    printTable(
      ['method', 'rows', 's', 'rows/s', 'CPU ms per row', 'vs pgvector alone'],
      hnsw.map(m => [
        m.name,
        thousands(m.rows),
        fixed(m.ms / 1000, 2),
        thousands(m.rows / (m.ms / 1000)),
        fixed(perRow(m), 2),
        `${fixed(perRow(m) / perRow(alone), 2)}×`,
      ]),
    );
    const ratio = perRow(batched) / perRow(alone);
    process.stdout.write(
      `HNSW-present inserts, ingestion's batches vs pgvector alone: ${fixed(
        ratio,
        2,
      )}× the CPU per row (target ≤ 2×: ${
        ratio <= 2 ? 'MET' : 'MISSED'
      }); a document per transaction: ${fixed(
        perRow(perDocument) / perRow(alone),
        2,
      )}×\n`,
    );
  });
  return problems;
}

runBench('bench:ingest', main);
