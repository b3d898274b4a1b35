import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { applyDatabaseMigrations } from '../database/migrations';
import { createFullTextIndex } from './createFullTextIndex';
import { FullTextIndex } from './FullTextIndex';
import {
  databaseIds,
  databasesMissingInCi,
} from '../database/__testUtils__/testDatabases';

const MIGRATION = '20261125050000_full_text_v2.js';
const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-docuchat-backend',
  'migrations',
);

jest.setTimeout(60_000);

/** Stores one document of the tenant with these chunk texts; returns chunk ids. */
async function addDocument(
  knex: Knex,
  fullText: FullTextIndex,
  tenantId: string,
  texts: string[],
): Promise<string[]> {
  const documentId = randomUUID();
  const chunkIds = texts.map(() => randomUUID());
  await knex.transaction(async trx => {
    await trx('docuchat_documents').insert({
      id: documentId,
      tenant_id: tenantId,
      title: 'notes.md',
      content_type: 'text/markdown',
      content_hash: documentId.replace(/-/g, ''),
      size_bytes: 1,
      status: 'ready',
    });
    await trx('docuchat_chunks').insert(
      texts.map((text, ordinal) => ({
        id: chunkIds[ordinal],
        tenant_id: tenantId,
        document_id: documentId,
        ordinal,
        text,
        heading_path: '[]',
        char_start: 0,
        char_end: text.length,
        token_count: 1,
        embedding_model: 'test',
        embedding_dimensions: 3,
      })),
    );
    await fullText.insert(
      trx,
      texts.map((text, ordinal) => ({
        chunkId: chunkIds[ordinal],
        tenantId,
        documentId,
        text,
      })),
    );
  });
  return chunkIds;
}

describe('FullTextIndex', () => {
  const databases = TestDatabases.create({ ids: databaseIds });

  it('runs against every database CI provides', () => {
    expect(databasesMissingInCi(databases)).toEqual([]);
  });

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await applyDatabaseMigrations(knex);
    await knex('docuchat_tenants').insert(
      ['acme', 'globex'].map(id => ({
        id,
        display_name: id,
        owner_ref: `group:default/${id}`,
      })),
    );
    return { knex, fullText: createFullTextIndex(knex) };
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('scores BM25 as FTS5 does: Robertson/Sparck Jones IDF, length in words', async () => {
      const { knex, fullText } = await setUp(databaseId);
      const [backups] = await addDocument(knex, fullText, 'acme', [
        'The backups are kept for thirty days.',
        'Invoices are idempotent.',
        'Alerts page the on-call engineer.',
      ]);
      // 7, 3 and 6 words ("on-call" is two), stop words counted.
      const averageLength = (7 + 3 + 6) / 3;
      const idf = Math.log((3 - 1 + 0.5) / (1 + 0.5));
      const expected =
        (idf * (1.2 + 1)) / (1 + 1.2 * (1 - 0.75 + (0.75 * 7) / averageLength));

      // "backups" and "kept" each occur once, only in the first chunk.
      const hits = await fullText.search('acme', 'backups kept?', 5);

      expect(hits.map(hit => hit.chunkId)).toEqual([backups]);
      expect(hits[0].score).toBeCloseTo(2 * expected, 6);
    });

    it('keeps identifiers joined by _ as one word and splits other punctuation', async () => {
      const { knex, fullText } = await setUp(databaseId);
      const [identifier, words, path] = await addDocument(
        knex,
        fullText,
        'acme',
        [
          'Set hnsw.ef_search to 100 for better recall.',
          'Search the EF tables by hand.',
          'The router lives in src/service/router.ts beside readOptions.',
        ],
      );

      const byIdentifier = await fullText.search(
        'acme',
        'what value should ef_search have?',
        5,
      );
      expect(byIdentifier.map(hit => hit.chunkId)).toEqual([identifier]);

      const bySeparateWords = await fullText.search('acme', 'ef search', 5);
      expect(bySeparateWords.map(hit => hit.chunkId)).toEqual([words]);

      const byPathPart = await fullText.search('acme', 'which router?', 5);
      expect(byPathPart.map(hit => hit.chunkId)).toEqual([path]);
    });

    it('finds nothing, without an error, for punctuation or stop words alone', async () => {
      const { knex, fullText } = await setUp(databaseId);
      await addDocument(knex, fullText, 'acme', ['The backups are kept.']);

      await expect(fullText.search('acme', '?!', 5)).resolves.toEqual([]);
      await expect(fullText.search('acme', '', 5)).resolves.toEqual([]);
    });

    it("never returns another tenant's chunks", async () => {
      const { knex, fullText } = await setUp(databaseId);
      const acme = await addDocument(knex, fullText, 'acme', [
        'Acme keeps backups for thirty days.',
      ]);
      await addDocument(knex, fullText, 'globex', [
        'Globex keeps backups of PostgreSQL backups for ninety days.',
      ]);

      const hits = await fullText.search('acme', 'backups', 10);

      expect(hits.map(hit => hit.chunkId)).toEqual(acme);
    });

    it('migrates the index down and up again without losing chunks', async () => {
      const { knex, fullText } = await setUp(databaseId);
      const [backups] = await addDocument(knex, fullText, 'acme', [
        'The backups are kept for thirty days.',
        'Invoices are idempotent.',
      ]);

      await knex.migrate.down({ directory: migrationsDir, name: MIGRATION });
      await knex.migrate.up({ directory: migrationsDir, name: MIGRATION });

      const hits = await fullText.search('acme', 'backups', 5);
      expect(hits.map(hit => hit.chunkId)).toEqual([backups]);
    });
  });
});
