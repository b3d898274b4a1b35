import { z } from 'zod';

/**
 * Width of a usage series bucket; buckets start at UTC midnight or at full
 * UTC hours.
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

function parseInstant(text: string): Date | undefined {
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
  const date = new Date(match[4] === undefined ? `${text}T00:00:00Z` : text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const instantSchema = z.string().transform((text, ctx) => {
  const date = parseInstant(text.trim());
  if (!date) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `must be a date like 2026-11-01 or a timestamp with a time zone like 2026-11-01T08:00:00Z, got "${text}"`,
    });
    return z.NEVER;
  }
  return date;
});

/** The start of the next UTC day: the default end keeps today whole. */
function startOfNextUtcDay(now: Date): Date {
  return new Date((Math.floor(now.getTime() / DAY_MS) + 1) * DAY_MS);
}

/**
 * A usage query after parsing: the half-open range `from` ≤ t < `to`.
 *
 * @public
 */
export interface UsageQuery {
  from: Date;
  to: Date;
  granularity: UsageGranularity;
}

const granularitySchema = z
  .enum(['day', 'hour'], {
    errorMap: () => ({ message: "must be 'day' or 'hour'" }),
  })
  .default('day');

/** The range checks both usage queries share. */
function toUsageQuery(
  query: { from?: Date; to?: Date; granularity?: UsageGranularity },
  now: () => Date,
  ctx: z.RefinementCtx,
): UsageQuery {
  const granularity = query.granularity ?? 'day';
  const to =
    query.to ??
    (query.from
      ? new Date(query.from.getTime() + USAGE_DEFAULT_RANGE_DAYS * DAY_MS)
      : startOfNextUtcDay(now()));
  const from =
    query.from ?? new Date(to.getTime() - USAGE_DEFAULT_RANGE_DAYS * DAY_MS);
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
  return { from, to, granularity };
}

/**
 * The query string of `GET /tenants/:tenantId/usage`.
 *
 * `from` and `to` are ISO 8601 dates (`2026-11-01`, meaning UTC midnight) or
 * timestamps with `Z` or an offset; the range is half-open, so November is
 * `from=2026-11-01&to=2026-12-01`. Without either end the range is the
 * 30 days up to the end of today (UTC); with one end, 30 days from or to it.
 * `granularity` is `day` (default, at most 366 days) or `hour` (at most
 * 31 days). `now` is the clock for the defaults (tests pass their own).
 *
 * @public
 */
export function createUsageQuerySchema(options?: { now?: () => Date }) {
  const now = options?.now ?? (() => new Date());
  return z
    .object({
      from: instantSchema.optional(),
      to: instantSchema.optional(),
      granularity: granularitySchema,
    })
    .strict()
    .transform((query, ctx) => toUsageQuery(query, now, ctx));
}

/**
 * The query string of the all-tenants `GET /usage`: `from` and `to` as in
 * {@link createUsageQuerySchema}, at most 366 days, no granularity.
 *
 * @public
 */
export function createUsageSummaryQuerySchema(options?: { now?: () => Date }) {
  const now = options?.now ?? (() => new Date());
  return z
    .object({
      from: instantSchema.optional(),
      to: instantSchema.optional(),
    })
    .strict()
    .transform((query, ctx) => {
      const { from, to } = toUsageQuery(query, now, ctx);
      return { from, to };
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
  /** Start of the UTC bucket, ISO 8601. */
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
  tenants: TenantUsageSummary[];
  total: UsageGrandTotal;
}
