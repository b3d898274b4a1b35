import { rankByCosine, unitQuery } from './exactRanking';
import { unitVector } from './float32Blob';
import { TopK } from './topK';
import { cosine } from './__testUtils__/vectorFixtures';
import { seededRandom } from '../demo/seededRandom';

describe('TopK', () => {
  it('keeps the k best of many, best first', () => {
    const random = seededRandom(1);
    const scores = Array.from({ length: 1000 }, () => random());
    const top = new TopK(7);
    scores.forEach((score, item) => top.push(item, score));
    const expected = scores
      .map((score, item) => ({ item, score }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 7);
    expect(top.results()).toEqual(expected);
  });

  it('prefers the earlier item on equal scores and holds fewer than k', () => {
    const top = new TopK(3);
    [5, 1, 5, 5, 2].forEach((score, item) => top.push(item, score));
    expect(top.results().map(r => r.item)).toEqual([0, 2, 3]);
    const few = new TopK(10);
    few.push(4, 0.5);
    expect(few.results()).toEqual([{ item: 4, score: 0.5 }]);
  });
});

describe('rankByCosine', () => {
  it('matches a full sort of cosine similarities', () => {
    const random = seededRandom(2);
    const dims = 37; // not a multiple of the 4-way unrolling
    const raw = Array.from({ length: 500 }, () =>
      Float32Array.from({ length: dims }, () => random() * 2 - 1),
    );
    const matrix = new Float32Array(raw.length * dims);
    raw.forEach((v, i) => matrix.set(unitVector(v), i * dims));
    const query = Float32Array.from({ length: dims }, () => random() * 2 - 1);

    const expected = raw
      .map((v, index) => ({ index, score: cosine(v, query) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 10);

    const ranked = rankByCosine(matrix, dims, unitQuery(query), 10);
    expect(ranked.map(r => r.index)).toEqual(expected.map(r => r.index));
    ranked.forEach((r, i) => expect(r.score).toBeCloseTo(expected[i].score, 5));
    expect(rankByCosine(matrix, dims, unitQuery(query), 1000)).toHaveLength(
      500,
    );
    expect(
      rankByCosine(new Float32Array(0), dims, unitQuery(query), 5),
    ).toEqual([]);
  });
});
