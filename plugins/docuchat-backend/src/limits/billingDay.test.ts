import { assertTimeZone, billingDayOf } from './billingDay';

describe('billingDayOf', () => {
  it('starts a Tehran day at 20:30 UTC the day before', () => {
    expect(
      billingDayOf(new Date('2026-12-01T20:29:59Z'), 'Asia/Tehran'),
    ).toEqual({
      from: new Date('2026-11-30T20:30:00Z'),
      to: new Date('2026-12-01T20:30:00Z'),
    });
    expect(
      billingDayOf(new Date('2026-12-01T20:30:00Z'), 'Asia/Tehran'),
    ).toEqual({
      from: new Date('2026-12-01T20:30:00Z'),
      to: new Date('2026-12-02T20:30:00Z'),
    });
  });

  it('follows daylight saving: a 23-hour day in Berlin', () => {
    const day = billingDayOf(new Date('2026-03-29T12:00:00Z'), 'Europe/Berlin');
    expect(day).toEqual({
      from: new Date('2026-03-28T23:00:00Z'),
      to: new Date('2026-03-29T22:00:00Z'),
    });
  });

  it('is the UTC day in UTC', () => {
    expect(billingDayOf(new Date('2026-12-31T23:59:59Z'), 'UTC')).toEqual({
      from: new Date('2026-12-31T00:00:00Z'),
      to: new Date('2027-01-01T00:00:00Z'),
    });
  });

  it('refuses unknown zones with the key in the message', () => {
    expect(() =>
      assertTimeZone('Mars/Olympus', 'docuchat.billing.timezone'),
    ).toThrow(
      'docuchat.billing.timezone is not a known IANA time zone: Mars/Olympus',
    );
  });
});
