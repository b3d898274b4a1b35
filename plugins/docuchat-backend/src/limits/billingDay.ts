/**
 * The billing day (midnight to midnight in `timeZone`) that holds `at`, as
 * a half-open UTC range. Asia/Tehran (UTC+03:30, no daylight saving since
 * 2022) starts its day at 20:30 UTC the day before.
 */
export function billingDayOf(
  at: Date,
  timeZone: string,
): { from: Date; to: Date } {
  const { year, month, day } = localDate(at, timeZone);
  return {
    from: localMidnight(year, month, day, timeZone),
    to: localMidnight(year, month, day + 1, timeZone),
  };
}

/** Throws on a time zone name Intl does not know. */
export function assertTimeZone(timeZone: string, key: string): void {
  try {
    Intl.DateTimeFormat('en-US', { timeZone }).format(0);
  } catch {
    throw new Error(`${key} is not a known IANA time zone: ${timeZone}`);
  }
}

function localParts(at: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find(part => part.type === type)!.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

function localDate(at: Date, timeZone: string) {
  const { year, month, day } = localParts(at, timeZone);
  return { year, month, day };
}

/** The zone's offset from UTC at `at`, in milliseconds. */
function offsetMs(at: Date, timeZone: string): number {
  const p = localParts(at, timeZone);
  const asUtc = Date.UTC(
    p.year,
    p.month - 1,
    p.day,
    p.hour,
    p.minute,
    p.second,
  );
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

function localMidnight(
  year: number,
  month: number,
  day: number,
  timeZone: string,
): Date {
  const naive = Date.UTC(year, month - 1, day);
  // Twice: the offset at the guess may differ from the one at the answer
  // across a daylight-saving change.
  let guess = naive - offsetMs(new Date(naive), timeZone);
  guess = naive - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}
