/**
 * Days in a time zone, with nothing but `Intl`: a usage chart's day must be
 * the billing day an invoice names, whatever zone the reader's browser is in.
 */

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether `timeZone` is an IANA zone this runtime knows. @public */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `instant`, in milliseconds. @public */
export function timeZoneOffsetAt(instant: number, timeZone: string): number {
  const parts = formatterOf(timeZone).formatToParts(new Date(instant));
  const get = (type: string) =>
    Number(parts.find(part => part.type === type)!.value);
  const wall = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The day (YYYY-MM-DD in `timeZone`) that `instant` falls on. @public */
export function dayInTimeZone(instant: Date, timeZone: string): string {
  const offset = timeZoneOffsetAt(instant.getTime(), timeZone);
  return new Date(instant.getTime() + offset).toISOString().slice(0, 10);
}

/** The instant `day` (YYYY-MM-DD) starts in `timeZone`: its midnight. @public */
export function startOfDayInTimeZone(day: string, timeZone: string): Date {
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  // Two passes settle a day whose offset differs from the day before.
  let start = midnightUtc - timeZoneOffsetAt(midnightUtc, timeZone);
  start = midnightUtc - timeZoneOffsetAt(start, timeZone);
  return new Date(start);
}

/** `day` plus `days` (may be negative), as YYYY-MM-DD. @public */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

/**
 * A stretch of time with one UTC offset. @public
 */
export interface OffsetSegment {
  from: Date;
  to: Date;
  offsetMs: number;
}

// Zones change their offset at most a few times a year and never twice in
// six hours, so sampling every six hours finds every change.
const PROBE_MS = 6 * 3_600_000;

/**
 * Splits the half-open range [from, to) where the zone's UTC offset changes
 * (daylight saving), so each piece can be bucketed with one fixed offset.
 *
 * @public
 */
export function splitByOffset(
  from: Date,
  to: Date,
  timeZone: string,
): OffsetSegment[] {
  const segments: OffsetSegment[] = [];
  let start = from.getTime();
  let offset = timeZoneOffsetAt(start, timeZone);
  const end = to.getTime();
  for (let probe = start + PROBE_MS; start < end; probe += PROBE_MS) {
    const at = Math.min(probe, end);
    if (at === end || timeZoneOffsetAt(at, timeZone) !== offset) {
      if (at === end) {
        segments.push({ from: new Date(start), to: to, offsetMs: offset });
        break;
      }
      // The change lies in (at − PROBE_MS, at]: find its first second.
      let low = at - PROBE_MS;
      let high = at;
      while (high - low > 1000) {
        const middle = Math.floor((low + high) / 2000) * 1000;
        if (middle <= low) break;
        if (timeZoneOffsetAt(middle, timeZone) === offset) low = middle;
        else high = middle;
      }
      segments.push({
        from: new Date(start),
        to: new Date(high),
        offsetMs: offset,
      });
      start = high;
      offset = timeZoneOffsetAt(high, timeZone);
      probe = high;
    }
  }
  return segments;
}
