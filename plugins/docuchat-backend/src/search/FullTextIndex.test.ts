import { TestDatabaseId } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { createFullTextIndex } from './createFullTextIndex';
import { fullTextHeading } from '../database/fullTextHeading';
import { addDocument } from './__testUtils__/addDocument';
import {
  HEADINGS_MIGRATION,
  storeChunkWithoutHeading,
} from './__testUtils__/storeChunkWithoutHeading';
import {
  createEveryTestDatabase,
  migratedDatabaseWithTenants,
} from '../database/__testUtils__/testDatabases';

const MIGRATION = '20261125050000_full_text_v2.js';
const migrationsDir = resolvePackagePath(
  '@docuchat/backstage-plugin-docuchat-backend',
  'migrations',
);

jest.setTimeout(60_000);

describe('FullTextIndex', () => {
  const databases = createEveryTestDatabase();

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await migratedDatabaseWithTenants(databases, databaseId, [
      'acme',
      'globex',
    ]);
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
      // 7, 3 and 6 words ("on-call" is two), stop words counted, each
      // after the 2 of its document's title ("notes.md").
      const averageLength = (9 + 5 + 8) / 3;
      const idf = Math.log((3 - 1 + 0.5) / (1 + 0.5));
      const expected =
        (idf * (1.2 + 1)) / (1 + 1.2 * (1 - 0.75 + (0.75 * 9) / averageLength));

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

    it('counts the chunks holding each word, stemmed as the index stems it', async () => {
      const { knex, fullText } = await setUp(databaseId);
      await addDocument(knex, fullText, 'acme', [
        'The backups are kept for thirty days.',
        'Backup restores are tested weekly.',
        'Invoices are idempotent.',
      ]);

      const statistics = await fullText.wordStatistics('acme', [
        'backup',
        'invoices',
        'kubernetes',
        'notes',
      ]);

      expect(statistics.chunkCount).toBe(3);
      expect(Object.fromEntries(statistics.documentFrequency)).toEqual({
        backup: 2,
        invoices: 1,
        kubernetes: 0,
        // The document's title ("notes.md") is indexed with every chunk.
        notes: 3,
      });
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

    it('indexes the headings of chunks stored before the headings migration, and migrates down again', async () => {
      const { knex, fullText } = await setUp(databaseId);
      await knex.migrate.down({
        directory: migrationsDir,
        name: HEADINGS_MIGRATION,
      });
      const restore = {
        title: 'Runbooks',
        headingPath: ['Disaster recovery', 'Restore'],
        text: 'Run pg_restore against the standby server.',
      };
      const chunkId = await storeChunkWithoutHeading(knex, restore);
      const ids = async (question: string) =>
        (await fullText.search('acme', question, 5)).map(hit => hit.chunkId);

      await knex.migrate.up({
        directory: migrationsDir,
        name: HEADINGS_MIGRATION,
      });

      const stored = await knex('docuchat_chunks')
        .where({ id: chunkId })
        .first('fts_heading');
      expect(stored.fts_heading).toBe(
        fullTextHeading(restore.title, restore.headingPath),
      );
      expect(await ids('runbooks for disaster recovery')).toEqual([chunkId]);

      await knex.migrate.down({
        directory: migrationsDir,
        name: HEADINGS_MIGRATION,
      });

      expect(await ids('runbooks for disaster recovery')).toEqual([]);
      expect(await ids('pg_restore')).toEqual([chunkId]);
    });
  });
});
