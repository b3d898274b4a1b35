import {
  billingDayOf,
  billingDayRange,
  latestClosedDay,
  requireTimeZone,
} from './billingDays';

const dayOf = (instant: string, timeZone: string) =>
  billingDayRange(billingDayOf(new Date(instant), timeZone), timeZone);

describe('billing days', () => {
  it('starts a Tehran day at 20:30 UTC the day before', () => {
    expect(billingDayOf(new Date('2026-12-01T20:29:59Z'), 'Asia/Tehran')).toBe(
      '2026-12-01',
    );
    expect(dayOf('2026-12-01T20:29:59Z', 'Asia/Tehran')).toEqual({
      start: new Date('2026-11-30T20:30:00Z'),
      end: new Date('2026-12-01T20:30:00Z'),
    });
    expect(dayOf('2026-12-01T20:30:00Z', 'Asia/Tehran')).toEqual({
      start: new Date('2026-12-01T20:30:00Z'),
      end: new Date('2026-12-02T20:30:00Z'),
    });
  });

  it('follows daylight saving: a 23-hour day in Berlin', () => {
    expect(dayOf('2026-03-29T12:00:00Z', 'Europe/Berlin')).toEqual({
      start: new Date('2026-03-28T23:00:00Z'),
      end: new Date('2026-03-29T22:00:00Z'),
    });
  });

  it('is the UTC day in UTC', () => {
    expect(dayOf('2026-12-31T23:59:59Z', 'UTC')).toEqual({
      start: new Date('2026-12-31T00:00:00Z'),
      end: new Date('2027-01-01T00:00:00Z'),
    });
  });

  it('bills a day only once its end plus the settle delay has passed', () => {
    const delay = 15 * 60_000;
    // 20:40 UTC is 00:10 in Tehran: yesterday closed 10 minutes ago.
    expect(
      latestClosedDay(new Date('2026-12-01T20:40:00Z'), 'Asia/Tehran', delay),
    ).toBe('2026-11-30');
    expect(
      latestClosedDay(new Date('2026-12-01T20:50:00Z'), 'Asia/Tehran', delay),
    ).toBe('2026-12-01');
  });

  it('refuses unknown zones with the key in the message', () => {
    expect(() => requireTimeZone('Mars/Olympus')).toThrow(
      'docuchat.billing.timezone is not a known IANA time zone: Mars/Olympus',
    );
  });
});
