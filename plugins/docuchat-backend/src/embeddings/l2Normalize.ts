/**
 * Scales a vector to unit length, in place, and returns it.
 *
 * Every provider returns unit vectors so that a dot product is the cosine
 * similarity: the in-process exact search and pgvector's inner-product
 * operators can then rank the same way for every model. OpenAI's vectors are
 * already unit length (this changes them only by rounding); OpenAI-compatible
 * servers and the local model are not guaranteed to be. A zero vector is
 * left as it is (it has no direction to keep).
 */
export function l2Normalize(vector: Float32Array): Float32Array {
  let sumOfSquares = 0;
  for (let i = 0; i < vector.length; i++) {
    sumOfSquares += vector[i] * vector[i];
  }
  if (sumOfSquares === 0) {
    return vector;
  }
  const scale = 1 / Math.sqrt(sumOfSquares);
  for (let i = 0; i < vector.length; i++) {
    vector[i] *= scale;
  }
  return vector;
}
