import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { applyDatabaseMigrations } from '../database/migrations';
import { PgVectorStore } from './PgVectorStore';
import { countStatement, runWithSettings } from './pgvectorSearch';
import { ChunkVector } from './types';
import {
  ensureTenant,
  randomVector,
  randomVectors,
  writeDocument,
} from './__testUtils__/vectorFixtures';
import { seededRandom } from '../demo/seededRandom';

/**
 * What only the pgvector store does: binary COPY on the transaction's own
 * connection, lazy schema creation under concurrency, and the two search
 * paths, checked against PostgreSQL's plans. The behaviour it shares with
 * the exact store is in VectorStore.test.ts (which also fails in CI when
 * PostgreSQL 17 is missing).
 */

const MODEL = 'test-embedding';
const DIMS = 12;

jest.setTimeout(60_000);

describe('PgVectorStore', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_17'] });

  it('has PostgreSQL 17 with pgvector wherever CI runs', () => {
    expect(databases.supports('POSTGRES_17') || !process.env.CI).toBe(true);
  });
  if (!databases.supports('POSTGRES_17')) {
    return;
  }

  const random = seededRandom(7);

  async function freshDatabase(...tenants: string[]): Promise<Knex> {
    const knex = await databases.init('POSTGRES_17');
    await applyDatabaseMigrations(knex);
    for (const tenant of tenants) {
      await ensureTenant(knex, tenant);
    }
    return knex;
  }

  function rowsFor(tenantId: string, vectors: Float32Array[]): ChunkVector[] {
    const documentId = randomUUID();
    return vectors.map(vector => ({
      chunkId: randomUUID(),
      tenantId,
      documentId,
      vector,
    }));
  }

  it('copies on the connection of the caller’s transaction', async () => {
    const knex = await freshDatabase('acme');
    const store = new PgVectorStore(knex);

    await knex.transaction(async trx => {
      const { rows } = await trx.raw('SELECT pg_backend_pid() AS pid');
      const connection = await trx.client.acquireConnection();
      const viaConnection = await connection.query(
        'SELECT pg_backend_pid() AS pid',
      );
      await trx.client.releaseConnection(connection);
      expect(viaConnection.rows[0].pid).toBe(rows[0].pid);

      await store.insert(
        trx,
        MODEL,
        DIMS,
        rowsFor('acme', randomVectors(random, 3, DIMS)),
      );
      // visible inside the transaction, so written on its connection
      const inside = await trx(`docuchat_vectors_${DIMS}`).count({ n: '*' });
      expect(Number(inside[0].n)).toBe(3);
      const outside = await knex(`docuchat_vectors_${DIMS}`)
        .count({ n: '*' })
        .catch(() => [{ n: 0 }]);
      expect(Number(outside[0].n)).toBe(0);
    });
  });

  it('stores the exact float32 values it was given', async () => {
    const knex = await freshDatabase('acme');
    const store = new PgVectorStore(knex);
    const vector = Float32Array.from([
      1e-7,
      -3.5,
      0.1,
      2 ** 20,
      -0,
      7,
      1 / 3,
      Math.PI,
      -1e-30,
      5,
      6,
      7,
    ]);
    const [row] = rowsFor('acme', [vector]);
    await knex.transaction(trx =>
      store.insert(trx, 'ünïcødé-model', DIMS, [row]),
    );
    const { rows } = await knex.raw(
      `SELECT chunk_id, tenant_id, document_id, model, embedding::text AS embedding FROM docuchat_vectors_${DIMS}`,
    );
    expect(rows).toEqual([
      {
        chunk_id: row.chunkId,
        tenant_id: 'acme',
        document_id: row.documentId,
        model: 'ünïcødé-model',
        embedding: expect.any(String),
      },
    ]);
    const stored = Float32Array.from(JSON.parse(rows[0].embedding));
    expect(Array.from(stored)).toEqual(Array.from(vector));
  });

  it('rolls back the whole transaction when the COPY fails', async () => {
    const knex = await freshDatabase('acme');
    const store = new PgVectorStore(knex);
    const rows = rowsFor('acme', randomVectors(random, 4, DIMS));
    await knex.transaction(trx => store.insert(trx, MODEL, DIMS, rows));

    const fresh = rowsFor('acme', randomVectors(random, 2, DIMS));
    await expect(
      knex.transaction(async trx => {
        await store.insert(trx, MODEL, DIMS, fresh);
        await store.insert(trx, MODEL, DIMS, [rows[0]]); // duplicate key
      }),
    ).rejects.toThrow(/duplicate key/);
    const hits = await store.search('acme', MODEL, rows[0].vector, 10);
    expect(hits.map(h => h.chunkId).sort()).toEqual(
      rows.map(r => r.chunkId).sort(),
    );

    await expect(
      knex.transaction(trx =>
        store.insert(trx, MODEL, DIMS, [rows[1], rows[1]]),
      ),
    ).rejects.toThrow(InputError);
  });

  it('creates its schema once when several writers start together', async () => {
    const knex = await freshDatabase('acme');
    // separate instances: nothing shared in process, as across replicas
    const writers = [0, 1, 2, 3].map(() => new PgVectorStore(knex));
    await Promise.all(
      writers.map(store =>
        knex.transaction(trx =>
          store.insert(
            trx,
            MODEL,
            DIMS,
            rowsFor('acme', randomVectors(random, 5, DIMS)),
          ),
        ),
      ),
    );
    const { rows } = await knex.raw(
      `SELECT indexname FROM pg_indexes WHERE tablename = ? ORDER BY indexname`,
      [`docuchat_vectors_${DIMS}`],
    );
    expect(rows.map((r: { indexname: string }) => r.indexname)).toEqual([
      `docuchat_vectors_${DIMS}_document`,
      `docuchat_vectors_${DIMS}_hnsw`,
      `docuchat_vectors_${DIMS}_pkey`,
      `docuchat_vectors_${DIMS}_tenant_model`,
    ]);
    const hits = await writers[0].search(
      'acme',
      MODEL,
      randomVector(random, DIMS),
      50,
    );
    expect(hits).toHaveLength(20);
  });

  describe('search paths', () => {
    let knex: Knex;
    let store: PgVectorStore;
    const logger = mockServices.logger.mock();

    beforeAll(async () => {
      knex = await freshDatabase('big', 'small', 'rest');
      const writer = new PgVectorStore(knex, {
        exactSearchThreshold: 500,
        logger,
      });
      store = writer;
      const centre = randomVector(random, DIMS);
      for (const [tenantId, count] of [
        ['big', 1200],
        ['small', 40],
        ['rest', 1200],
      ] as const) {
        await knex.transaction(async trx => {
          for (let i = 0; i < count; i += 200) {
            await writeDocument(trx, writer, {
              tenantId,
              model: MODEL,
              vectors: randomVectors(
                random,
                Math.min(200, count - i),
                DIMS,
                centre,
                1,
              ),
            });
          }
        });
      }
      // what autovacuum does after a load: statistics and visibility map
      await knex.raw(`VACUUM ANALYZE docuchat_vectors_${DIMS}`);
    });

    it('searches a small tenant exactly through the B-tree', async () => {
      const { path, plan } = await store.explainSearch(
        'small',
        MODEL,
        randomVector(random, DIMS),
        10,
      );
      expect(path).toBe('exact');
      expect(plan).toContain(
        `Bitmap Index Scan on docuchat_vectors_${DIMS}_tenant_model`,
      );
      expect(plan).not.toContain('hnsw');
      expect(plan).not.toContain('Seq Scan');
    });

    it('searches a big tenant through the HNSW index', async () => {
      const { path, plan } = await store.explainSearch(
        'big',
        MODEL,
        randomVector(random, DIMS),
        10,
      );
      expect(path).toBe('hnsw');
      expect(plan).toContain(`Index Scan using docuchat_vectors_${DIMS}_hnsw`);
      expect(plan).not.toContain('tenant_model');
    });

    it('counts a tenant from the B-tree alone, only up to the threshold', async () => {
      const { sql, bindings } = countStatement({
        dimensions: DIMS,
        tenantId: 'big',
        model: MODEL,
        limit: 500,
      });
      // with the settings the store counts under
      const plan = (
        await runWithSettings<{ 'QUERY PLAN': string }>(knex, 'count', {
          sql: `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql}`,
          bindings,
        })
      )
        .map(r => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toContain(
        `Index Only Scan using docuchat_vectors_${DIMS}_tenant_model`,
      );
      // stops at the limit instead of reading all 1200 entries (heap
      // fetches depend on the visibility map, which this test server, with
      // asynchronous commit, sets only a moment after a VACUUM)
      expect(plan).toMatch(/Index Only Scan .*\(actual rows=500 loops=1\)/);
      const { rows } = await knex.raw(sql, bindings);
      expect(rows[0].n).toBe(500);
    });

    it('searches in one round trip, counting a tenant again in the same one once its size is old', async () => {
      const dated = new PgVectorStore(knex, {
        exactSearchThreshold: 500,
        tenantSizeTtlMs: 1500,
      });
      const sent: string[] = [];
      const listen = (q: { sql: string }) => sent.push(q.sql);
      const search = async () => {
        sent.length = 0;
        knex.on('query', listen);
        try {
          return await dated.search(
            'big',
            MODEL,
            randomVector(random, DIMS),
            10,
          );
        } finally {
          knex.removeListener('query', listen);
        }
      };
      // First search: the index looked for, the tenant counted, searched.
      expect(await search()).toHaveLength(10);
      expect(sent.map(sql => /count\(\*\)/.test(sql))).toEqual([
        false,
        true,
        false,
      ]);
      // Size known: the search alone, its settings in the same query.
      expect(await search()).toHaveLength(10);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/^SET LOCAL .*SELECT chunk_id/s);
      // Size out of date: counted again within the search's round trip,
      // and known again for the next search.
      await new Promise(resolve => setTimeout(resolve, 1600));
      expect(await search()).toHaveLength(10);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/count\(\*\).*SELECT chunk_id/s);
      await search();
      expect(sent).toHaveLength(1);
      expect(sent[0]).not.toMatch(/count\(\*\)/);
    });

    it('redoes a short HNSW answer exactly', async () => {
      // This instance believes "small" is big (a stale size, as another
      // replica might hold), so it takes the HNSW path for it.
      const staleLogger = mockServices.logger.mock();
      const stale = new PgVectorStore(knex, {
        exactSearchThreshold: 0,
        logger: staleLogger,
      });
      const hits = await stale.search(
        'small',
        MODEL,
        randomVector(random, DIMS),
        100,
      );
      expect(hits).toHaveLength(40);
      expect(staleLogger.debug).toHaveBeenCalledWith(
        expect.stringContaining('searching exactly'),
      );
    });
  });

  it('searches exactly until a deferred HNSW index is built', async () => {
    const knex = await freshDatabase('big');
    const store = new PgVectorStore(knex, {
      deferHnswIndex: true,
      exactSearchThreshold: 100,
    });
    const rows = rowsFor('big', randomVectors(random, 300, DIMS));
    await knex.transaction(trx => store.insert(trx, MODEL, DIMS, rows));
    await knex.raw(`ANALYZE docuchat_vectors_${DIMS}`);
    const query = randomVector(random, DIMS);

    const before = await store.explainSearch('big', MODEL, query, 10);
    expect(before.path).toBe('exact');
    expect(await store.search('big', MODEL, query, 10)).toHaveLength(10);

    await store.createHnswIndex(DIMS);
    await store.createHnswIndex(DIMS); // idempotent
    const after = await store.explainSearch('big', MODEL, query, 10);
    expect(after.path).toBe('hnsw');
    expect(after.plan).toContain(`docuchat_vectors_${DIMS}_hnsw`);
    expect(await store.search('big', MODEL, query, 10)).toHaveLength(10);
  });

  it('finds nothing, without error, for a dimension never written', async () => {
    const knex = await freshDatabase();
    const store = new PgVectorStore(knex);
    expect(
      await store.search('acme', MODEL, randomVector(random, 5), 10),
    ).toEqual([]);
    await store.deleteDocuments(knex, 'acme', [randomUUID()]);
  });
});
