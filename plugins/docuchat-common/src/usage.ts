import { z } from 'zod';
import {
  addDays,
  dayInTimeZone,
  isTimeZone,
  startOfDayInTimeZone,
} from './timeZones';

/**
 * Width of a usage series bucket; buckets start at midnight or at full hours
 * in the query's time zone.
 *
 * @public
 */
export type UsageGranularity = 'day' | 'hour';

const DAY_MS = 86_400_000;

/**
 * Longest range per granularity, in days: a year of daily points, a month of
 * hourly points, so one response stays a few thousand points at most.
 *
 * @public
 */
export const USAGE_MAX_RANGE_DAYS: Readonly<Record<UsageGranularity, number>> =
  { day: 366, hour: 31 };

/**
 * Length of the range when the query names neither end, in days.
 *
 * @public
 */
export const USAGE_DEFAULT_RANGE_DAYS = 30;

// A date alone means UTC midnight; a time needs Z or an offset, so that the
// server's time zone never changes what a query means.
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d{1,9})?)?(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d))?$/;

/** A query bound: a whole day (its midnight in the query's zone) or an instant. */
type Bound = { day: string } | { instant: Date };

function parseBound(text: string): Bound | undefined {
  const match = INSTANT.exec(text);
  if (!match) return undefined;
  const [, year, month, day] = match.map(Number);
  // Date.parse rolls 2026-02-30 over to March 2 instead of refusing it.
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day
  ) {
    return undefined;
  }
  if (match[4] === undefined) return { day: text };
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : { instant: date };
}

const boundSchema = z.string().transform((text, ctx) => {
  const bound = parseBound(text.trim());
  if (!bound) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `must be a date like 2026-11-01 or a timestamp with a time zone like 2026-11-01T08:00:00Z, got "${text}"`,
    });
    return z.NEVER;
  }
  return bound;
});

const timeZoneSchema = z.string().refine(isTimeZone, value => ({
  message: `must be an IANA time zone like Asia/Tehran, got "${value}"`,
}));

function toInstant(bound: Bound, timeZone: string): Date {
  return 'day' in bound
    ? startOfDayInTimeZone(bound.day, timeZone)
    : bound.instant;
}

/** The start of the next day in `timeZone`: the default end keeps today whole. */
function startOfNextDay(now: Date, timeZone: string): Date {
  return startOfDayInTimeZone(
    addDays(dayInTimeZone(now, timeZone), 1),
    timeZone,
  );
}

/**
 * A usage query after parsing: the half-open range `from` ≤ t \< `to`.
 *
 * @public
 */
export interface UsageQuery {
  from: Date;
  to: Date;
  granularity: UsageGranularity;
  /** The IANA zone whose days (and hours) the series buckets follow. */
  timeZone: string;
}

const granularitySchema = z
  .enum(['day', 'hour'], {
    errorMap: () => ({ message: "must be 'day' or 'hour'" }),
  })
  .default('day');

/** The range checks both usage queries share. */
function toUsageQuery(
  query: {
    from?: Bound;
    to?: Bound;
    granularity?: UsageGranularity;
    tz?: string;
  },
  options: { now: () => Date; defaultTimeZone: string },
  ctx: z.RefinementCtx,
): UsageQuery {
  const granularity = query.granularity ?? 'day';
  const timeZone = query.tz ?? options.defaultTimeZone;
  const queryFrom = query.from && toInstant(query.from, timeZone);
  const queryTo = query.to && toInstant(query.to, timeZone);
  const to =
    queryTo ??
    (queryFrom
      ? new Date(queryFrom.getTime() + USAGE_DEFAULT_RANGE_DAYS * DAY_MS)
      : startOfNextDay(options.now(), timeZone));
  const from =
    queryFrom ?? new Date(to.getTime() - USAGE_DEFAULT_RANGE_DAYS * DAY_MS);
  if (from.getTime() >= to.getTime()) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['from'],
      message: `must be before to (${to.toISOString()}), got ${from.toISOString()}`,
    });
    return z.NEVER;
  }
  const maxDays = USAGE_MAX_RANGE_DAYS[granularity];
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  if (days > maxDays) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: ['to'],
      message: `the range may span at most ${maxDays} days with granularity ${granularity}, got ${
        Math.round(days * 100) / 100
      } days`,
    });
    return z.NEVER;
  }
  return { from, to, granularity, timeZone };
}

/** Options of the usage query schemas. @public */
export interface UsageQuerySchemaOptions {
  /** The clock for the defaults (tests pass their own). */
  now?: () => Date;
  /** The zone when the query names none; `UTC` unless given. */
  defaultTimeZone?: string;
}

function schemaOptions(options?: UsageQuerySchemaOptions) {
  return {
    now: options?.now ?? (() => new Date()),
    defaultTimeZone: options?.defaultTimeZone ?? 'UTC',
  };
}

/**
 * The query string of `GET /tenants/:tenantId/usage`.
 *
 * `from` and `to` are ISO 8601 dates (`2026-11-01`, meaning midnight in the
 * query's zone) or timestamps with `Z` or an offset; the range is half-open,
 * so November is `from=2026-11-01&to=2026-12-01`. Without either end the
 * range is the 30 days up to the end of today (in the zone); with one end,
 * 30 days from or to it. `granularity` is `day` (default, at most 366 days)
 * or `hour` (at most 31 days). `tz` is the IANA zone whose days the series
 * buckets are (the backend defaults it to the billing timezone, so a chart's
 * day is an invoice's day).
 *
 * @public
 */
export function createUsageQuerySchema(options?: UsageQuerySchemaOptions) {
  const resolved = schemaOptions(options);
  return z
    .object({
      from: boundSchema.optional(),
      to: boundSchema.optional(),
      granularity: granularitySchema,
      tz: timeZoneSchema.optional(),
    })
    .strict()
    .transform((query, ctx) => toUsageQuery(query, resolved, ctx));
}

/**
 * The query string of the all-tenants `GET /usage`: `from`, `to` and `tz` as
 * in {@link createUsageQuerySchema}, at most 366 days, no granularity.
 *
 * @public
 */
export function createUsageSummaryQuerySchema(
  options?: UsageQuerySchemaOptions,
) {
  const resolved = schemaOptions(options);
  return z
    .object({
      from: boundSchema.optional(),
      to: boundSchema.optional(),
      tz: timeZoneSchema.optional(),
    })
    .strict()
    .transform((query, ctx) => {
      const { from, to, timeZone } = toUsageQuery(query, resolved, ctx);
      return { from, to, timeZone };
    });
}

/** @public */
export const usageQuerySchema = createUsageQuerySchema();

/** @public */
export const usageSummaryQuerySchema = createUsageSummaryQuerySchema();

/**
 * A model's price, in integer Rials per 1,000 tokens.
 *
 * @public
 */
export interface ModelPrice {
  promptRialsPer1kTokens: number;
  completionRialsPer1kTokens: number;
}

/**
 * An amount of money: integer Rials, and Tomans (Rials / 10, so it can have
 * one decimal) for display.
 *
 * @public
 */
export interface UsageCost {
  costRials: number;
  costTomans: number;
}

/**
 * Tokens of one model in one series bucket.
 *
 * @public
 */
export interface UsageBucket {
  /** Start of the bucket (a midnight or full hour in the zone), ISO 8601. */
  bucketStart: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
}

/**
 * Tokens, calls and cost of one model over the range, priced at `price`.
 *
 * @public
 */
export interface ModelUsageTotal extends UsageCost {
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** Recorded model calls. */
  calls: number;
  /** The configured price the cost was computed with. */
  price: ModelPrice;
}

/**
 * Sums over all models. `costRials` is the sum of the models' `costRials`,
 * so the lines of a statement always add up to its total.
 *
 * @public
 */
export interface UsageGrandTotal extends UsageCost {
  promptTokens: number;
  completionTokens: number;
  /** promptTokens + completionTokens. */
  tokens: number;
  calls: number;
}

/**
 * Body of `GET /tenants/:tenantId/usage`. Series points exist only for
 * buckets with usage (no zero filling); rows are sorted by bucket, then model.
 *
 * @public
 */
export interface TenantUsageResponse {
  tenantId: string;
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, exclusive. */
  to: string;
  granularity: UsageGranularity;
  /** The IANA zone of the buckets' days and hours. */
  timeZone: string;
  series: UsageBucket[];
  /** One line per model with usage in the range, sorted by model. */
  models: ModelUsageTotal[];
  total: UsageGrandTotal;
}

/**
 * One tenant's usage in the all-tenants summary.
 *
 * @public
 */
export interface TenantUsageSummary {
  tenantId: string;
  models: ModelUsageTotal[];
  total: UsageGrandTotal;
}

/**
 * Body of `GET /usage` (operators): the tenants with usage in the range,
 * sorted by id, and the total over all of them.
 *
 * @public
 */
export interface UsageSummaryResponse {
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, exclusive. */
  to: string;
  timeZone: string;
  tenants: TenantUsageSummary[];
  total: UsageGrandTotal;
}
