import {
  addDays,
  dayInTimeZone,
  TenantUsageResponse,
  UsageGranularity,
} from '@docuchat/backstage-plugin-docuchat-common';

/** One bar of the chart: a bucket and its tokens per series key. */
export interface UsageChartRow {
  /** Start of the bucket, ISO 8601. */
  bucketStart: string;
  /** YYYY-MM-DD, or YYYY-MM-DD HH:mm for hours, in the response's zone. */
  label: string;
  [seriesKey: string]: string | number;
}

/** A stacked series: one model's prompt or completion tokens. */
export interface UsageSeriesKey {
  key: string;
  model: string;
  direction: 'prompt' | 'completion';
}

/** The wall-clock label of a bucket start in `timeZone`. */
function labelOf(
  bucketStart: string,
  granularity: UsageGranularity,
  timeZone: string,
): string {
  const instant = new Date(bucketStart);
  const day = dayInTimeZone(instant, timeZone);
  if (granularity === 'day') return day;
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
  return `${day} ${time}`;
}

/**
 * The usage response as chart rows (one per bucket with usage) and stacked
 * series keys (prompt and completion of each model, in model order; those
 * without tokens in the range left out).
 */
export function toUsageChart(usage: TenantUsageResponse): {
  rows: UsageChartRow[];
  keys: UsageSeriesKey[];
} {
  const models = [...new Set(usage.series.map(point => point.model))].sort();
  const keys: UsageSeriesKey[] = models.flatMap(model => [
    { key: `${model} prompt`, model, direction: 'prompt' as const },
    { key: `${model} completion`, model, direction: 'completion' as const },
  ]);
  const rows = new Map<string, UsageChartRow>();
  for (const point of usage.series) {
    let row = rows.get(point.bucketStart);
    if (!row) {
      row = {
        bucketStart: point.bucketStart,
        label: labelOf(point.bucketStart, usage.granularity, usage.timeZone),
      };
      for (const { key } of keys) row[key] = 0;
      rows.set(point.bucketStart, row);
    }
    (row[`${point.model} prompt`] as number) += point.promptTokens;
    (row[`${point.model} completion`] as number) += point.completionTokens;
  }
  // A series with no tokens in the range (an embedding model's completion
  // tokens) would only add an empty legend entry and CSV column.
  const drawn = keys.filter(({ key }) =>
    [...rows.values()].some(row => row[key] !== 0),
  );
  return {
    rows: [...rows.values()].sort((a, b) =>
      a.bucketStart.localeCompare(b.bucketStart),
    ),
    keys: drawn,
  };
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** What the chart shows, as CSV: one line per bucket, one column per series. */
export function usageChartCsv(
  rows: UsageChartRow[],
  keys: UsageSeriesKey[],
): string {
  const header = ['bucket', ...keys.map(k => k.key)];
  const lines = rows.map(row => [
    row.label,
    ...keys.map(k => row[k.key] as number),
  ]);
  return `${[header, ...lines]
    .map(line => line.map(csvCell).join(','))
    .join('\n')}\n`;
}

/** A chosen range: whole days of the usage zone, `to` inclusive. */
export interface DayRange {
  from: string;
  to: string;
}

/** The last `days` days up to today (in `timeZone`), today included. */
export function lastDays(days: number, timeZone: string, now = new Date()) {
  const today = dayInTimeZone(now, timeZone);
  return { from: addDays(today, -(days - 1)), to: today };
}

/** Ranges of up to two days are charted by hour. */
export function granularityOf(range: DayRange): UsageGranularity {
  const days =
    (Date.parse(`${range.to}T00:00:00Z`) -
      Date.parse(`${range.from}T00:00:00Z`)) /
      86_400_000 +
    1;
  return days <= 2 ? 'hour' : 'day';
}
