import { mockServices } from '@backstage/backend-test-utils';
import { EmbeddingProvider } from '@docuchat/backstage-plugin-docuchat-node';
import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { DatabaseDocumentStore } from '../database/DatabaseDocumentStore';
import {
  createEveryTestDatabase,
  migratedDatabaseWithTenants,
} from '../database/__testUtils__/testDatabases';
import { chunkDocument } from '../ingest/chunkDocument';
import { parseDocument } from '../ingest/parseDocument';
import { createFullTextIndex } from '../search/createFullTextIndex';
import { DatabaseUsageLedger } from '../usage/DatabaseUsageLedger';
import { UsageMeter } from '../usage/UsageMeter';
import { createVectorStore } from '../vectors/createVectorStore';
import {
  ChunkBatchWriter,
  PreparedDocument,
  shareOut,
} from './ChunkBatchWriter';

jest.setTimeout(60_000);

const OWNER = 'replica-1';
const DIMENSIONS = 4;

/** A provider that counts its calls and refuses any text with "poison". */
function countingProvider() {
  const calls: string[][] = [];
  const provider: EmbeddingProvider = {
    model: 'test:counting',
    dimensions: DIMENSIONS,
    async embed(texts) {
      calls.push(texts);
      if (texts.some(t => t.includes('poison'))) {
        throw new Error('the provider refused an input');
      }
      return {
        vectors: texts.map((_, i) => Float32Array.from([1, i + 1, 0, 1])),
        // Not the local counts: the writer shares out what it is told.
        promptTokens: texts.length * 7 + 1,
      };
    },
  };
  return { provider, calls };
}

describe('ChunkBatchWriter', () => {
  const databases = createEveryTestDatabase();

  it('shares a count out in whole tokens, in proportion', () => {
    expect(shareOut(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(shareOut(100, [30, 10])).toEqual([75, 25]);
    expect(shareOut(5, [0, 0])).toEqual([3, 2]);
    expect(shareOut(0, [3])).toEqual([0]);
  });

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let knex: Knex;
    let documents: DatabaseDocumentStore;

    async function setUp(maxTokens = 10_000) {
      knex = await migratedDatabaseWithTenants(databases, databaseId, ['acme']);
      documents = new DatabaseDocumentStore(knex);
      const { provider, calls } = countingProvider();
      const writer = new ChunkBatchWriter({
        documents,
        vectors: await createVectorStore(knex, {
          logger: mockServices.logger.mock(),
        }),
        fullText: createFullTextIndex(knex),
        embeddings: provider,
        meter: new UsageMeter({
          ledger: new DatabaseUsageLedger(knex),
          logger: mockServices.logger.mock(),
        }),
        limits: { maxTexts: 64, maxTokens },
      });
      return { writer, calls };
    }

    /** Uploads and claims the texts as documents, parsed and chunked. */
    async function prepared(...texts: string[]): Promise<PreparedDocument[]> {
      const result: PreparedDocument[] = [];
      for (const text of texts) {
        const content = Buffer.from(text);
        await documents.createOrFind({
          tenantId: 'acme',
          title: text.slice(0, 20),
          contentType: 'text/plain',
          contentHash: createHash('sha256').update(content).digest('hex'),
          content,
        });
      }
      const claims = await documents.claimBatch(
        OWNER,
        new Date(Date.now() + 60_000),
        { maxDocuments: 100, maxTokens: Infinity },
      );
      for (const claim of claims) {
        const { content } = await documents.getContent('acme', claim.id);
        const chunks = chunkDocument(
          await parseDocument(content, { contentType: 'text/plain' }),
          { maxTokens: 40, overlapTokens: 5 },
        );
        result.push({
          tenantId: 'acme',
          id: claim.id,
          chunks,
          embedTexts: chunks.map(c => c.text),
          billable: true,
        });
      }
      return result;
    }

    const usageRows = () =>
      knex('docuchat_usage')
        .select('document_id', 'prompt_tokens', 'status')
        .orderBy('document_id');

    it('embeds small documents in one call and stores them in one transaction, each billed and ready', async () => {
      const { writer, calls } = await setUp();
      const docs = await prepared(
        'Backups are kept for thirty days.',
        'Secrets rotate every ninety days.',
        'Pods scale on queue depth.',
      );
      const queries: string[] = [];
      const listen = (q: { sql: string }) => queries.push(q.sql);
      knex.on('query', listen);
      const results = await writer.write(
        docs,
        OWNER,
        new AbortController().signal,
      );
      knex.removeListener('query', listen);

      expect(calls).toHaveLength(1);
      expect(calls[0]).toHaveLength(3);
      expect([...results.values()]).toEqual([1, 1, 1]);
      // One transaction stores them all (SQLite settles the rows of a call
      // one by one, in a transaction of their own).
      expect(queries.filter(q => /^BEGIN/i.test(q))).toHaveLength(
        databaseId === 'SQLITE_3' ? 2 : 1,
      );
      // A statement each to begin and to settle the three rows.
      expect(queries.filter(q => /docuchat_usage/.test(q))).toHaveLength(
        databaseId === 'SQLITE_3' ? 4 : 2,
      );
      const rows = await usageRows();
      expect(rows.map(r => r.document_id).sort()).toEqual(
        docs.map(d => d.id).sort(),
      );
      expect(rows.every(r => r.status === 'settled')).toBe(true);
      // The provider's count, shared out: 3 × 7 + 1.
      expect(rows.reduce((sum, r) => sum + Number(r.prompt_tokens), 0)).toBe(
        22,
      );
      const ready = await knex('docuchat_documents')
        .whereIn(
          'id',
          docs.map(d => d.id),
        )
        .pluck('status');
      expect(ready).toEqual(['ready', 'ready', 'ready']);
      expect(
        await knex('docuchat_chunks').whereIn(
          'document_id',
          docs.map(d => d.id),
        ),
      ).toHaveLength(3);
    });

    it('fails the document the provider refuses alone, and stores the others', async () => {
      const { writer, calls } = await setUp();
      const docs = await prepared(
        'Backups are kept for thirty days.',
        'This one carries poison.',
        'Pods scale on queue depth.',
      );
      const results = await writer.write(
        docs,
        OWNER,
        new AbortController().signal,
      );
      const poisoned = docs.find(d => d.embedTexts[0].includes('poison'))!;
      expect(results.get(poisoned.id)).toBeInstanceOf(Error);
      expect(
        docs.filter(d => d !== poisoned).map(d => results.get(d.id)),
      ).toEqual([1, 1]);
      // The shared call, then each document alone.
      expect(calls.map(c => c.length)).toEqual([3, 1, 1, 1]);
      const poisonRows = (await usageRows()).filter(
        r => r.document_id === poisoned.id,
      );
      // Two calls refused: both settled, billed nothing.
      expect(poisonRows).toHaveLength(2);
      expect(poisonRows.map(r => Number(r.prompt_tokens))).toEqual([0, 0]);
    });

    it('leaves a document whose claim was taken over as it is', async () => {
      const { writer } = await setUp();
      const docs = await prepared(
        'Backups are kept for thirty days.',
        'Secrets rotate every ninety days.',
      );
      await documents.requeue('acme', docs[1].id);
      const results = await writer.write(
        docs,
        OWNER,
        new AbortController().signal,
      );
      expect(results.get(docs[0].id)).toBe(1);
      expect(results.get(docs[1].id)).toMatchObject({
        name: 'ClaimLostError',
      });
      expect(
        await knex('docuchat_chunks').where({ document_id: docs[1].id }),
      ).toEqual([]);
      expect(
        (await knex('docuchat_documents').where({ id: docs[1].id }).first())
          .status,
      ).toBe('queued');
    });

    it('gives a document larger than a call calls of its own', async () => {
      const { writer, calls } = await setUp(60);
      const long = Array.from(
        { length: 12 },
        (_, i) => `Paragraph ${i} says something about backups and restores.`,
      ).join('\n\n');
      const docs = await prepared('A short note on pods.', long);
      const results = await writer.write(
        docs,
        OWNER,
        new AbortController().signal,
      );
      const big = docs.find(d => d.chunks.length > 1)!;
      expect(results.get(big.id)).toBe(big.chunks.length);
      // No call mixes the long document with another, none is over 60.
      for (const call of calls) {
        const mixes =
          call.some(t => t.includes('Paragraph')) &&
          call.some(t => t.includes('pods'));
        expect(mixes).toBe(false);
      }
      expect(calls.flat()).toHaveLength(
        docs.reduce((sum, d) => sum + d.chunks.length, 0),
      );
    });
  });
});
