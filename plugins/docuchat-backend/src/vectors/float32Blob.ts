import { endianness } from 'node:os';

/**
 * The exact store's on-disk vector: the unit-length vector as little-endian
 * float32s in a blob (SQLite) or bytea (PostgreSQL). Normalising once at
 * write time makes cosine similarity a plain dot product at search time, so
 * a search is one pass over the tenant's floats with no per-row norm.
 */

const hostIsLittleEndian = endianness() === 'LE';

/** The vector scaled to length 1 (computed in float64, stored as float32). */
export function unitVector(vector: Float32Array): Float32Array {
  let squares = 0;
  for (let i = 0; i < vector.length; i++) {
    squares += vector[i] * vector[i];
  }
  const scale = 1 / Math.sqrt(squares);
  const unit = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) {
    unit[i] = vector[i] * scale;
  }
  return unit;
}

export function encodeFloat32LE(vector: Float32Array): Buffer {
  if (hostIsLittleEndian) {
    return Buffer.from(
      vector.buffer.slice(
        vector.byteOffset,
        vector.byteOffset + vector.byteLength,
      ),
    );
  }
  const out = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) {
    out.writeFloatLE(vector[i], i * 4);
  }
  return out;
}

/**
 * Copies a stored vector into `target` at element `offset`. Database
 * drivers hand out Buffers at arbitrary byte offsets, so a Float32Array view
 * on them is not always possible; a byte copy always is.
 */
export function decodeFloat32LEInto(
  blob: Uint8Array,
  target: Float32Array,
  offset: number,
): void {
  if (hostIsLittleEndian) {
    new Uint8Array(
      target.buffer,
      target.byteOffset + offset * 4,
      blob.byteLength,
    ).set(blob);
    return;
  }
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  for (let i = 0; i < blob.byteLength / 4; i++) {
    target[offset + i] = view.getFloat32(i * 4, true);
  }
}
