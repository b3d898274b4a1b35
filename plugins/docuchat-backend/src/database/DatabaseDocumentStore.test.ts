import { TestDatabaseId } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import { DatabaseDocumentStore } from './DatabaseDocumentStore';
import { ClaimLostError, StoredChunk } from './DocumentStore';
import { PARSER_VERSION } from '../ingest/parserVersion';
import {
  createEveryTestDatabase,
  migratedDatabaseWithTenants,
} from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const inAMinute = () => new Date(Date.now() + 60_000);
/** One document at a time, as a replica without batching claims. */
const ONE = { maxDocuments: 1, maxTokens: Infinity };
const aMinuteAgo = () => new Date(Date.now() - 60_000);

function chunk(documentId: string, ordinal: number): StoredChunk {
  return {
    id: randomUUID(),
    tenantId: 'acme',
    documentId,
    ordinal,
    text: `chunk ${ordinal}`,
    headingPath: [],
    charStart: 0,
    charEnd: 7,
    tokenCount: 2,
    embeddingModel: 'm',
    embeddingDimensions: 4,
  };
}

/** Ingestion claims: owners, leases, takeovers and bounded attempts. */
describe('DatabaseDocumentStore claims', () => {
  const databases = createEveryTestDatabase();

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await migratedDatabaseWithTenants(databases, databaseId, [
      'acme',
    ]);
    const store = new DatabaseDocumentStore(knex);
    const upload = async (name: string) =>
      (
        await store.createOrFind({
          tenantId: 'acme',
          title: name,
          contentType: 'text/plain',
          contentHash: name.padEnd(64, '0'),
          content: Buffer.from(name),
        })
      ).document.id;
    const row = (id: string) =>
      knex('docuchat_documents')
        .select('status', 'claimed_by', 'attempts', 'error')
        .where({ id })
        .first();
    return { knex, store, upload, row };
  }

  it.each(databases.eachSupportedId())(
    'gives each queued document to one claimer at a time on %p',
    async databaseId => {
      const { store, upload, row } = await setUp(databaseId);
      const ids = [await upload('a'), await upload('b'), await upload('c')];
      const claims = await Promise.all(
        ['r1', 'r2', 'r3', 'r4'].map(owner =>
          store.claimBatch(owner, inAMinute(), ONE).then(([c]) => c),
        ),
      );
      const claimed = claims.filter(Boolean).map(c => c!.id);
      expect(claimed.sort()).toEqual([...ids].sort());
      expect(claims.filter(c => !c)).toHaveLength(1);
      expect(claims.every(c => !c || c.attempts === 1)).toBe(true);
      expect(await row(ids[0])).toMatchObject({ status: 'processing' });
      // Live leases are not claimable.
      expect(
        await store.claimBatch('r5', inAMinute(), ONE).then(([c]) => c),
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'takes over an expired lease; the old owner can neither renew nor store on %p',
    async databaseId => {
      const { knex, store, upload, row } = await setUp(databaseId);
      const id = await upload('a');
      await store.claimBatch('dead', aMinuteAgo(), ONE).then(([c]) => c);
      const takeover = await store
        .claimBatch('alive', inAMinute(), ONE)
        .then(([c]) => c);
      expect(takeover).toEqual({ tenantId: 'acme', id, attempts: 2 });
      expect(await store.renewClaim('acme', id, 'dead', inAMinute())).toBe(
        false,
      );
      expect(await store.renewClaim('acme', id, 'alive', inAMinute())).toBe(
        true,
      );
      await expect(
        knex.transaction(trx =>
          store.replaceChunks(
            trx,
            'acme',
            id,
            [chunk(id, 0)],
            { parserVersion: PARSER_VERSION, embeddingTextVersion: 2 },
            'dead',
          ),
        ),
      ).rejects.toThrow(ClaimLostError);
      await knex.transaction(trx =>
        store.replaceChunks(
          trx,
          'acme',
          id,
          [chunk(id, 0)],
          { parserVersion: PARSER_VERSION, embeddingTextVersion: 2 },
          'alive',
        ),
      );
      expect(await row(id)).toMatchObject({
        status: 'ready',
        claimed_by: null,
      });
      expect(await store.failClaim('acme', id, 'alive', 'late')).toBe(false);
    },
  );

  it.each(databases.eachSupportedId())(
    'fails a document after the last attempt, with the reason, on %p',
    async databaseId => {
      const { store, upload, row } = await setUp(databaseId);
      const id = await upload('a');
      await store.claimBatch('r1', aMinuteAgo(), ONE).then(([c]) => c);
      await store.claimBatch('r2', aMinuteAgo(), ONE).then(([c]) => c);
      expect(await store.failExhausted(3, 'gave up')).toEqual([]);
      await store.claimBatch('r3', aMinuteAgo(), ONE).then(([c]) => c);
      expect(await store.failExhausted(3, 'gave up')).toEqual([
        { tenantId: 'acme', id },
      ]);
      expect(await row(id)).toMatchObject({
        status: 'failed',
        attempts: 3,
        error: 'gave up',
        claimed_by: null,
      });
      expect(
        await store.claimBatch('r4', inAMinute(), ONE).then(([c]) => c),
      ).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'releases a claim with its attempt given back, and requeues from any state, on %p',
    async databaseId => {
      const { store, upload, row } = await setUp(databaseId);
      const id = await upload('a');
      await store.claimBatch('r1', inAMinute(), ONE).then(([c]) => c);
      expect(await store.releaseClaim('acme', id, 'r2')).toBe(false);
      expect(await store.releaseClaim('acme', id, 'r1')).toBe(true);
      expect(await row(id)).toMatchObject({
        status: 'queued',
        attempts: 0,
        claimed_by: null,
      });
      await store.claimBatch('r1', inAMinute(), ONE).then(([c]) => c);
      expect(await store.requeue('acme', id)).toBe(true);
      expect(await row(id)).toMatchObject({ status: 'queued', attempts: 0 });
      expect(await store.renewClaim('acme', id, 'r1', inAMinute())).toBe(false);
      expect(await store.requeue('acme', randomUUID())).toBe(false);
    },
  );
});
