/**
 * Seeded random data for the benchmarks, so that every run (and every
 * method within a run) sees the same vectors.
 */

import { seededRandom } from '../../src/demo/seededRandom';

export { seededRandom };

/** Standard normal samples (Box-Muller). */
export function gaussian(random: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const u = 1 - random();
    const v = random();
    const radius = Math.sqrt(-2 * Math.log(u));
    spare = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  };
}

/** A random UUID v4 from the seeded generator (crypto is not needed here). */
export function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () =>
    Math.floor(random() * 16).toString(16),
  );
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(
    16,
    20,
  )}-${s.slice(20)}`;
}

/**
 * Rounds to 9 significant digits, about what embedding APIs print (OpenAI
 * returns e.g. -0.0069292834). Text-literal baselines then send literals of
 * realistic length rather than 17-digit expansions of float32 values.
 */
export function apiPrecision(x: number): number {
  return Number(x.toPrecision(9));
}

export function unitInPlace(vector: Float64Array): Float64Array {
  let squares = 0;
  for (const x of vector) squares += x * x;
  const scale = 1 / Math.sqrt(squares);
  for (let i = 0; i < vector.length; i++) vector[i] *= scale;
  return vector;
}

/** `count` random unit centres in `dimensions` dimensions. */
export function clusterCentres(
  count: number,
  dimensions: number,
  normal: () => number,
): Float64Array[] {
  return Array.from({ length: count }, () =>
    unitInPlace(Float64Array.from({ length: dimensions }, () => normal())),
  );
}

/**
 * A point near `centre`: the centre plus isotropic noise of total length
 * about `spread`, normalised (embeddings are unit length). With spread ≈ 0.75
 * neighbours within a cluster are close but not trivially separable, which
 * is what makes ANN recall meaningful (uniform random vectors in 384-d have
 * no neighbourhood structure at all).
 */
export function pointNear(
  centre: Float64Array,
  spread: number,
  normal: () => number,
): Float32Array {
  const sigma = spread / Math.sqrt(centre.length);
  const point = new Float64Array(centre.length);
  for (let i = 0; i < centre.length; i++) {
    point[i] = centre[i] + sigma * normal();
  }
  unitInPlace(point);
  return Float32Array.from(point, apiPrecision);
}

/**
 * Clustered embeddings with a realistic intrinsic dimension: points are
 * drawn around cluster centres in a low-dimensional latent space and mapped
 * into the embedding space by a fixed random linear map, plus a little
 * isotropic noise, then normalised. Real sentence embeddings behave like
 * this (topics, a few dozen effective dimensions); isotropic noise in all
 * 384 dimensions would make every neighbour almost equidistant and ANN
 * recall meaningless, uniform random vectors even more so.
 */
export class ClusteredEmbeddings {
  readonly #normal: () => number;
  readonly #projection: Float64Array; // dimensions × latent, row-major
  readonly #centres: Float64Array[];
  readonly #latent: number;
  readonly #spread: number;
  readonly #noise: number;
  readonly dimensions: number;

  constructor(options: {
    seed: number;
    dimensions: number;
    latentDimensions: number;
    clusters: number;
    /** standard deviation of points around their centre, per latent axis */
    spread: number;
    /** standard deviation of the isotropic noise, per embedding axis */
    noise: number;
  }) {
    this.#normal = gaussian(seededRandom(options.seed));
    this.dimensions = options.dimensions;
    this.#latent = options.latentDimensions;
    this.#spread = options.spread;
    this.#noise = options.noise;
    const scale = 1 / Math.sqrt(options.latentDimensions);
    this.#projection = Float64Array.from(
      { length: options.dimensions * options.latentDimensions },
      () => this.#normal() * scale,
    );
    this.#centres = Array.from({ length: options.clusters }, () =>
      Float64Array.from({ length: options.latentDimensions }, () =>
        this.#normal(),
      ),
    );
  }

  get clusters(): number {
    return this.#centres.length;
  }

  /** A unit embedding near cluster `cluster`. */
  sample(cluster: number): Float32Array {
    const centre = this.#centres[cluster];
    const z = new Float64Array(this.#latent);
    for (let i = 0; i < this.#latent; i++) {
      z[i] = centre[i] + this.#spread * this.#normal();
    }
    const x = new Float64Array(this.dimensions);
    for (let row = 0; row < this.dimensions; row++) {
      let sum = 0;
      const base = row * this.#latent;
      for (let i = 0; i < this.#latent; i++) {
        sum += this.#projection[base + i] * z[i];
      }
      x[row] = sum + this.#noise * this.#normal();
    }
    unitInPlace(x);
    return Float32Array.from(x, apiPrecision);
  }
}
