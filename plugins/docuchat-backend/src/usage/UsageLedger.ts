import { StoreTransaction } from '../database/StoreTransaction';
import { WriteBatch } from '../database/WriteBatch';

/** What a model call was for; embeddings include document ingestion. */
export type UsageOperation = 'chat' | 'embedding';

/** The operations the ledger accepts. */
export const USAGE_OPERATIONS: readonly UsageOperation[] = [
  'chat',
  'embedding',
];

/** Width of a series bucket; buckets start at UTC midnight or full hours. */
export type UsageGranularity = 'day' | 'hour';

/** One model call to record. Token counts are integers ≥ 0. */
export interface UsageEntry {
  /** Idempotency key: a second record with the same id writes nothing. */
  requestId: string;
  tenantId: string;
  model: string;
  operation: UsageOperation;
  promptTokens: number;
  completionTokens: number;
  /** True when counted by tokenizer because the provider sent no usage. */
  estimated?: boolean;
  /** When the call happened; defaults to now. */
  occurredAt?: Date;
  userRef?: string;
  documentId?: string;
  conversationId?: string;
  /** The source whose sync made the call (embeddings of synced pages). */
  sourceId?: string;
  /** False for maintenance (re-embedding): metered, never invoiced. */
  billable?: boolean;
  /** Made up by the demo seed. */
  demo?: boolean;
}

/**
 * A row is `pending` from just before its model call starts until the call
 * ends and `settle` writes the provider's counts; a crash leaves it pending
 * until the sweep settles it as estimated. Billing reads settled rows only.
 */
export type UsageStatus = 'pending' | 'settled';

/** The final counts of a call, written by `settle`. */
export interface UsageSettlement {
  promptTokens: number;
  completionTokens: number;
  /** True when counted by tokenizer because the provider sent no usage. */
  estimated: boolean;
}

/** The settlement of one row; `model` when another model answered. */
export interface UsageSettlementOf extends UsageSettlement {
  requestId: string;
  /**
   * The model that answered instead of the one the row was begun for (a
   * local answer where a model call was expected).
   */
  model?: string;
}

/** A ledger row as read back. */
export interface UsageRecord {
  requestId: string;
  tenantId: string;
  model: string;
  operation: UsageOperation;
  promptTokens: number;
  completionTokens: number;
  estimated: boolean;
  /** ISO 8601, UTC. */
  occurredAt: string;
  userRef?: string;
  documentId?: string;
  conversationId?: string;
  /** The source whose sync made the call. */
  sourceId?: string;
  status: UsageStatus;
  /** ISO 8601, UTC; absent while pending. */
  settledAt?: string;
  billable: boolean;
  demo: boolean;
}

/** A half-open time range: `from` ≤ occurredAt < `to`. */
export interface UsageRange {
  from: Date;
  to: Date;
}

/** Token sums of one tenant and model. */
export interface TenantModelUsage {
  tenantId: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** Number of recorded model calls. */
  calls: number;
}

/** Token sums of one model in one bucket. */
export interface UsageSeriesPoint {
  /** Start of the UTC bucket, ISO 8601. */
  bucketStart: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

/**
 * The usage ledger: one row per model call, the source of truth for billing.
 * Sums are integers; rows come sorted (tenant, model) or (bucket, model) by
 * code unit order, the same on every database.
 */
export interface UsageLedger {
  /**
   * Records a call once per request id; true when this call wrote the row,
   * false when a row with that id already existed (the first write wins).
   * Throws InputError on invalid entries, NotFoundError on unknown tenants.
   */
  record(entry: UsageEntry): Promise<boolean>;

  /**
   * Writes the row of a call that is about to start as `pending`, with the
   * counts known so far (the locally counted prompt, flag it estimated).
   * Same idempotency and errors as `record`.
   */
  begin(entry: UsageEntry): Promise<boolean>;

  /**
   * `begin` of several calls in one statement, e.g. every model call a
   * question will make, written before the first; in `batch` when given
   * (sent by its owner), else now. One result per entry.
   */
  beginAll(entries: UsageEntry[], batch?: WriteBatch): Promise<boolean[]>;

  /**
   * Gives a pending row its final counts and marks it settled. True when
   * this call settled it; false when there is no pending row under that id
   * (already settled, or never begun): a row is settled once.
   */
  settle(requestId: string, settlement: UsageSettlement): Promise<boolean>;

  /** `settle` of several rows in one statement, in `batch` when given. */
  settleAll(
    settlements: UsageSettlementOf[],
    batch?: WriteBatch,
  ): Promise<boolean[]>;

  /**
   * Removes pending rows whose calls never started (the request was
   * refused or failed first): nothing was spent, so nothing is billed. A
   * settled row is never removed. Returns how many went.
   */
  discard(requestIds: string[]): Promise<number>;

  /**
   * Settles, as estimated and with the counts they hold, the pending rows
   * whose call started before `startedBefore` (their process died). Returns
   * the rows settled, so the caller can count them.
   */
  settleAbandoned(startedBefore: Date): Promise<UsageRecord[]>;
  /** The row recorded under this request id, if any. */
  get(requestId: string): Promise<UsageRecord | undefined>;
  /** Sums per tenant and model over the range (optionally one tenant). */
  sumByTenant(
    options: UsageRange & { tenantId?: string },
  ): Promise<TenantModelUsage[]>;
  /**
   * A tenant's sums per bucket and model; empty buckets are omitted. Buckets
   * are UTC days or hours, shifted by `offsetSeconds` (a zone's fixed UTC
   * offset, so days start at that zone's midnight).
   */
  series(
    options: UsageRange & {
      tenantId: string;
      granularity: UsageGranularity;
      offsetSeconds?: number;
    },
  ): Promise<UsageSeriesPoint[]>;
  /** All-time sums per tenant and model (optionally one tenant). */
  totals(options?: { tenantId?: string }): Promise<TenantModelUsage[]>;

  /**
   * Sums per tenant and model of the settled rows of the range (optionally
   * one tenant, optionally the billable rows only): what billing invoices
   * and the drift report compares. Inside `tx` when billing reads under its
   * lock.
   */
  settledSums(
    options: UsageRange & { tenantId?: string; billableOnly?: boolean },
    tx?: StoreTransaction,
  ): Promise<TenantModelUsage[]>;
  /**
   * Usage that settled late: the tenants and times of the billable rows
   * settled at or after `settledSince` that occurred before
   * `occurredBefore`, each (tenant, time) once.
   */
  lateArrivals(
    options: { settledSince: Date; occurredBefore: Date },
    tx?: StoreTransaction,
  ): Promise<Array<{ tenantId: string; occurredAt: Date }>>;
}
