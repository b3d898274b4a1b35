import { TestDatabaseId } from '@backstage/backend-test-utils';
import {
  createEveryTestDatabase,
  migratedDatabaseWithTenants,
} from '../database/__testUtils__/testDatabases';
import { createFullTextIndex } from './createFullTextIndex';
import { DEFAULT_FEEDBACK, FeedbackSettings } from './relevanceModel';
import { addDocument } from './__testUtils__/addDocument';

jest.setTimeout(60_000);

/**
 * RM3 in the full-text branch on a corpus small enough to work out by hand:
 * 20 chunks; "alpha" is in two of them, of equal length, so they score
 * alike in the first pass.
 *
 *   c1 "alpha beta"  c2 "alpha gamma"  c3 "beta zeta"  17 × "filler text"
 *
 * Every chunk also holds its title "notes.md" (in all 20: more than 10 %, so
 * never a feedback term). With 2 feedback chunks and 3 terms, each
 * chunk's vector is {alpha 1, beta 1} or {alpha 1, gamma 1} (norm 2), the
 * model alpha s/2 + s/2 = s, beta s/2, gamma s/2 → 1/2, 1/4, 1/4, and the
 * query (weight 0.5) alpha 0.5 + 0.25 = 3/4, beta 1/8, gamma 1/8. So the
 * second pass finds c3 through "beta", which the question does not hold,
 * and every score is Σ weight × that word's own BM25 score.
 */
const SETTINGS: FeedbackSettings = {
  enabled: true,
  documents: 2,
  terms: 3,
  originalQueryWeight: 0.5,
  minHits: 2,
};

describe('feedback expansion (RM3) in the full-text branch', () => {
  const databases = createEveryTestDatabase();

  async function setUp(databaseId: TestDatabaseId) {
    const knex = await migratedDatabaseWithTenants(databases, databaseId, [
      'acme',
    ]);
    const onePass = createFullTextIndex(knex, {
      ...DEFAULT_FEEDBACK,
      enabled: false,
    });
    const [c1, c2, c3] = await addDocument(knex, onePass, 'acme', [
      'alpha beta',
      'alpha gamma',
      'beta zeta',
      ...Array.from({ length: 17 }, () => 'filler text'),
    ]);
    /** BM25 of each chunk for one word, from the one-pass search. */
    const wordScores = async (word: string) =>
      new Map(
        (await onePass.search('acme', word, 20)).map(hit => [
          hit.chunkId,
          hit.score,
        ]),
      );
    return { knex, onePass, c1, c2, c3, wordScores };
  }

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('adds the feedback chunks’ words with the hand-computed weights', async () => {
      const { knex, c1, c2, c3, wordScores } = await setUp(databaseId);
      const [alpha, beta, gamma] = await Promise.all(
        ['alpha', 'beta', 'gamma'].map(wordScores),
      );
      expect(alpha.get(c1)).toBeCloseTo(alpha.get(c2)!, 12);

      const hits = await createFullTextIndex(knex, SETTINGS).search(
        'acme',
        'alpha',
        10,
      );

      const expected = (chunkId: string) =>
        0.75 * (alpha.get(chunkId) ?? 0) +
        0.125 * (beta.get(chunkId) ?? 0) +
        0.125 * (gamma.get(chunkId) ?? 0);
      expect(hits.map(hit => hit.chunkId).sort()).toEqual([c1, c2, c3].sort());
      for (const hit of hits) {
        expect(hit.score).toBeCloseTo(expected(hit.chunkId), 9);
      }
      // c3 holds only an expansion word: last.
      expect(hits[2].chunkId).toBe(c3);
    });

    it('skips feedback when the first pass finds fewer than minHits chunks', async () => {
      const { knex, onePass, c3 } = await setUp(databaseId);
      const hits = await createFullTextIndex(knex, {
        ...SETTINGS,
        minHits: 3,
      }).search('acme', 'alpha', 10);
      expect(hits).toEqual(await onePass.search('acme', 'alpha', 10));
      expect(hits.map(hit => hit.chunkId)).not.toContain(c3);
    });

    it('keeps the question alone when no feedback word passes the 10 % cut', async () => {
      const { knex, onePass } = await setUp(databaseId);
      // "filler" and "text" are in 17 of 20 chunks; so are "notes" and "md".
      const hits = await createFullTextIndex(knex, {
        ...SETTINGS,
        minHits: 2,
      }).search('acme', 'filler', 5);
      const plain = await onePass.search('acme', 'filler', 5);
      expect(hits.map(hit => hit.chunkId)).toEqual(
        plain.map(hit => hit.chunkId),
      );
      hits.forEach((hit, i) =>
        expect(hit.score).toBeCloseTo(0.5 * plain[i].score, 9),
      );
    });
  });
});
