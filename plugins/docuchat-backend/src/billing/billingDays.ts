import { isBillingDay } from '@internal/backstage-plugin-docuchat-common';

const DAY_MS = 86_400_000;

/** The zone's offset from UTC at `instant`, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
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

/** Throws when `timeZone` is not an IANA zone Node knows. */
export function requireTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(`Unknown time zone ${timeZone}`);
  }
  return timeZone;
}

/** The billing day (YYYY-MM-DD in `timeZone`) that `instant` falls on. */
export function billingDayOf(instant: Date, timeZone: string): string {
  const wall = new Date(
    instant.getTime() + offsetAt(instant.getTime(), timeZone),
  );
  return wall.toISOString().slice(0, 10);
}

/** The instant a billing day starts (its midnight in `timeZone`). */
export function billingDayStart(day: string, timeZone: string): Date {
  if (!isBillingDay(day)) throw new Error(`Invalid billing day ${day}`);
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  // Two passes settle a day whose offset differs from the day before.
  let start = midnightUtc - offsetAt(midnightUtc, timeZone);
  start = midnightUtc - offsetAt(start, timeZone);
  return new Date(start);
}

export function nextBillingDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS)
    .toISOString()
    .slice(0, 10);
}

export function previousBillingDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS)
    .toISOString()
    .slice(0, 10);
}

/** Every day from `from` to `to`, both included. */
export function billingDaysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = nextBillingDay(day)) days.push(day);
  return days;
}

/** The half-open range [start, end) of a billing day. */
export function billingDayRange(day: string, timeZone: string) {
  return {
    start: billingDayStart(day, timeZone),
    end: billingDayStart(nextBillingDay(day), timeZone),
  };
}

/**
 * The latest day that may be billed at `now`: its end plus the settle delay
 * (time for calls running at midnight to settle) has passed.
 */
export function latestClosedDay(
  now: Date,
  timeZone: string,
  settleDelayMs: number,
): string {
  let day = previousBillingDay(billingDayOf(now, timeZone));
  while (
    billingDayStart(nextBillingDay(day), timeZone).getTime() + settleDelayMs >
    now.getTime()
  ) {
    day = previousBillingDay(day);
  }
  return day;
}
