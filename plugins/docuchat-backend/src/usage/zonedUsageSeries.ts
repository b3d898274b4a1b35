import {
  dayInTimeZone,
  splitByOffset,
  startOfDayInTimeZone,
  UsageBucket,
  UsageQuery,
} from '@docuchat/backstage-plugin-docuchat-common';
import { UsageLedger } from './UsageLedger';

/**
 * A tenant's usage series bucketed by the days (or hours) of a time zone: one
 * ledger query per stretch of constant UTC offset (one, except across a
 * daylight-saving change), then the buckets of a day that straddles a change
 * are labelled by that day's midnight and added up.
 */
export async function zonedUsageSeries(
  ledger: UsageLedger,
  tenantId: string,
  query: UsageQuery,
): Promise<UsageBucket[]> {
  const { from, to, granularity, timeZone } = query;
  const parts = await Promise.all(
    splitByOffset(from, to, timeZone).map(segment =>
      ledger.series({
        tenantId,
        from: segment.from,
        to: segment.to,
        granularity,
        offsetSeconds: segment.offsetMs / 1000,
      }),
    ),
  );
  if (parts.length === 1) return parts[0];
  const merged = new Map<string, UsageBucket>();
  for (const point of parts.flat()) {
    const bucketStart =
      granularity === 'day'
        ? startOfDayInTimeZone(
            dayInTimeZone(new Date(point.bucketStart), timeZone),
            timeZone,
          ).toISOString()
        : point.bucketStart;
    const key = `${bucketStart} ${point.model}`;
    const known = merged.get(key);
    if (known) {
      known.promptTokens += point.promptTokens;
      known.completionTokens += point.completionTokens;
    } else {
      merged.set(key, { ...point, bucketStart });
    }
  }
  return [...merged.values()].sort(
    (a, b) =>
      a.bucketStart.localeCompare(b.bucketStart) ||
      codeUnitOrder(a.model, b.model),
  );
}

/** Code unit order, as the ledger sorts models on every database. */
function codeUnitOrder(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
