import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { copyVectorRows } from './pgCopyInsert';
import {
  createHnswIndex,
  ensureVectorExtension,
  ensureVectorTable,
  HNSW_MAX_DIMENSIONS,
  hnswIndexExists,
  listVectorTables,
  vectorTableExists,
  vectorTableName,
} from './pgvectorSchema';
import {
  countStatement,
  countTenantVectors,
  runAllWithSettings,
  runWithSettings,
  SearchPath,
  SearchRow,
  searchStatement,
} from './pgvectorSearch';
import { TenantSizeCache } from './TenantSizeCache';
import { ChunkVector, VectorHit, VectorStore } from './types';
import {
  assertChunkVectors,
  assertDimensions,
  assertSearch,
  assertTenantId,
  assertUuid,
  MAX_K,
} from './validateVectors';

export interface PgVectorStoreOptions {
  /**
   * Tenants with fewer vectors than this (for the queried model) are searched
   * exactly through the B-tree; larger ones through HNSW.
   *
   * Measured with `bench:retrieve` (100k × 384-d, 100 tenants, 2 busy
   * cores): the exact path costs about 1.3 ms + 1.4 ms per 1,000 of the
   * tenant's vectors (5 ms at 2k, 24 ms at 16k, 59 ms at 50k) and is exact,
   * also for questions off the tenant's topics; the HNSW path costs 4-9 ms
   * at any tenant size, with recall@10 0.975-0.995 on the tenant's topics
   * and about 0.66 off them. HNSW wins on latency from about 3k vectors at
   * that table size, but its cost grows with the table (the filtered scan
   * walks past other tenants' vectors, so a tenant's share of the table
   * decides how far), while below 20k the exact path stays near 30 ms. So
   * 20k keeps exact answers wherever they are cheap.
   */
  exactSearchThreshold?: number;
  /**
   * Floor for `hnsw.ef_search` (raised to k when k is larger). Recall@10 of
   * the large tenant on its topics, relaxed iterative scan, clustered data:
   * 0.972 at pgvector's default of 40, 0.980 at 100, 0.997 at 200, for about
   * +1 ms per step; 100 keeps a margin over the 0.95 target.
   */
  efSearch?: number;
  /** How long a tenant's counted size is reused, in ms (0 disables). */
  tenantSizeTtlMs?: number;
  /**
   * Create a new table without its HNSW index, for bulk loads: build it
   * afterwards with `createHnswIndex` (much faster than growing the graph
   * row by row). Until it exists every search takes the exact path.
   */
  deferHnswIndex?: boolean;
  logger?: LoggerService;
}

/** One search: the tenant's `k` nearest vectors of `model` to `query`. */
type SearchParams = Parameters<typeof searchStatement>[0];

export const DEFAULT_EXACT_SEARCH_THRESHOLD = 20_000;
export const DEFAULT_EF_SEARCH = 100;
const DEFAULT_TENANT_SIZE_TTL_MS = 60_000;
/** A missing HNSW index is looked for again after this long. */
const MISSING_INDEX_RECHECK_MS = 60_000;

/**
 * Chunk vectors in PostgreSQL with pgvector ≥ 0.8: one table per dimension
 * (pgvectorSchema.ts), written by binary COPY inside the caller's
 * transaction, searched per tenant by exact scan or filtered HNSW
 * (pgvectorSearch.ts) depending on the tenant's size.
 */
export class PgVectorStore implements VectorStore {
  readonly kind = 'pgvector' as const;

  readonly #knex: Knex;
  readonly #threshold: number;
  readonly #efSearch: number;
  readonly #deferHnswIndex: boolean;
  readonly #logger?: LoggerService;
  readonly #sizes: TenantSizeCache;
  /** dimension → whether its HNSW index exists, and when that was checked */
  readonly #hnsw = new Map<number, { exists: boolean; checkedAt: number }>();
  /** Dimensions whose table exists (committed). */
  readonly #tables = new Set<number>();

  constructor(knex: Knex, options: PgVectorStoreOptions = {}) {
    this.#knex = knex;
    this.#threshold =
      options.exactSearchThreshold ?? DEFAULT_EXACT_SEARCH_THRESHOLD;
    this.#efSearch = Math.min(MAX_K, options.efSearch ?? DEFAULT_EF_SEARCH);
    this.#deferHnswIndex = options.deferHnswIndex ?? false;
    this.#logger = options.logger;
    this.#sizes = new TenantSizeCache({
      ttlMs: options.tenantSizeTtlMs ?? DEFAULT_TENANT_SIZE_TTL_MS,
    });
    if (!(this.#threshold >= 0)) {
      throw new InputError('exactSearchThreshold must be 0 or more');
    }
  }

  async insert(
    trx: Knex.Transaction,
    model: string,
    dimensions: number,
    rows: ChunkVector[],
  ): Promise<void> {
    assertChunkVectors(model, dimensions, rows);
    if (rows.length === 0) {
      return;
    }
    await this.#ensureTable(trx, dimensions);
    try {
      await copyVectorRows(
        trx,
        vectorTableName(dimensions),
        model,
        dimensions,
        rows,
      );
    } catch (error) {
      // Dropped since it was seen (a restore, a migration down): look again.
      if ((error as { code?: string }).code === '42P01') {
        this.#tables.delete(dimensions);
      }
      throw error;
    }
    this.#sizes.invalidateTenants(new Set(rows.map(row => row.tenantId)));
  }

  async deleteDocuments(
    db: Knex | Knex.Transaction,
    tenantId: string,
    documentIds: string[],
  ): Promise<void> {
    assertTenantId(tenantId);
    for (const id of documentIds) assertUuid(id, 'documentId');
    if (documentIds.length === 0) return;
    // A document's vectors may sit in several tables after a reindex with a
    // model of another dimension; each table has an index on document_id.
    for (const table of await listVectorTables(db)) {
      await db(table)
        .where('tenant_id', tenantId)
        .whereIn('document_id', documentIds)
        .delete();
    }
    this.#sizes.invalidateTenants([tenantId]);
  }

  async search(
    tenantId: string,
    model: string,
    query: Float32Array,
    k: number,
  ): Promise<VectorHit[]> {
    assertSearch(tenantId, model, query, k);
    const params = { dimensions: query.length, tenantId, model, query, k };
    try {
      const hnsw = await this.#hnswAvailable(params.dimensions);
      // One round trip: the search with its settings, after a count of the
      // tenant when its cached size is out of date (the last one known
      // chooses the path meanwhile). Only a tenant never counted here is
      // counted in a round trip of its own first.
      const { path, recount } = await this.#choosePath(
        this.#knex,
        hnsw,
        params,
      );
      let rows = recount
        ? await this.#countAndRun(path, params)
        : await this.#run(path, params);
      if (path === 'hnsw' && rows.length < k) {
        // The iterative scan gives up after hnsw.max_scan_tuples; a tenant
        // that is large but far from the query (or smaller than the cached
        // size says) can come back short. The exact path cannot.
        this.#logger?.debug(
          `DocuChat vectors: HNSW returned ${rows.length} of ${k} for tenant ${tenantId}; searching exactly`,
        );
        rows = await this.#run('exact', params);
      }
      return rows.map(row => ({
        chunkId: row.chunk_id,
        score: 1 - row.distance,
      }));
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') {
        return []; // undefined_table: nothing of this dimension stored yet
      }
      throw error;
    }
  }

  /**
   * The path `search` would take for these arguments and PostgreSQL's plan
   * for it (EXPLAIN, costs off), run with the same settings in the same
   * way. For tests and
   * for operators checking that the planner does what this class intends.
   */
  async explainSearch(
    tenantId: string,
    model: string,
    query: Float32Array,
    k: number,
  ): Promise<{ path: SearchPath; plan: string }> {
    assertSearch(tenantId, model, query, k);
    const params = { dimensions: query.length, tenantId, model, query, k };
    const hnsw = await this.#hnswAvailable(params.dimensions);
    const { path } = await this.#choosePath(this.#knex, hnsw, params);
    const { sql, bindings } = searchStatement(params);
    const rows = await runWithSettings<{ 'QUERY PLAN': string }>(
      this.#knex,
      path,
      { sql: `EXPLAIN (COSTS OFF) ${sql}`, bindings },
      this.#efSearchFor(k),
    );
    return { path, plan: rows.map(row => row['QUERY PLAN']).join('\n') };
  }

  /**
   * Builds the HNSW index of a dimension's table, after a bulk load into a
   * store created with `deferHnswIndex`. Idempotent.
   */
  async createHnswIndex(
    dimensions: number,
    options: { maintenanceWorkMem?: string } = {},
  ): Promise<void> {
    assertDimensions(dimensions);
    if (dimensions > HNSW_MAX_DIMENSIONS) {
      throw new InputError(
        `pgvector cannot index vectors of more than ${HNSW_MAX_DIMENSIONS} dimensions with HNSW`,
      );
    }
    await createHnswIndex(this.#knex, dimensions, options);
    this.#hnsw.set(dimensions, { exists: true, checkedAt: Date.now() });
  }

  /**
   * Creates the extension and the dimension's table when missing, inside
   * the caller's transaction (see schemaLock.ts for why). Once a table is
   * known to exist, inserts into it check nothing.
   */
  async #ensureTable(trx: Knex.Transaction, dimensions: number) {
    if (this.#tables.has(dimensions)) return;
    await ensureVectorExtension(trx);
    if (await vectorTableExists(trx, dimensions)) {
      // Committed by someone: it stays (a table made in this transaction
      // is checked again, as the transaction may still roll back).
      this.#tables.add(dimensions);
    } else {
      await ensureVectorTable(trx, dimensions, {
        withHnsw: !this.#deferHnswIndex,
      });
      // A search may have cached "no index" before the table existed.
      this.#hnsw.delete(dimensions);
      if (dimensions > HNSW_MAX_DIMENSIONS) {
        this.#logger?.warn(
          `DocuChat vectors: ${dimensions}-dimensional vectors cannot have an HNSW index; every search of them is exact`,
        );
      }
    }
  }

  async #hnswAvailable(dimensions: number): Promise<boolean> {
    if (dimensions > HNSW_MAX_DIMENSIONS) {
      return false;
    }
    const known = this.#hnsw.get(dimensions);
    if (
      known &&
      (known.exists || Date.now() - known.checkedAt < MISSING_INDEX_RECHECK_MS)
    ) {
      return known.exists;
    }
    const exists = await hnswIndexExists(this.#knex, dimensions);
    this.#hnsw.set(dimensions, { exists, checkedAt: Date.now() });
    return exists;
  }

  /**
   * The path for the tenant's size: `recount` when the size cached is out
   * of date (the search then counts again, see `#countAndRun`).
   */
  async #choosePath(
    db: Knex,
    hnsw: boolean,
    params: { dimensions: number; tenantId: string; model: string },
  ): Promise<{ path: SearchPath; recount: boolean }> {
    if (!hnsw || this.#threshold === Infinity) {
      return { path: 'exact', recount: false };
    }
    if (this.#threshold === 0) {
      return { path: 'hnsw', recount: false };
    }
    const { dimensions, tenantId, model } = params;
    const fresh = this.#sizes.get(dimensions, tenantId, model);
    const size = fresh ?? this.#sizes.lastKnown(dimensions, tenantId, model);
    if (size !== undefined) {
      return { path: this.#pathFor(size), recount: fresh === undefined };
    }
    const counted = await countTenantVectors(db, {
      ...params,
      limit: this.#threshold,
    });
    this.#sizes.set(dimensions, tenantId, model, counted);
    return { path: this.#pathFor(counted), recount: false };
  }

  #pathFor(size: number): SearchPath {
    return size >= this.#threshold ? 'hnsw' : 'exact';
  }

  /** The tenant counted again and searched, in one round trip. */
  async #countAndRun(
    path: SearchPath,
    params: SearchParams,
  ): Promise<Array<{ chunk_id: string; distance: number }>> {
    const [[{ n }], rows] = await runAllWithSettings<any>(this.#knex, [
      {
        mode: 'count',
        statement: countStatement({ ...params, limit: this.#threshold }),
      },
      {
        mode: path,
        statement: searchStatement(params),
        efSearch: this.#efSearchFor(params.k),
      },
    ]);
    const { dimensions, tenantId, model } = params;
    this.#sizes.set(dimensions, tenantId, model, n);
    return sortedHits(rows);
  }

  #efSearchFor(k: number) {
    return Math.min(MAX_K, Math.max(this.#efSearch, k));
  }

  async #run(
    path: SearchPath,
    params: SearchParams,
  ): Promise<Array<{ chunk_id: string; distance: number }>> {
    const rows = await runWithSettings<SearchRow>(
      this.#knex,
      path,
      searchStatement(params),
      this.#efSearchFor(params.k),
    );
    return sortedHits(rows);
  }
}

/**
 * pgvector returns distances as float8 (numbers); relaxed_order may leave
 * neighbours slightly out of order, so the k rows are sorted again.
 */
function sortedHits(
  rows: SearchRow[],
): Array<{ chunk_id: string; distance: number }> {
  return rows
    .map(row => ({ chunk_id: row.chunk_id, distance: Number(row.distance) }))
    .sort((a, b) => a.distance - b.distance);
}
