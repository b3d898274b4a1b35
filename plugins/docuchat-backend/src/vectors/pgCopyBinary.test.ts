import { encodeCopyBinary } from './pgCopyBinary';

describe('encodeCopyBinary', () => {
  const row = {
    chunkId: '00112233-4455-6677-8899-aabbccddeeff',
    tenantId: 'acmé',
    documentId: 'ffeeddcc-bbaa-9988-7766-554433221100',
    vector: Float32Array.from([1.5, -2, 0.1]),
  };

  it('writes the PGCOPY binary layout with vectors as pgvector expects', () => {
    const bytes = Buffer.concat([...encodeCopyBinary('m1', 3, [row])]);
    let at = 0;
    const take = (n: number) => bytes.subarray(at, (at += n));

    expect(take(11)).toEqual(Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'));
    expect(take(4).readInt32BE()).toBe(0); // flags
    expect(take(4).readInt32BE()).toBe(0); // header extension

    expect(take(2).readInt16BE()).toBe(5); // fields
    expect(take(4).readInt32BE()).toBe(16);
    expect(take(16).toString('hex')).toBe('00112233445566778899aabbccddeeff');
    const tenantLength = take(4).readInt32BE();
    expect(take(tenantLength).toString('utf8')).toBe('acmé');
    expect(tenantLength).toBe(5); // bytes, not characters
    expect(take(4).readInt32BE()).toBe(16);
    expect(take(16).toString('hex')).toBe('ffeeddccbbaa99887766554433221100');
    expect(take(4).readInt32BE()).toBe(2);
    expect(take(2).toString('utf8')).toBe('m1');

    expect(take(4).readInt32BE()).toBe(4 + 3 * 4); // vector field length
    expect(take(2).readInt16BE()).toBe(3); // dimensions
    expect(take(2).readInt16BE()).toBe(0); // unused
    const floats = take(12);
    expect([0, 4, 8].map(o => floats.readFloatBE(o))).toEqual([
      1.5,
      -2,
      Math.fround(0.1),
    ]);

    expect(take(2).readInt16BE()).toBe(-1); // trailer
    expect(at).toBe(bytes.length);
  });

  it('splits large inserts into buffers of about a megabyte', () => {
    const rows = Array.from({ length: 2000 }, () => ({
      ...row,
      vector: new Float32Array(384).fill(0.25),
    }));
    const chunks = [...encodeCopyBinary('m1', 384, rows)];
    expect(chunks.length).toBeGreaterThan(3);
    expect(Math.max(...chunks.map(c => c.length))).toBeLessThanOrEqual(1 << 20);
    // the caller's vectors are left as they were (bytes are swapped in the
    // output buffer only)
    expect(rows[0].vector[0]).toBe(0.25);
  });
});
