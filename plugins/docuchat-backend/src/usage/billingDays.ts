import { Config } from '@backstage/config';
import {
  addDays,
  dayInTimeZone,
  isBillingDay,
  isTimeZone,
  startOfDayInTimeZone,
} from '@docuchat/backstage-plugin-docuchat-common';

/*
 * Billing days are days in `docuchat.billing.timezone`; the arithmetic is the
 * common package's, so a usage chart's day is exactly an invoice's day.
 */

/** Throws when `timeZone` is not an IANA zone Node knows. */
export function requireTimeZone(
  timeZone: string,
  key = 'docuchat.billing.timezone',
): string {
  if (!isTimeZone(timeZone)) {
    throw new Error(`${key} is not a known IANA time zone: ${timeZone}`);
  }
  return timeZone;
}

/**
 * `docuchat.billing.timezone`: the zone of billing days, which usage charts
 * and daily limits also use for their days.
 */
export function readBillingTimeZone(config: Config): string {
  return requireTimeZone(
    config.getOptionalString('docuchat.billing.timezone') ?? 'Asia/Tehran',
  );
}

/** The billing day (YYYY-MM-DD in `timeZone`) that `instant` falls on. */
export function billingDayOf(instant: Date, timeZone: string): string {
  return dayInTimeZone(instant, timeZone);
}

/** The instant a billing day starts (its midnight in `timeZone`). */
export function billingDayStart(day: string, timeZone: string): Date {
  if (!isBillingDay(day)) throw new Error(`Invalid billing day ${day}`);
  return startOfDayInTimeZone(day, timeZone);
}

export function nextBillingDay(day: string): string {
  return addDays(day, 1);
}

export function previousBillingDay(day: string): string {
  return addDays(day, -1);
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
