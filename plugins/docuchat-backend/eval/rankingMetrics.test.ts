import { firstOccurrences, meanOf, ndcgAtK, recallAtK } from './rankingMetrics';

const judged = (entries: Record<string, number>) =>
  new Map(Object.entries(entries));

describe('ndcgAtK', () => {
  // Grades a=2, b=1, c=1. Ranking x, a, c, y, b:
  //   DCG  = 0 + 2/log2(3) + 1/log2(4) + 0 + 1/log2(6)
  //        = 1.2618595 + 0.5 + 0.3868528 = 2.1487123
  //   IDCG = 2/log2(2) + 1/log2(3) + 1/log2(4)
  //        = 2 + 0.6309298 + 0.5 = 3.1309298
  //   nDCG = 0.6862857
  const graded = judged({ a: 2, b: 1, c: 1 });

  it('uses graded gains and the log2 discount', () => {
    expect(ndcgAtK(['x', 'a', 'c', 'y', 'b'], graded, 10)).toBeCloseTo(
      0.6862857,
      6,
    );
  });

  it('cuts both the ranking and the ideal at k', () => {
    // k=3: DCG = 1.2618595 + 0.5; IDCG = 3.1309298 (all three fit).
    expect(ndcgAtK(['x', 'a', 'c', 'y', 'b'], graded, 3)).toBeCloseTo(
      0.5627273,
      6,
    );
    // A relevant document just past k counts for nothing.
    const twelve = [...'abcdefghijkl'].map(c => `n${c}`);
    expect(ndcgAtK([...twelve.slice(0, 10), 'a'], graded, 10)).toBe(0);
  });

  it('is 1 for the ideal order, whichever way equal grades are tied', () => {
    expect(ndcgAtK(['a', 'b', 'c'], graded, 10)).toBeCloseTo(1, 10);
    expect(ndcgAtK(['a', 'c', 'b'], graded, 10)).toBeCloseTo(1, 10);
    // Grade order matters: the 2 second, the 1s around it.
    expect(ndcgAtK(['b', 'a', 'c'], graded, 10)).toBeLessThan(1);
  });

  it('handles ties in the ideal ranking', () => {
    // Grades a=1, b=1; ranking x, a, b:
    //   DCG = 1/log2(3) + 1/log2(4) = 1.1309298; IDCG = 1 + 1/log2(3) = 1.6309298
    expect(ndcgAtK(['x', 'a', 'b'], judged({ a: 1, b: 1 }), 10)).toBeCloseTo(
      0.6934264,
      6,
    );
  });

  it('counts a document once (its first occurrence)', () => {
    // Without de-duplication a, a, b would score above 1.
    expect(ndcgAtK(['a', 'a', 'b', 'c'], graded, 10)).toBeCloseTo(1, 10);
    // b's repeat must not push the relevant c out of the top 3.
    expect(ndcgAtK(['a', 'b', 'b', 'c'], graded, 3)).toBeCloseTo(1, 10);
  });

  it('treats grade 0 as not relevant', () => {
    // Grades a=0, b=1; ranking a, b: DCG = 1/log2(3); IDCG = 1.
    expect(ndcgAtK(['a', 'b'], judged({ a: 0, b: 1 }), 10)).toBeCloseTo(
      0.6309298,
      6,
    );
  });

  it('is 0 for an empty result and undefined without relevant documents', () => {
    expect(ndcgAtK([], graded, 10)).toBe(0);
    expect(ndcgAtK(['a'], judged({ a: 0 }), 10)).toBeUndefined();
    expect(ndcgAtK(['a'], judged({}), 10)).toBeUndefined();
  });
});

describe('recallAtK', () => {
  const graded = judged({ a: 2, b: 1, c: 1, z: 0 });

  it('is the share of relevant documents in the top k, any grade', () => {
    expect(recallAtK(['x', 'a', 'c', 'y', 'b'], graded, 10)).toBe(1);
    expect(recallAtK(['x', 'a', 'c', 'y', 'b'], graded, 3)).toBeCloseTo(
      2 / 3,
      10,
    );
    expect(recallAtK(['z', 'b'], graded, 10)).toBeCloseTo(1 / 3, 10);
  });

  it('counts repeated documents once', () => {
    expect(recallAtK(['a', 'a', 'a'], graded, 10)).toBeCloseTo(1 / 3, 10);
    expect(recallAtK(['a', 'a', 'b'], graded, 2)).toBeCloseTo(2 / 3, 10);
  });

  it('is 0 for an empty result and undefined without relevant documents', () => {
    expect(recallAtK([], graded, 10)).toBe(0);
    expect(recallAtK(['z'], judged({ z: 0 }), 10)).toBeUndefined();
  });
});

describe('firstOccurrences', () => {
  it('keeps the first occurrence of each id, in order', () => {
    expect(firstOccurrences(['d2', 'd1', 'd2', 'd3', 'd1'])).toEqual([
      'd2',
      'd1',
      'd3',
    ]);
  });
});

describe('meanOf', () => {
  it('averages the defined values only', () => {
    expect(meanOf([1, undefined, 0])).toBe(0.5);
    expect(meanOf([undefined])).toBeUndefined();
    expect(meanOf([])).toBeUndefined();
  });
});
