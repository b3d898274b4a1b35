import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { applyDatabaseMigrations } from '../database/migrations';
import { createVectorStore } from './createVectorStore';
import { ChunkVector, VectorStore } from './types';
import {
  bruteForce,
  ensureTenant,
  randomVector,
  randomVectors,
  recall,
  writeDocument,
} from './__testUtils__/vectorFixtures';
import { seededRandom } from '../demo/seededRandom';
import { createEveryTestDatabase } from '../database/__testUtils__/testDatabases';

/**
 * The same behaviour, whatever the database: PgVectorStore on PostgreSQL 17
 * with pgvector, ExactVectorStore on PostgreSQL 15 (no pgvector) and SQLite.
 */
const expectedKind: Record<string, VectorStore['kind']> = {
  POSTGRES_17: 'pgvector',
  POSTGRES_15: 'exact',
  SQLITE_3: 'exact',
};

/** Small enough that the "big" tenants below take the HNSW path. */
const EXACT_SEARCH_THRESHOLD = 300;
const MODEL = 'test-embedding-16';
const DIMS = 16;

jest.setTimeout(60_000);

describe('VectorStore behaviour', () => {
  const databases = createEveryTestDatabase();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let store: VectorStore;
    const random = seededRandom(42);

    async function write(
      tenantId: string,
      vectors: Float32Array[],
      model = MODEL,
    ): Promise<ChunkVector[]> {
      return knex.transaction(trx =>
        writeDocument(trx, store, { tenantId, model, vectors }),
      );
    }

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      for (const tenant of [
        'acme',
        'globex',
        'initech',
        'tiny',
        'empty',
        'big',
        'crowd',
        'docs',
        'models',
        'rollback',
      ]) {
        await ensureTenant(knex, tenant);
      }
      store = await createVectorStore(knex, {
        logger: mockServices.logger.mock(),
        pgvector: { exactSearchThreshold: EXACT_SEARCH_THRESHOLD },
      });
    });

    it('is the store this database should get', () => {
      expect(store.kind).toBe(expectedKind[databaseId]);
    });

    it('writes nothing when the transaction rolls back', async () => {
      const vectors = randomVectors(random, 5, DIMS);
      await expect(
        knex.transaction(async trx => {
          await writeDocument(trx, store, {
            tenantId: 'rollback',
            model: MODEL,
            vectors,
          });
          throw new Error('ingest failed after the vectors were written');
        }),
      ).rejects.toThrow('ingest failed');

      expect(await store.search('rollback', MODEL, vectors[0], 10)).toEqual([]);
      expect(
        await knex('docuchat_chunks').where({ tenant_id: 'rollback' }),
      ).toEqual([]);

      // and the same write committed afterwards is found
      const rows = await write('rollback', vectors);
      const hits = await store.search('rollback', MODEL, vectors[0], 10);
      expect(hits.map(h => h.chunkId).sort()).toEqual(
        rows.map(r => r.chunkId).sort(),
      );
    });

    it('ranks like a brute-force reference', async () => {
      const rows = await write('acme', randomVectors(random, 250, DIMS));
      for (let q = 0; q < 5; q++) {
        const query = randomVector(random, DIMS);
        const expected = bruteForce(rows, query, 10);
        const hits = await store.search('acme', MODEL, query, 10);
        expect(hits.map(h => h.chunkId)).toEqual(expected.map(h => h.chunkId));
        hits.forEach((hit, i) =>
          expect(hit.score).toBeCloseTo(expected[i].score, 4),
        );
      }
    });

    it("never returns another tenant's chunk, even a closer one", async () => {
      const centre = randomVector(random, DIMS);
      const own = await write(
        'globex',
        randomVectors(random, 20, DIMS, centre, 1.5),
      );
      // initech's vectors sit right on the query
      const other = await write(
        'initech',
        randomVectors(random, 50, DIMS, centre, 0.01),
      );
      const hits = await store.search('globex', MODEL, centre, 10);
      expect(hits).toHaveLength(10);
      const ownIds = new Set(own.map(r => r.chunkId));
      expect(hits.every(h => ownIds.has(h.chunkId))).toBe(true);
      expect(hits.map(h => h.chunkId)).toEqual(
        bruteForce(own, centre, 10).map(h => h.chunkId),
      );
      const otherHits = await store.search('initech', MODEL, centre, 10);
      expect(otherHits.every(h => !ownIds.has(h.chunkId))).toBe(true);
      expect(other.length).toBe(50);
    });

    it('returns min(k, count) hits for tiny and empty tenants', async () => {
      const rows = await write('tiny', randomVectors(random, 3, DIMS));
      const query = randomVector(random, DIMS);
      const hits = await store.search('tiny', MODEL, query, 10);
      expect(hits.map(h => h.chunkId)).toEqual(
        bruteForce(rows, query, 10).map(h => h.chunkId),
      );
      expect(await store.search('tiny', MODEL, query, 2)).toHaveLength(2);
      expect(await store.search('empty', MODEL, query, 10)).toEqual([]);
      expect(await store.search('nobody', MODEL, query, 10)).toEqual([]);
    });

    it('returns k hits for a big tenant whose neighbours are all elsewhere', async () => {
      // "big" (above the exact-path threshold, so HNSW on pgvector) lives in
      // one region; "crowd" fills the region the queries come from.
      const bigCentre = randomVector(random, DIMS);
      const crowdCentre = Float32Array.from(bigCentre, x => -x);
      const big: ChunkVector[] = [];
      for (let d = 0; d < 4; d++) {
        big.push(
          ...(await write(
            'big',
            randomVectors(random, 150, DIMS, bigCentre, 0.6),
          )),
        );
      }
      await write('crowd', randomVectors(random, 600, DIMS, crowdCentre, 0.6));
      const bigIds = new Set(big.map(r => r.chunkId));

      let total = 0;
      for (let q = 0; q < 5; q++) {
        const onTopic = q % 2 === 0;
        const query = randomVector(
          random,
          DIMS,
          onTopic ? bigCentre : crowdCentre,
          0.6,
        );
        const hits = await store.search('big', MODEL, query, 25);
        expect(hits).toHaveLength(25);
        expect(hits.every(h => bigIds.has(h.chunkId))).toBe(true);
        for (let i = 1; i < hits.length; i++) {
          expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
        }
        total += recall(hits, bruteForce(big, query, 25));
      }
      // exact stores are exact; HNSW may miss a few
      expect(total / 5).toBeGreaterThanOrEqual(
        store.kind === 'exact' ? 1 : 0.8,
      );
    });

    it("deletes a document's vectors and nothing else", async () => {
      const vectors = randomVectors(random, 8, DIMS);
      const first = await write('docs', vectors);
      const second = await write('docs', vectors);
      const query = vectors[0];

      // the wrong tenant deletes nothing
      await store.deleteDocuments(knex, 'acme', [first[0].documentId]);
      expect(await store.search('docs', MODEL, query, 20)).toHaveLength(16);

      await knex.transaction(trx =>
        store.deleteDocuments(trx, 'docs', [first[0].documentId]),
      );
      const hits = await store.search('docs', MODEL, query, 20);
      expect(hits.map(h => h.chunkId).sort()).toEqual(
        second.map(r => r.chunkId).sort(),
      );
      // deleting again, or a document without vectors, is a no-op
      await store.deleteDocuments(knex, 'docs', [first[0].documentId]);
      await store.deleteDocuments(knex, 'docs', [randomUUID()]);
      expect(await store.search('docs', MODEL, query, 20)).toHaveLength(8);
    });

    it('keeps models and dimensions apart', async () => {
      const query16 = randomVector(random, DIMS);
      const query8 = randomVector(random, 8);
      const a = await write('models', randomVectors(random, 12, DIMS), 'a-16');
      const b = await write('models', randomVectors(random, 12, DIMS), 'b-16');
      const c = await write('models', randomVectors(random, 12, 8), 'c-8');

      const ids = (rows: ChunkVector[]) => rows.map(r => r.chunkId).sort();
      const found = async (model: string, query: Float32Array) =>
        (await store.search('models', model, query, 50))
          .map(h => h.chunkId)
          .sort();

      expect(await found('a-16', query16)).toEqual(ids(a));
      expect(await found('b-16', query16)).toEqual(ids(b));
      expect(await found('c-8', query8)).toEqual(ids(c));
      // a model asked with the other dimension has nothing of that size
      expect(await found('c-8', query16)).toEqual([]);
      expect(await found('a-16', query8)).toEqual([]);
    });

    it('rejects malformed input before writing', async () => {
      await expect(
        knex.transaction(trx =>
          store.insert(trx, MODEL, DIMS, [
            {
              chunkId: randomUUID(),
              tenantId: 'acme',
              documentId: randomUUID(),
              vector: new Float32Array(DIMS - 1).fill(1),
            },
          ]),
        ),
      ).rejects.toThrow(InputError);
      await expect(
        knex.transaction(trx =>
          store.insert(trx, MODEL, DIMS, [
            {
              chunkId: randomUUID(),
              tenantId: 'acme',
              documentId: randomUUID(),
              vector: new Float32Array(DIMS).fill(Number.NaN),
            },
          ]),
        ),
      ).rejects.toThrow(InputError);
      const query = randomVector(random, DIMS);
      await expect(store.search('acme', MODEL, query, 0)).rejects.toThrow(
        InputError,
      );
      await expect(
        store.search('acme', MODEL, new Float32Array(DIMS), 5),
      ).rejects.toThrow(InputError);
    });
  });
});
