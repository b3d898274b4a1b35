/**
 * Remembers, for a short while, how many vectors a tenant has for a model
 * (bounded by the exact-path threshold), so that a search does not count on
 * every call.
 *
 * A stale entry only ever picks the slower of two correct paths: an
 * undercount sends a grown tenant down the exact path (exact, a little
 * slower), an overcount sends a shrunken tenant down the HNSW path, whose
 * short result lists fall back to the exact path. It never decides what is
 * returned, so other replicas' writes need no invalidation; this process's
 * writes invalidate their tenant anyway.
 */
export class TenantSizeCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, { size: number; expires: number }>();

  constructor(options: {
    ttlMs: number;
    maxEntries?: number;
    now?: () => number;
  }) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get(dimensions: number, tenantId: string, model: string): number | undefined {
    const entry = this.#entries.get(cacheKey(dimensions, tenantId, model));
    return entry && entry.expires > this.#now() ? entry.size : undefined;
  }

  /**
   * The last size counted, even after its TTL (until the tenant is written
   * here or the entry is evicted): good enough to choose a path while the
   * size is counted again.
   */
  lastKnown(
    dimensions: number,
    tenantId: string,
    model: string,
  ): number | undefined {
    return this.#entries.get(cacheKey(dimensions, tenantId, model))?.size;
  }

  set(dimensions: number, tenantId: string, model: string, size: number) {
    if (this.#ttlMs <= 0) {
      return;
    }
    if (this.#entries.size >= this.#maxEntries) {
      this.#evictExpired();
      if (this.#entries.size >= this.#maxEntries) {
        this.#entries.clear(); // simple and bounded; counts are cheap
      }
    }
    this.#entries.set(cacheKey(dimensions, tenantId, model), {
      size,
      expires: this.#now() + this.#ttlMs,
    });
  }

  /** Forgets every model and dimension of these tenants. */
  invalidateTenants(tenantIds: Iterable<string>) {
    const prefixes = new Set(Array.from(tenantIds, id => `${id}\u0000`));
    if (prefixes.size === 0) {
      return;
    }
    for (const key of this.#entries.keys()) {
      const tenantPrefix = key.slice(0, key.indexOf('\u0000') + 1);
      if (prefixes.has(tenantPrefix)) {
        this.#entries.delete(key);
      }
    }
  }

  #evictExpired() {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expires <= now) {
        this.#entries.delete(key);
      }
    }
  }
}

function cacheKey(dimensions: number, tenantId: string, model: string) {
  return `${tenantId}\u0000${dimensions}\u0000${model}`;
}
