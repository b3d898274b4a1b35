import { Knex } from 'knex';
import { inlineBindings } from './inlineSql';
import { vectorTableName } from './pgvectorSchema';

/**
 * The two ways the pgvector store answers a tenant's query. Each search is
 * one round trip: its settings (`SET LOCAL`) and its query sent as one
 * multi-statement query, which PostgreSQL runs as one transaction, so the
 * settings end with it and never leak into the pool. (The simple query
 * protocol that carries several statements has no parameters: the values
 * are written into the text, see inlineSql.ts.)
 *
 * The path is chosen by this store (from the tenant's size), not left to
 * the planner: on a small or freshly loaded table the planner prefers a
 * sequential scan + sort for either query (the tests saw it), and for a
 * large tenant it may pick the B-tree, reading half the table. So each path
 * disables every plan but the intended one:
 *
 * - `exact`: the tenant's vectors of the model through the B-tree on
 *   (tenant_id, model), ranked by true cosine distance. An HNSW index can
 *   only be read by a plain index scan, so `enable_indexscan = off` rules it
 *   out while the B-tree stays usable by a bitmap scan; `enable_seqscan =
 *   off` rules out reading the whole table. Exact, and for small tenants
 *   faster than HNSW, which would first walk past other tenants' vectors
 *   (REFERENCE.md: 0.9 ms vs 27 ms for a 1% tenant at 100k × 384-d).
 * - `hnsw`: the HNSW index, the tenant filter applied during the scan.
 *   With sequential scans, bitmap scans and sorts disabled, the only plan
 *   left that yields rows in distance order is the HNSW index scan.
 *   `hnsw.iterative_scan = relaxed_order` (pgvector ≥ 0.8) keeps the scan
 *   going until k rows pass the filter instead of stopping after ef_search
 *   candidates (about 2.5 of 10 rows for a 1% tenant otherwise). Relaxed
 *   order may return rows slightly out of order: the caller sorts the k rows
 *   again (in process, which also spares the query a Sort node).
 */
export type SearchPath = 'exact' | 'hnsw';

export interface SearchRow {
  chunk_id: string;
  distance: number | string;
}

export interface SearchStatement {
  sql: string;
  bindings: Array<string | number>;
}

/** pgvector's text input for a vector: `[x,y,…]`. */
export function vectorLiteral(vector: Float32Array): string {
  return `[${vector.join(',')}]`;
}

type Mode = SearchPath | 'count';

/**
 * Planner settings per statement, each complete (one mode's settings never
 * depend on what an earlier statement of the transaction set).
 */
const PLANNER_SETTINGS: Record<Mode, Record<string, 'on' | 'off'>> = {
  // the bounded count: the B-tree alone (index-only scan)
  count: {
    enable_seqscan: 'off',
    enable_bitmapscan: 'off',
    enable_indexscan: 'on',
    enable_sort: 'on',
  },
  // the tenant's rows through a bitmap scan of the B-tree, never HNSW
  exact: {
    enable_seqscan: 'off',
    enable_bitmapscan: 'on',
    enable_indexscan: 'off',
    enable_sort: 'on',
  },
  // rows in distance order without a sort: only the HNSW index scan
  hnsw: {
    enable_seqscan: 'off',
    enable_bitmapscan: 'off',
    enable_indexscan: 'on',
    enable_sort: 'off',
  },
};

function settingsFor(mode: Mode, efSearch?: number): Array<[string, string]> {
  const settings: Array<[string, string]> = Object.entries(
    PLANNER_SETTINGS[mode],
  );
  if (mode === 'hnsw') {
    settings.push(['hnsw.iterative_scan', 'relaxed_order']);
    settings.push(['hnsw.ef_search', String(efSearch ?? 40)]);
  }
  return settings;
}

/**
 * Runs `statement` under the mode's settings in one round trip: `SET LOCAL`
 * of each setting and the statement, as one multi-statement query (one
 * implicit transaction). Returns the statement's rows.
 */
export async function runWithSettings<Row>(
  db: Knex,
  mode: Mode,
  statement: SearchStatement,
  efSearch?: number,
): Promise<Row[]> {
  const [rows] = await runAllWithSettings<Row>(db, [
    { mode, statement, efSearch },
  ]);
  return rows;
}

/**
 * Several statements, each under its mode's settings (set again before
 * each), in one round trip; the rows of each.
 */
export async function runAllWithSettings<Row>(
  db: Knex,
  steps: Array<{ mode: Mode; statement: SearchStatement; efSearch?: number }>,
): Promise<Row[][]> {
  const parts = steps.map(({ mode, statement, efSearch }) => [
    // Setting names and values are this module's constants and integers.
    ...settingsFor(mode, efSearch).map(
      ([name, value]) => `SET LOCAL ${name} = ${value}`,
    ),
    inlineBindings(statement.sql, statement.bindings),
  ]);
  const results: Array<{ rows: Row[] }> = await db.raw(
    parts.flat().join(';\n'),
  );
  let end = 0;
  return parts.map(part => {
    end += part.length;
    return results[end - 1].rows;
  });
}

/**
 * The query of either path (the settings make the difference); EXPLAIN
 * reuses it verbatim.
 */
export function searchStatement(params: {
  dimensions: number;
  tenantId: string;
  model: string;
  query: Float32Array;
  k: number;
}): SearchStatement {
  return {
    sql: `SELECT chunk_id, embedding <=> ?::vector AS distance
       FROM ${vectorTableName(params.dimensions)}
       WHERE tenant_id = ? AND model = ?
       ORDER BY distance
       LIMIT ?`,
    bindings: [
      vectorLiteral(params.query),
      params.tenantId,
      params.model,
      params.k,
    ],
  };
}

/**
 * How many vectors the tenant has for the model, counted only up to
 * `limit`: the answer is only ever compared with the exact-path threshold,
 * so counting further would be wasted work on the largest tenants. Run with
 * the `count` settings it reads the (tenant_id, model) B-tree only (an
 * index-only scan: no heap access once the visibility map is set).
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
  db: Knex,
  params: {
    dimensions: number;
    tenantId: string;
    model: string;
    limit: number;
  },
): Promise<number> {
  const [row] = await runWithSettings<{ n: number }>(
    db,
    'count',
    countStatement(params),
  );
  return row.n;
}
