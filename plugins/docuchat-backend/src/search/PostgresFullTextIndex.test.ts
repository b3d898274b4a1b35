import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import {
  createEveryTestDatabase,
  migratedDatabaseWithTenants,
} from '../database/__testUtils__/testDatabases';
import { seededRandom } from '../demo/seededRandom';
import { PostgresFullTextIndex } from './PostgresFullTextIndex';
import { DEFAULT_FEEDBACK } from './relevanceModel';
import { addDocument } from './__testUtils__/addDocument';
import { recount, statistics } from './__testUtils__/ftsStatistics';
import {
  HEADINGS_MIGRATION,
  storeChunkWithoutHeading,
} from './__testUtils__/storeChunkWithoutHeading';

const migrationsDir = resolvePackagePath(
  '@docuchat/backstage-plugin-docuchat-backend',
  'migrations',
);

jest.setTimeout(120_000);

async function deleteDocumentOf(knex: Knex, chunkId: string) {
  const { document_id: documentId } = await knex('docuchat_chunks')
    .where({ id: chunkId })
    .first('document_id');
  await knex.transaction(async trx => {
    await trx('docuchat_chunks').where({ document_id: documentId }).delete();
    await trx('docuchat_documents').where({ id: documentId }).delete();
  });
}

const SYLLABLES = ['ka', 'lor', 'mi', 'ten', 'vo', 'rin', 'del', 'qua', 'zu'];

/** 120 made-up words; word i is drawn with probability ∝ 1 / (i + 1). */
function zipfWords(random: () => number) {
  const vocabulary = Array.from(
    { length: 120 },
    (_, i) =>
      SYLLABLES[i % 9] + SYLLABLES[Math.floor(i / 9) % 9] + SYLLABLES[i % 7],
  );
  const weights = vocabulary.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return (count: number) =>
    Array.from({ length: count }, () => {
      let r = random() * total;
      let i = 0;
      while (r > weights[i]) r -= weights[i++];
      return vocabulary[Math.min(i, vocabulary.length - 1)];
    }).join(' ');
}

/**
 * BM25 as the index defines it, computed here from every chunk's tsvector
 * (no statistics tables, no pruning): the reference the pruned search must
 * equal.
 */
async function referenceScores(
  knex: Knex,
  tenantId: string,
  question: string,
): Promise<Map<string, number>> {
  const chunks: Array<{ id: string; fts_length: number; tsv: string }> = (
    await knex.raw(
      'SELECT id, fts_length, tsv::text AS tsv FROM docuchat_chunks WHERE tenant_id = ?',
      [tenantId],
    )
  ).rows;
  const [{ lexemes }] = (
    await knex.raw(
      'SELECT tsvector_to_array(docuchat_fts_vector(?)) AS lexemes',
      [question],
    )
  ).rows;
  const termFrequencies = chunks.map(chunk => {
    const tf = new Map<string, number>();
    for (const [, lexeme, positions] of chunk.tsv.matchAll(
      /'([^']+)':([\d,]+)/g,
    )) {
      tf.set(lexeme, positions.split(',').length);
    }
    return tf;
  });
  const n = chunks.length;
  const averageLength = chunks.reduce((s, c) => s + c.fts_length, 0) / n || 1;
  const scores = new Map<string, number>();
  chunks.forEach((chunk, i) => {
    let score = 0;
    let matched = false;
    for (const lexeme of lexemes as string[]) {
      const tf = termFrequencies[i].get(lexeme);
      if (!tf) continue;
      matched = true;
      const df = termFrequencies.filter(t => t.has(lexeme)).length;
      const idf = Math.max(Math.log((n - df + 0.5) / (df + 0.5)), 1e-6);
      score +=
        (idf * tf * 2.2) /
        (tf + 1.2 * (1 - 0.75 + (0.75 * chunk.fts_length) / averageLength));
    }
    if (matched) scores.set(chunk.id, score);
  });
  return scores;
}

describe('PostgresFullTextIndex', () => {
  const databases = createEveryTestDatabase();

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await migratedDatabaseWithTenants(databases, databaseId, [
      'acme',
      'globex',
    ]);
    // One BM25 pass: what the pruning must reproduce exactly (feedback
    // expansion is tested in feedbackExpansion.test.ts).
    return {
      knex,
      fullText: new PostgresFullTextIndex(knex, {
        ...DEFAULT_FEEDBACK,
        enabled: false,
      }),
    };
  }

  const postgres = databases
    .eachSupportedId()
    .filter(([id]) => id.startsWith('POSTGRES'));

  describe.each(postgres)('on %p', databaseId => {
    it('keeps the statistics equal to a recount through inserts, reindexes and deletes', async () => {
      const { knex, fullText } = await setUp(databaseId);
      const [first] = await addDocument(knex, fullText, 'acme', [
        'The backups are kept for thirty days.',
        'Backups of backups are kept too.',
      ]);
      const [second] = await addDocument(knex, fullText, 'acme', [
        'Invoices are idempotent.',
      ]);
      await addDocument(knex, fullText, 'globex', ['Globex keeps backups.']);
      expect(await statistics(knex)).toEqual(await recount(knex));

      // A reindex: the document's chunks deleted and written again.
      await knex.transaction(async trx => {
        const chunk = await trx('docuchat_chunks').where({ id: first }).first();
        await trx('docuchat_chunks')
          .where({ document_id: chunk.document_id })
          .delete();
        await trx('docuchat_chunks').insert({
          ...chunk,
          tsv: undefined,
          fts_length: undefined,
          text: 'Restores are tested weekly.',
        });
      });
      expect(await statistics(knex)).toEqual(await recount(knex));

      await deleteDocumentOf(knex, first);
      await deleteDocumentOf(knex, second);
      const after = await statistics(knex);
      expect(after).toEqual(await recount(knex));
      // acme has no chunks left: no rows of it remain.
      expect(after.tenants.map((t: any) => t.tenant_id)).toEqual(['globex']);
      expect(after.lexemes.filter((l: any) => l.tenant_id === 'acme')).toEqual(
        [],
      );
    });

    it('stays exact when one tenant is written by many transactions at once', async () => {
      const { knex, fullText } = await setUp(databaseId);
      const words = zipfWords(seededRandom(7));
      const written = await Promise.all(
        Array.from({ length: 12 }, () =>
          addDocument(knex, fullText, 'acme', [words(20), words(30)]),
        ),
      );
      await Promise.all(
        written.slice(0, 6).map(([chunkId]) => deleteDocumentOf(knex, chunkId)),
      );

      expect(await statistics(knex)).toEqual(await recount(knex));
    });

    it('forgets every statistic when the chunks are truncated', async () => {
      const { knex, fullText } = await setUp(databaseId);
      await addDocument(knex, fullText, 'acme', ['Backups are kept.']);

      await knex.raw('TRUNCATE docuchat_chunks');

      expect(await statistics(knex)).toEqual({ tenants: [], lexemes: [] });
    });

    it('refuses to change a chunk text or heading in place, which would skew the statistics', async () => {
      const { knex, fullText } = await setUp(databaseId);
      const [chunkId] = await addDocument(knex, fullText, 'acme', ['Backups.']);

      await expect(
        knex('docuchat_chunks').where({ id: chunkId }).update({ text: 'x' }),
      ).rejects.toThrow(/not updated in place/);
      await expect(
        knex('docuchat_chunks')
          .where({ id: chunkId })
          .update({ fts_heading: 'x' }),
      ).rejects.toThrow(/not updated in place/);
    });

    it('counts the statistics again when the headings migration goes up and down', async () => {
      const { knex, fullText } = await setUp(databaseId);
      await addDocument(knex, fullText, 'globex', ['Globex keeps backups.']);
      await knex.migrate.down({
        directory: migrationsDir,
        name: HEADINGS_MIGRATION,
      });
      await storeChunkWithoutHeading(knex, {
        title: 'Runbooks',
        headingPath: ['Disaster recovery'],
        text: 'Run pg_restore against the standby server.',
      });
      const lexemesOfAcme = async () =>
        (await statistics(knex)).lexemes
          .filter((l: any) => l.tenant_id === 'acme')
          .map((l: any) => l.lexeme);

      await knex.migrate.up({
        directory: migrationsDir,
        name: HEADINGS_MIGRATION,
      });
      expect(await statistics(knex)).toEqual(await recount(knex));
      expect(await lexemesOfAcme()).toEqual(
        expect.arrayContaining(['runbook', 'disast', 'recoveri', 'pgrestor']),
      );

      await knex.migrate.down({
        directory: migrationsDir,
        name: HEADINGS_MIGRATION,
      });
      expect(await statistics(knex)).toEqual(await recount(knex));
      expect(await lexemesOfAcme()).not.toContain('recoveri');
    });

    it('scores a second round when the rare words only occur in long chunks', async () => {
      // zeta: rare, in three long chunks once each, so they score low;
      // alpha: common, twice in each of thirty short chunks. The first
      // round scores the zeta chunks alone, and their k-th score is below
      // what alpha could add: the top 3 must come from a second round.
      const { knex, fullText } = await setUp(databaseId);
      const filler = (n: number) =>
        Array.from({ length: n }, (_, i) => `filler${i % 40}`).join(' ');
      const texts = [
        ...Array.from({ length: 3 }, () => `zeta ${filler(300)}`),
        ...Array.from({ length: 30 }, (_, i) => `alpha alpha beta${i}`),
        ...Array.from({ length: 67 }, () => filler(12)),
      ];
      const ids = await addDocument(knex, fullText, 'acme', texts);
      const queries: string[] = [];
      const listen = (q: { sql: string }) => queries.push(q.sql);
      knex.on('query', listen);
      const hits = await fullText.search('acme', 'zeta alpha', 3);
      knex.removeListener('query', listen);

      expect(queries).toHaveLength(2);
      const reference = await referenceScores(knex, 'acme', 'zeta alpha');
      const best = [...reference.values()].sort((a, b) => b - a);
      expect(hits).toHaveLength(3);
      hits.forEach((hit, i) => {
        expect(hit.score).toBeCloseTo(best[i], 9);
        expect(hit.score).toBeCloseTo(reference.get(hit.chunkId)!, 9);
      });
      const alphaChunks = ids.slice(3, 33);
      expect(alphaChunks).toEqual(
        expect.arrayContaining(hits.map(h => h.chunkId)),
      );
    });

    it('answers in one statement when the first guess holds', async () => {
      const { knex, fullText } = await setUp(databaseId);
      await addDocument(knex, fullText, 'acme', [
        'backups run nightly',
        'backups are kept thirty days',
        'secrets rotate every ninety days',
      ]);
      const queries: string[] = [];
      const listen = (q: { sql: string }) => queries.push(q.sql);
      knex.on('query', listen);
      const hits = await fullText.search(
        'acme',
        'How long are backups kept?',
        2,
      );
      knex.removeListener('query', listen);
      expect(queries).toHaveLength(1);
      expect(hits).toHaveLength(2);
    });

    it('ranks exactly as scoring every matching chunk would, for common and rare words', async () => {
      const { knex, fullText } = await setUp(databaseId);
      const random = seededRandom(42);
      const words = zipfWords(random);
      for (let d = 0; d < 8; d++) {
        await addDocument(
          knex,
          fullText,
          'acme',
          Array.from({ length: 40 }, () =>
            words(8 + Math.floor(random() * 40)),
          ),
        );
      }
      await addDocument(
        knex,
        fullText,
        'globex',
        Array.from({ length: 40 }, () => words(30)),
      );

      for (let q = 0; q < 24; q++) {
        const question = words(2 + Math.floor(random() * 5));
        const reference = await referenceScores(knex, 'acme', question);
        for (const k of [1, 5, 20]) {
          const hits = await fullText.search('acme', question, k);

          const best = [...reference.values()].sort((a, b) => b - a);
          expect(hits).toHaveLength(Math.min(k, reference.size));
          hits.forEach((hit, i) => {
            expect(hit.score).toBeCloseTo(reference.get(hit.chunkId)!, 9);
            expect(hit.score).toBeCloseTo(best[i], 9);
          });
        }
      }
    });
  });
});
