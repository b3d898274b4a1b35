import { l2Normalize } from './l2Normalize';
import { splitIntoBatches } from './splitIntoBatches';

describe('l2Normalize', () => {
  it('scales to unit length in place and leaves zero vectors alone', () => {
    const v = new Float32Array([3, 4]);
    expect(l2Normalize(v)).toBe(v);
    expect(Array.from(v)).toEqual([
      expect.closeTo(0.6, 6),
      expect.closeTo(0.8, 6),
    ]);
    expect(Array.from(l2Normalize(new Float32Array(3)))).toEqual([0, 0, 0]);
  });
});

describe('splitIntoBatches', () => {
  it('keeps order and the last partial batch', () => {
    expect(splitIntoBatches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(splitIntoBatches([], 3)).toEqual([]);
    expect(() => splitIntoBatches([1], 0)).toThrow('positive integer');
  });
});
