import { InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  TenantModelUsage,
  USAGE_OPERATIONS,
  UsageEntry,
  UsageGranularity,
  UsageLedger,
  UsageRange,
  UsageRecord,
  UsageSeriesPoint,
  UsageSettlement,
  UsageStatus,
  UsageSettlementOf,
} from './UsageLedger';
import {
  Dialect,
  dialectOf,
  fromDbTime,
  isForeignKeyViolation,
  toDbTime,
} from '../database/dialect';
import { knexIn, StoreTransaction } from '../database/StoreTransaction';
import {
  MAX_STRING,
  MAX_TENANT_ID,
  optionalString,
  requireString,
} from '../database/stringInput';
import { WriteBatch } from '../database/WriteBatch';

const TABLE = 'docuchat_usage';
/** The columns' CHECK bound (PostgreSQL `integer`). */
const MAX_TOKENS_PER_CALL = 2147483647;
const BUCKET_SECONDS: Record<UsageGranularity, number> = {
  day: 86400,
  hour: 3600,
};

interface UsageRow {
  request_id: string;
  tenant_id: string;
  model: string;
  operation: string;
  prompt_tokens: number;
  completion_tokens: number;
  estimated: boolean | number;
  occurred_at: Date | number | string;
  user_ref: string | null;
  document_id: string | null;
  conversation_id: string | null;
  source_id: string | null;
  status: string;
  settled_at: Date | number | string | null;
  billable: boolean | number;
  demo: boolean | number;
}

const ROW_COLUMNS = [
  'request_id',
  'tenant_id',
  'model',
  'operation',
  'prompt_tokens',
  'completion_tokens',
  'estimated',
  'occurred_at',
  'user_ref',
  'document_id',
  'conversation_id',
  'source_id',
  'status',
  'settled_at',
  'billable',
  'demo',
];

function requireTokens(name: string, value: unknown): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 0 ||
    value > MAX_TOKENS_PER_CALL
  ) {
    throw new InputError(
      `${name} must be an integer between 0 and ${MAX_TOKENS_PER_CALL}, got ${String(
        value,
      )}`,
    );
  }
  return value;
}

function requireDate(name: string, value: unknown): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new InputError(`${name} must be a valid Date`);
  }
  return value;
}

function requireRange(range: UsageRange): UsageRange {
  const from = requireDate('from', range?.from);
  const to = requireDate('to', range?.to);
  if (from.getTime() > to.getTime()) {
    throw new InputError('from must not be after to');
  }
  return { from, to };
}

/** Sums arrive as numbers (SQLite) or bigint strings (PostgreSQL). */
function toSafeInteger(value: unknown): number {
  const result = Number(value ?? 0);
  if (!Number.isSafeInteger(result)) {
    throw new Error(`Usage sum ${String(value)} is not a safe integer`);
  }
  return result;
}

/** Code unit order, so that both databases answer the same order. */
function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function toRecord(row: UsageRow): UsageRecord {
  return {
    requestId: row.request_id,
    tenantId: row.tenant_id,
    model: row.model,
    operation: row.operation as UsageRecord['operation'],
    promptTokens: Number(row.prompt_tokens),
    completionTokens: Number(row.completion_tokens),
    estimated: Boolean(row.estimated),
    occurredAt: fromDbTime(row.occurred_at),
    userRef: row.user_ref ?? undefined,
    documentId: row.document_id ?? undefined,
    conversationId: row.conversation_id ?? undefined,
    sourceId: row.source_id ?? undefined,
    status: row.status as UsageStatus,
    settledAt: row.settled_at === null ? undefined : fromDbTime(row.settled_at),
    billable: Boolean(row.billable),
    demo: Boolean(row.demo),
  };
}

function requireBoolean(name: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new InputError(`${name} must be a boolean`);
  }
  return value;
}

function toTenantModelUsage(row: any): TenantModelUsage {
  return {
    tenantId: row.tenant_id,
    model: row.model,
    promptTokens: toSafeInteger(row.prompt_tokens),
    completionTokens: toSafeInteger(row.completion_tokens),
    calls: toSafeInteger(row.calls),
  };
}

function byTenantAndModel(a: TenantModelUsage, b: TenantModelUsage) {
  return compare(a.tenantId, b.tenantId) || compare(a.model, b.model);
}

/**
 * The usage ledger in the plugin's database.
 *
 * Time handling: PostgreSQL keeps `occurred_at` as timestamptz. On SQLite the
 * ledger writes integer milliseconds since the Unix epoch (what knex's
 * better-sqlite3 client makes of a JS Date, made explicit here), so ranges
 * compare numbers. Buckets are computed from the epoch on both databases
 * (floor(seconds / bucket size)), which is UTC by construction and needs no
 * session time zone. Timestamps before 1970 are rejected so that SQLite's
 * truncating integer division equals PostgreSQL's floor.
 */
export class DatabaseUsageLedger implements UsageLedger {
  private readonly dialect: Dialect;

  constructor(private readonly db: Knex) {
    this.dialect = dialectOf(db, 'The usage ledger');
  }

  private toDbTime(date: Date): Date | number {
    return toDbTime(this.dialect, date);
  }

  /** The bucket number of occurred_at + offset: whole buckets since the epoch. */
  private bucketSql(granularity: UsageGranularity, offsetSeconds = 0): string {
    if (granularity !== 'day' && granularity !== 'hour') {
      throw new InputError(
        `granularity must be 'day' or 'hour', got ${String(granularity)}`,
      );
    }
    if (
      !Number.isSafeInteger(offsetSeconds) ||
      Math.abs(offsetSeconds) > 86400
    ) {
      throw new InputError(
        `offsetSeconds must be whole seconds within a day, got ${String(
          offsetSeconds,
        )}`,
      );
    }
    const seconds = BUCKET_SECONDS[granularity];
    // Offsets are at most a day and rows are from after 1970, so the shifted
    // value stays positive and SQLite's truncation equals floor.
    return this.dialect === 'pg'
      ? `floor((extract(epoch from occurred_at) + ${offsetSeconds}) / ${seconds})::bigint`
      : `cast((occurred_at + ${offsetSeconds * 1000}) / ${
          seconds * 1000
        } as integer)`;
  }

  async record(entry: UsageEntry): Promise<boolean> {
    const [wrote] = await this.#insert([entry], 'settled');
    return wrote;
  }

  async begin(entry: UsageEntry): Promise<boolean> {
    const [wrote] = await this.#insert([entry], 'pending');
    return wrote;
  }

  beginAll(entries: UsageEntry[], batch?: WriteBatch): Promise<boolean[]> {
    return this.#insert(entries, 'pending', batch);
  }

  async settle(
    requestId: string,
    settlement: UsageSettlement,
  ): Promise<boolean> {
    const [settled] = await this.settleAll([{ requestId, ...settlement }]);
    return settled;
  }

  async settleAll(
    settlements: UsageSettlementOf[],
    batch?: WriteBatch,
  ): Promise<boolean[]> {
    if (settlements.length === 0) return [];
    const settledAt = this.toDbTime(new Date());
    const rows = settlements.map(settlement => ({
      request_id: requireString('requestId', settlement?.requestId, MAX_STRING),
      prompt_tokens: requireTokens('promptTokens', settlement.promptTokens),
      completion_tokens: requireTokens(
        'completionTokens',
        settlement.completionTokens,
      ),
      estimated: requireBoolean('estimated', settlement.estimated) ?? null,
      model: optionalString('model', settlement.model) ?? null,
    }));
    if (rows.some(row => row.estimated === null)) {
      throw new InputError('estimated must be a boolean');
    }
    // The status condition makes the update the lock: of two concurrent
    // settles (a finishing call and the sweep) exactly one changes the row.
    const statements =
      this.dialect === 'pg'
        ? [
            this.db.raw(
              `UPDATE ${TABLE} AS u
               SET prompt_tokens = v.prompt_tokens,
                   completion_tokens = v.completion_tokens,
                   estimated = v.estimated,
                   model = coalesce(v.model, u.model),
                   status = 'settled',
                   settled_at = ?
               FROM jsonb_to_recordset(?::jsonb) AS v(
                 request_id text, prompt_tokens integer,
                 completion_tokens integer, estimated boolean, model text)
               WHERE u.request_id = v.request_id AND u.status = 'pending'
                 AND u.request_id IN (${rows.map(() => '?').join(', ')})
               RETURNING u.request_id`,
              // The id list lets the planner find the rows by their unique
              // index; joined to the JSON alone it scans the whole ledger.
              [
                settledAt,
                JSON.stringify(rows),
                ...rows.map(row => row.request_id),
              ],
            ),
          ]
        : rows.map(({ request_id, model, ...counts }) =>
            this.db(TABLE)
              .where({ request_id, status: 'pending' })
              .update({
                ...counts,
                ...(model !== null && { model }),
                status: 'settled',
                settled_at: settledAt,
              })
              .returning('request_id'),
          );
    return WriteBatch.addOrRun(this.db, batch, statements, results => {
      const settled = new Set(
        results.flat().map((row: { request_id: string }) => row.request_id),
      );
      return rows.map(row => settled.has(row.request_id));
    });
  }

  async discard(requestIds: string[]): Promise<number> {
    if (requestIds.length === 0) return 0;
    for (const id of requestIds) requireString('requestId', id, MAX_STRING);
    return this.db(TABLE)
      .whereIn('request_id', requestIds)
      .where('status', 'pending')
      .delete();
  }

  async settleAbandoned(startedBefore: Date): Promise<UsageRecord[]> {
    const before = this.toDbTime(requireDate('startedBefore', startedBefore));
    const settledAt = this.toDbTime(new Date());
    // One statement per row id list: rows found pending here and settled by
    // their own call in the meantime keep that call's counts (status check).
    const candidates: string[] = (
      await this.db(TABLE)
        .select('request_id')
        .where('status', 'pending')
        .where('occurred_at', '<', before)
    ).map((row: { request_id: string }) => row.request_id);
    const settled: UsageRecord[] = [];
    for (const requestId of candidates) {
      const updated = await this.db(TABLE)
        .where({ request_id: requestId, status: 'pending' })
        .update({ status: 'settled', estimated: true, settled_at: settledAt });
      if (updated > 0) {
        const record = await this.get(requestId);
        if (record) settled.push(record);
      }
    }
    return settled;
  }

  async #insert(
    entries: UsageEntry[],
    status: UsageStatus,
    batch?: WriteBatch,
  ): Promise<boolean[]> {
    if (entries.length === 0) return [];
    const rows = entries.map(entry => this.#row(entry, status));
    try {
      // ON CONFLICT DO NOTHING: concurrent identical calls cannot both
      // insert, and neither fails; RETURNING tells which one wrote.
      return await WriteBatch.addOrRun(
        this.db,
        batch,
        [
          this.db(TABLE)
            .insert(rows)
            .onConflict('request_id')
            .ignore()
            .returning('request_id'),
        ],
        ([inserted]) => {
          const wrote = new Set(
            inserted.map((row: { request_id: string }) => row.request_id),
          );
          return rows.map(row => wrote.has(row.request_id));
        },
      );
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new NotFoundError(
          `Tenant ${[...new Set(rows.map(r => r.tenant_id))].join(
            ', ',
          )} not found`,
        );
      }
      throw error;
    }
  }

  #row(entry: UsageEntry, status: UsageStatus) {
    if (!entry || typeof entry !== 'object') {
      throw new InputError('A usage entry is required');
    }
    if (!USAGE_OPERATIONS.includes(entry.operation)) {
      throw new InputError(
        `operation must be one of ${USAGE_OPERATIONS.join(', ')}, got ${String(
          entry.operation,
        )}`,
      );
    }
    requireBoolean('estimated', entry.estimated);
    requireBoolean('billable', entry.billable);
    requireBoolean('demo', entry.demo);
    const occurredAt = requireDate(
      'occurredAt',
      entry.occurredAt ?? new Date(),
    );
    if (occurredAt.getTime() < 0) {
      throw new InputError('occurredAt must not be before 1970-01-01T00:00Z');
    }
    return {
      request_id: requireString('requestId', entry.requestId, MAX_STRING),
      tenant_id: requireString('tenantId', entry.tenantId, MAX_TENANT_ID),
      model: requireString('model', entry.model, MAX_STRING),
      operation: entry.operation,
      prompt_tokens: requireTokens('promptTokens', entry.promptTokens),
      completion_tokens: requireTokens(
        'completionTokens',
        entry.completionTokens,
      ),
      estimated: entry.estimated ?? false,
      occurred_at: this.toDbTime(occurredAt),
      user_ref: optionalString('userRef', entry.userRef),
      document_id: optionalString('documentId', entry.documentId),
      conversation_id: optionalString('conversationId', entry.conversationId),
      source_id: optionalString('sourceId', entry.sourceId),
      status,
      settled_at: status === 'settled' ? this.toDbTime(new Date()) : null,
      billable: entry.billable ?? true,
      demo: entry.demo ?? false,
    };
  }

  async get(requestId: string): Promise<UsageRecord | undefined> {
    requireString('requestId', requestId, MAX_STRING);
    const row: UsageRow | undefined = await this.db(TABLE)
      .select(ROW_COLUMNS)
      .where({ request_id: requestId })
      .first();
    return row && toRecord(row);
  }

  async sumByTenant(
    options: UsageRange & { tenantId?: string },
  ): Promise<TenantModelUsage[]> {
    const { from, to } = requireRange(options);
    const query = this.sumQuery()
      .where('occurred_at', '>=', this.toDbTime(from))
      .where('occurred_at', '<', this.toDbTime(to));
    if (options.tenantId !== undefined) {
      query.where(
        'tenant_id',
        requireString('tenantId', options.tenantId, MAX_TENANT_ID),
      );
    }
    return (await query).map(toTenantModelUsage).sort(byTenantAndModel);
  }

  async totals(options?: { tenantId?: string }): Promise<TenantModelUsage[]> {
    const query = this.sumQuery();
    if (options?.tenantId !== undefined) {
      query.where(
        'tenant_id',
        requireString('tenantId', options.tenantId, MAX_TENANT_ID),
      );
    }
    return (await query).map(toTenantModelUsage).sort(byTenantAndModel);
  }

  async series(
    options: UsageRange & {
      tenantId: string;
      granularity: UsageGranularity;
      offsetSeconds?: number;
    },
  ): Promise<UsageSeriesPoint[]> {
    const tenantId = requireString(
      'tenantId',
      options?.tenantId,
      MAX_TENANT_ID,
    );
    const { from, to } = requireRange(options);
    const offsetSeconds = options.offsetSeconds ?? 0;
    const bucket = this.bucketSql(options.granularity, offsetSeconds);
    const bucketMillis = BUCKET_SECONDS[options.granularity] * 1000;
    const rows = await this.db(TABLE)
      .select(this.db.raw(`${bucket} as bucket`), 'model')
      .sum({ prompt_tokens: 'prompt_tokens' })
      .sum({ completion_tokens: 'completion_tokens' })
      .where('tenant_id', tenantId)
      .where('occurred_at', '>=', this.toDbTime(from))
      .where('occurred_at', '<', this.toDbTime(to))
      .groupByRaw(`${bucket}, model`);
    return rows
      .map((row: any) => ({
        bucket: toSafeInteger(row.bucket),
        point: {
          bucketStart: new Date(
            toSafeInteger(row.bucket) * bucketMillis - offsetSeconds * 1000,
          ).toISOString(),
          model: row.model as string,
          promptTokens: toSafeInteger(row.prompt_tokens),
          completionTokens: toSafeInteger(row.completion_tokens),
        },
      }))
      .sort(
        (a, b) => a.bucket - b.bucket || compare(a.point.model, b.point.model),
      )
      .map(({ point }) => point);
  }

  async settledSums(
    options: UsageRange & { tenantId?: string; billableOnly?: boolean },
    tx?: StoreTransaction,
  ): Promise<TenantModelUsage[]> {
    const { from, to } = requireRange(options);
    const query = this.sumQuery(tx)
      .where('status', 'settled')
      .where('occurred_at', '>=', this.toDbTime(from))
      .where('occurred_at', '<', this.toDbTime(to));
    if (options.billableOnly) query.where('billable', true);
    if (options.tenantId !== undefined) {
      query.where(
        'tenant_id',
        requireString('tenantId', options.tenantId, MAX_TENANT_ID),
      );
    }
    return (await query).map(toTenantModelUsage).sort(byTenantAndModel);
  }

  async lateArrivals(
    options: { settledSince: Date; occurredBefore: Date },
    tx?: StoreTransaction,
  ): Promise<Array<{ tenantId: string; occurredAt: Date }>> {
    const rows = await knexIn(
      this.db,
      tx,
    )(TABLE)
      .distinct('tenant_id', 'occurred_at')
      .where('status', 'settled')
      .where('billable', true)
      .where(
        'settled_at',
        '>=',
        this.toDbTime(requireDate('settledSince', options.settledSince)),
      )
      .where(
        'occurred_at',
        '<',
        this.toDbTime(requireDate('occurredBefore', options.occurredBefore)),
      );
    return rows.map((row: any) => ({
      tenantId: row.tenant_id as string,
      occurredAt: new Date(fromDbTime(row.occurred_at)),
    }));
  }

  private sumQuery(tx?: StoreTransaction) {
    return knexIn(this.db, tx)(TABLE)
      .select('tenant_id', 'model')
      .sum({ prompt_tokens: 'prompt_tokens' })
      .sum({ completion_tokens: 'completion_tokens' })
      .count({ calls: '*' })
      .groupBy('tenant_id', 'model');
  }
}
