/**
 * Turns one `embedding` field of an OpenAI embeddings response into a
 * Float32Array.
 *
 * We ask for `encoding_format: 'base64'` (a quarter of the bytes of the JSON
 * float text, and what the SDK itself asks for by default): the value is then
 * the little-endian float32 bytes in base64. Some OpenAI-compatible servers
 * ignore `encoding_format` and answer a plain number array, so both are
 * accepted.
 */
export function decodeEmbedding(embedding: unknown): Float32Array {
  if (typeof embedding === 'string') {
    const bytes = Buffer.from(embedding, 'base64');
    if (bytes.byteLength % Float32Array.BYTES_PER_ELEMENT !== 0) {
      throw new Error(
        `Embedding in base64 has ${bytes.byteLength} bytes, not a whole number of float32 values`,
      );
    }
    const vector = new Float32Array(
      bytes.byteLength / Float32Array.BYTES_PER_ELEMENT,
    );
    // Read explicitly as little-endian: the wire format is, whatever the host.
    for (let i = 0; i < vector.length; i++) {
      vector[i] = bytes.readFloatLE(i * Float32Array.BYTES_PER_ELEMENT);
    }
    return vector;
  }
  if (Array.isArray(embedding) && embedding.every(isFiniteNumber)) {
    return Float32Array.from(embedding);
  }
  throw new Error(
    'Embedding is neither a base64 string nor an array of finite numbers',
  );
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
