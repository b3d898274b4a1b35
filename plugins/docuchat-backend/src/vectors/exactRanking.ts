import { TopK } from './topK';

/**
 * Ranks the rows of `matrix` (row-major, `dimensions` floats per row, each
 * row unit length) by dot product with the unit `query`: cosine similarity.
 * One pass over a single Float32Array (cache-friendly, no per-row objects),
 * four accumulators to shorten the dependency chain of the sum, and a
 * size-k heap instead of a sort.
 *
 * @returns up to k row indices with their scores, best first
 */
export function rankByCosine(
  matrix: Float32Array,
  dimensions: number,
  query: Float64Array,
  k: number,
): Array<{ index: number; score: number }> {
  const rows = Math.floor(matrix.length / dimensions);
  if (rows === 0 || k <= 0) {
    return [];
  }
  const top = new TopK(Math.min(k, rows));
  const tail = dimensions - (dimensions % 4);
  // the heap's entry bar, kept in a local: most rows fail it
  let floor = top.floor;
  for (let row = 0, base = 0; row < rows; row++, base += dimensions) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < tail; j += 4) {
      s0 += matrix[base + j] * query[j];
      s1 += matrix[base + j + 1] * query[j + 1];
      s2 += matrix[base + j + 2] * query[j + 2];
      s3 += matrix[base + j + 3] * query[j + 3];
    }
    for (; j < dimensions; j++) {
      s0 += matrix[base + j] * query[j];
    }
    const score = s0 + s1 + s2 + s3;
    if (score >= floor) {
      top.push(row, score);
      floor = top.floor;
    }
  }
  return top.results().map(({ item, score }) => ({ index: item, score }));
}

/** The query scaled to unit length, in float64 for the accumulation. */
export function unitQuery(query: Float32Array): Float64Array {
  let squares = 0;
  for (let i = 0; i < query.length; i++) {
    squares += query[i] * query[i];
  }
  const scale = 1 / Math.sqrt(squares);
  const unit = new Float64Array(query.length);
  for (let i = 0; i < query.length; i++) {
    unit[i] = query[i] * scale;
  }
  return unit;
}
