import { Knex } from 'knex';
import { vectorTableName } from './pgvectorSchema';

/**
 * The two ways the pgvector store answers a tenant's query, as statements
 * run inside one transaction (settings are `SET LOCAL`, via set_config(…,
 * true), so they end with it and never leak into the pool).
 *
 * - `exact`: every vector of the tenant and model, fetched through the
 *   B-tree on (tenant_id, model) and ranked by true cosine distance. HNSW is
 *   taken off the table by `enable_indexscan = off` (an HNSW index can only
 *   be read by an index scan; the B-tree remains usable by a bitmap scan)
 *   and a sequential scan by `enable_seqscan = off`. Exact, and for small
 *   tenants faster than HNSW, which would have to walk past the other
 *   tenants' vectors first (REFERENCE.md: 0.9 ms vs 27 ms for a 1% tenant).
 * - `hnsw`: the HNSW index with the tenant filter applied during the scan.
 *   `hnsw.iterative_scan = relaxed_order` (pgvector ≥ 0.8) keeps the scan
 *   going until k rows pass the filter instead of stopping after ef_search
 *   candidates (which returned about 2.5 of 10 rows for a 1% tenant);
 *   relaxed order can return rows slightly out of order, so the rows are
 *   materialised and sorted again.
 */
export type SearchPath = 'exact' | 'hnsw';

export interface SearchRow {
  chunk_id: string;
  distance: number | string;
}

/** pgvector's text input for a vector: `[x,y,…]`. */
export function vectorLiteral(vector: Float32Array): string {
  return `[${vector.join(',')}]`;
}

export async function applySearchSettings(
  trx: Knex.Transaction,
  path: SearchPath,
  efSearch: number,
): Promise<void> {
  if (path === 'exact') {
    await trx.raw(
      "SELECT set_config('enable_indexscan', 'off', true), set_config('enable_seqscan', 'off', true)",
    );
  } else {
    await trx.raw(
      "SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', ?, true)",
      [String(efSearch)],
    );
  }
}

export interface SearchStatement {
  sql: string;
  bindings: Array<string | number>;
}

/** The query of one path; EXPLAIN reuses it verbatim. */
export function searchStatement(
  path: SearchPath,
  params: {
    dimensions: number;
    tenantId: string;
    model: string;
    query: Float32Array;
    k: number;
  },
): SearchStatement {
  const table = vectorTableName(params.dimensions);
  const bindings = [
    vectorLiteral(params.query),
    params.tenantId,
    params.model,
    params.k,
  ];
  if (path === 'exact') {
    return {
      sql: `SELECT chunk_id, embedding <=> ?::vector AS distance
       FROM ${table}
       WHERE tenant_id = ? AND model = ?
       ORDER BY distance
       LIMIT ?`,
      bindings,
    };
  }
  return {
    sql: `WITH candidates AS MATERIALIZED (
       SELECT chunk_id, embedding <=> ?::vector AS distance
       FROM ${table}
       WHERE tenant_id = ? AND model = ?
       ORDER BY distance
       LIMIT ?
     )
     SELECT chunk_id, distance FROM candidates ORDER BY distance`,
    bindings,
  };
}

/**
 * How many vectors the tenant has for the model, counted only up to
 * `limit`: the answer is only ever compared with the exact-path threshold,
 * so counting further would be wasted work on the largest tenants. The
 * planner answers it from the (tenant_id, model) B-tree (an index-only scan
 * once the visibility map is set).
 */
export function countStatement(params: {
  dimensions: number;
  tenantId: string;
  model: string;
  limit: number;
}): SearchStatement {
  return {
    sql: `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM ${vectorTableName(params.dimensions)}
       WHERE tenant_id = ? AND model = ?
       LIMIT ?
     ) AS bounded`,
    bindings: [params.tenantId, params.model, params.limit],
  };
}

export async function countTenantVectors(
  trx: Knex.Transaction,
  params: {
    dimensions: number;
    tenantId: string;
    model: string;
    limit: number;
  },
): Promise<number> {
  const { sql, bindings } = countStatement(params);
  const { rows } = await trx.raw(sql, bindings);
  return rows[0].n;
}
