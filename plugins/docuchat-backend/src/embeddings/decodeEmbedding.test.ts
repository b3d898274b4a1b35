import { decodeEmbedding } from './decodeEmbedding';

describe('decodeEmbedding', () => {
  it('reads base64 as little-endian float32', () => {
    const bytes = Buffer.alloc(12);
    [0.5, -1.25, 3].forEach((v, i) => bytes.writeFloatLE(v, i * 4));
    expect(Array.from(decodeEmbedding(bytes.toString('base64')))).toEqual([
      0.5, -1.25, 3,
    ]);
  });

  it('takes a number array as it is', () => {
    expect(Array.from(decodeEmbedding([0.25, 1]))).toEqual([0.25, 1]);
  });

  it.each([[Buffer.alloc(6).toString('base64')], [[1, 'x']], [[NaN]], [{}]])(
    'rejects %j',
    value => {
      expect(() => decodeEmbedding(value)).toThrow();
    },
  );
});
