import { endianness } from 'node:os';
import { ChunkVector } from './types';

/**
 * PostgreSQL's binary COPY format for the rows of a pgvector table
 * (`chunk_id uuid, tenant_id text, document_id uuid, model text,
 * embedding vector(d)`), in that column order.
 *
 * Binary COPY is about 10× faster than multi-row INSERTs of `'[x,y,…]'`
 * literals from Node (REFERENCE.md): the server neither parses decimal text
 * nor plans a statement per batch. Layout (PostgreSQL docs, "COPY", binary
 * format): an 11-byte signature, int32 flags, int32 header-extension length;
 * per row an int16 field count and, per field, an int32 byte length followed
 * by the field's binary send/recv representation; an int16 -1 trailer. All
 * integers are big-endian. A `vector` value is int16 dimensions, int16
 * unused (0), then big-endian float4s (pgvector's vector_recv).
 */

export const COPY_COLUMNS = [
  'chunk_id',
  'tenant_id',
  'document_id',
  'model',
  'embedding',
] as const;

const SIGNATURE = Buffer.from([
  0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00,
]);

/** Rows are encoded into buffers of about this size, then handed over. */
const TARGET_CHUNK_BYTES = 1 << 20;

const hostIsLittleEndian = endianness() === 'LE';

export function copyBinaryHeader(): Buffer {
  const header = Buffer.alloc(SIGNATURE.length + 8);
  SIGNATURE.copy(header, 0);
  // flags (bit 16: OIDs included) = 0, header extension length = 0
  return header;
}

export function copyBinaryTrailer(): Buffer {
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1, 0);
  return trailer;
}

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** Bytes one row takes, so that a whole chunk is allocated at once. */
function rowSize(tenantBytes: number, modelBytes: number, dims: number) {
  return (
    2 + // field count
    (4 + 16) + // chunk_id
    (4 + tenantBytes) +
    (4 + 16) + // document_id
    (4 + modelBytes) +
    (4 + 4 + 4 * dims) // embedding: length, dim, unused, floats
  );
}

/**
 * Writes the vector's floats big-endian at `offset`. On little-endian hosts
 * the bytes are copied in one go and swapped natively (`swap32`), which is
 * several times faster than a `writeFloatBE` per component.
 */
function writeFloatsBE(target: Buffer, offset: number, vector: Float32Array) {
  const bytes = vector.length * 4;
  if (hostIsLittleEndian) {
    target.set(new Uint8Array(vector.buffer, vector.byteOffset, bytes), offset);
    target.subarray(offset, offset + bytes).swap32();
  } else {
    for (let i = 0; i < vector.length; i++) {
      target.writeFloatBE(vector[i], offset + i * 4);
    }
  }
}

function encodeRows(
  rows: ChunkVector[],
  start: number,
  end: number,
  model: Buffer,
  dims: number,
): Buffer {
  const tenants = new Array<Buffer>(end - start);
  let size = 0;
  for (let i = start; i < end; i++) {
    tenants[i - start] = Buffer.from(rows[i].tenantId, 'utf8');
    size += rowSize(tenants[i - start].length, model.length, dims);
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = start; i < end; i++) {
    const row = rows[i];
    const tenant = tenants[i - start];
    at = out.writeInt16BE(COPY_COLUMNS.length, at);
    at = out.writeInt32BE(16, at);
    at += uuidBytes(row.chunkId).copy(out, at);
    at = out.writeInt32BE(tenant.length, at);
    at += tenant.copy(out, at);
    at = out.writeInt32BE(16, at);
    at += uuidBytes(row.documentId).copy(out, at);
    at = out.writeInt32BE(model.length, at);
    at += model.copy(out, at);
    at = out.writeInt32BE(4 + 4 * dims, at);
    at = out.writeInt16BE(dims, at);
    at = out.writeInt16BE(0, at);
    writeFloatsBE(out, at, row.vector);
    at += 4 * dims;
  }
  return out;
}

/**
 * The whole COPY payload as a sequence of buffers of about 1 MiB, produced
 * lazily so that a large insert never sits in memory twice.
 */
export function* encodeCopyBinary(
  model: string,
  dims: number,
  rows: ChunkVector[],
): Generator<Buffer> {
  const modelBytes = Buffer.from(model, 'utf8');
  const perRow = Math.max(
    1,
    Math.floor(TARGET_CHUNK_BYTES / rowSize(63, modelBytes.length, dims)),
  );
  yield copyBinaryHeader();
  for (let start = 0; start < rows.length; start += perRow) {
    yield encodeRows(
      rows,
      start,
      Math.min(rows.length, start + perRow),
      modelBytes,
      dims,
    );
  }
  yield copyBinaryTrailer();
}
